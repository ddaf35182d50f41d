// Loading the addon as an installed package does: every release binary built
// here (build/Release, prebuilds/) must load on glibc 2.28, the oldest that Node 20's own
// Linux binaries run on (native/glibc-compat.h), and when no binary fits the
// loader says why and what to do in one line.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every addon binary under `dir`, recursively: `.node`, and `.addon` (the TLS addon, binding.gyp). */
function addons(dir: string): string[] {
	if (!existsSync(dir)) {
		return [];
	}

	return readdirSync(dir, {recursive: true, encoding: 'utf8'})
		.filter(name => name.endsWith('.node') || name.endsWith('.addon'))
		.map(name => join(dir, name));
}

/** `[major, minor, patch]` of a version such as `2.2.5`, for comparing. */
function versionKey(version: string): number[] {
	return version.split('.').map(Number);
}

function newer(a: string, b: string): boolean {
	const [x, y] = [versionKey(a), versionKey(b)];
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? 0) - (y[i] ?? 0);
		if (d !== 0) {
			return d > 0;
		}
	}

	return false;
}

const objdump = spawnSync('objdump', ['--version'], {encoding: 'utf8'});
const glibc =
	process.platform === 'linux' &&
	(process.report.getReport() as {header?: {glibcVersionRuntime?: string}}).header?.glibcVersionRuntime !==
		undefined;

// The release builds: what npm installs (build/Release) and ships (prebuilds/);
// Debug and sanitizer builds link other runtimes and are not checked.
const released = [...addons(join(root, 'build', 'Release')), ...addons(join(root, 'prebuilds'))];

test(
	'every release addon built here needs at most GLIBC_2.28',
	{
		skip:
			!glibc || objdump.status !== 0
				? 'needs glibc Linux and objdump'
				: released.length === 0
					? 'no release build'
					: false,
	},
	() => {
		for (const file of released) {
			const dump = spawnSync('objdump', ['-T', file], {encoding: 'utf8'});
			assert.equal(dump.status, 0, dump.stderr);
			if (/\b__asan_init\b/.test(dump.stdout)) {
				// .ci/run's sanitizer build, in build/Release while it runs: it links
				// libasan, which supplies what glibc would (about three GLIBC symbols left).
				continue;
			}

			const needed = [...dump.stdout.matchAll(/\bGLIBC_([0-9.]+)\b\)?\s+(\S+)$/gm)].map(match => ({
				version: match[1] ?? '',
				symbol: match[2] ?? '',
			}));
			// (The TLS addon looks OpenSSL up with dlsym: it has about ten.)
			assert.ok(needed.length >= 5, `objdump lists the versioned symbols of ${file}`);
			const tooNew = needed
				.filter(({version}) => newer(version, '2.28'))
				.map(({version, symbol}) => `${symbol}@GLIBC_${version}`);
			assert.deepEqual(
				tooNew,
				[],
				`${file} needs a glibc newer than 2.28: pin these in native/glibc-compat.h`,
			);
		}
	},
);

test(
	'the GLIBC check covers every addon binding.gyp builds (the TLS addon too)',
	{skip: existsSync(join(root, 'build', 'Release')) ? false : 'no release build'},
	() => {
		const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8');
		const targets = [...gyp.matchAll(/"target_name":\s*"([^"]+)"/g)].map(match => match[1] ?? '');
		assert.ok(targets.length >= 2, `binding.gyp's targets: ${targets.join(', ')}`);
		const built = readdirSync(join(root, 'build', 'Release'));
		for (const target of targets) {
			const file = built.find(name => name.startsWith(`${target}.`));
			assert.ok(file !== undefined, `build/Release has the binary of target ${target}`);
			assert.ok(
				released.includes(join(root, 'build', 'Release', file)),
				`build/Release/${file} is checked`,
			);
		}
	},
);

/** Runs `import('./dist/src/native.js')` in a copy of the package laid out by `setup`; returns the error message. */
function loadError(
	t: {after(fn: () => void): void},
	setup: (dir: string) => void,
	env: Record<string, string> = {},
): string {
	const dir = mkdtempSync(join(tmpdir(), 'selectors-load-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	writeFileSync(join(dir, 'package.json'), JSON.stringify({name: 'node-selectors', type: 'module'}));
	mkdirSync(join(dir, 'dist', 'src'), {recursive: true});
	copyFileSync(join(root, 'dist', 'src', 'native.js'), join(dir, 'dist', 'src', 'native.js'));
	mkdirSync(join(dir, 'node_modules'));
	symlinkSync(join(root, 'node_modules', 'node-gyp-build'), join(dir, 'node_modules', 'node-gyp-build'));
	setup(dir);
	const script =
		'import("./dist/src/native.js").then(() => console.log("loaded"), e => console.log(JSON.stringify(e.message)))';
	const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
		cwd: dir,
		encoding: 'utf8',
		env: {...process.env, ...env},
		timeout: 30_000,
	});
	assert.equal(run.status, 0, run.stderr);
	assert.notEqual(run.stdout.trim(), 'loaded');
	return JSON.parse(run.stdout) as string;
}

function assertOneLineAdvice(message: string): void {
	assert.ok(!message.includes('\n'), `one line: ${message}`);
	assert.match(message, /^node-selectors: cannot load the native addon for /);
	assert.match(message, /`npm rebuild node-selectors` \(needs a C compiler, make and python3/);
}

test('no build for this platform (e.g. musl): one line that names the platform and npm rebuild', t => {
	const message = loadError(t, () => {});
	assertOneLineAdvice(message);
	assert.match(message, /No native build was found for platform=/);
});

test('a glibc prebuild on a musl system is not picked: the same one line', t => {
	const message = loadError(
		t,
		dir => {
			const prebuilds = join(dir, 'prebuilds', `${process.platform}-${process.arch}`);
			mkdirSync(prebuilds, {recursive: true});
			writeFileSync(join(prebuilds, 'node-selectors.glibc.node'), 'not loaded');
		},
		{LIBC: 'musl'},
	);
	assertOneLineAdvice(message);
	assert.match(message, /libc=musl/);
});

test("a build the system cannot load (e.g. an older C library): one line with the loader's reason", t => {
	const message = loadError(t, dir => {
		mkdirSync(join(dir, 'build', 'Release'), {recursive: true});
		writeFileSync(join(dir, 'build', 'Release', 'selectors.node'), 'not an ELF file');
	});
	assertOneLineAdvice(message);
	assert.match(message, /selectors\.node/);
});

test('the loaded bindings are fast-mode objects (no dictionary lookup per native call)', () => {
	// V8's %HasFastProperties: an addon's exports object is in dictionary mode, and every
	// `native.recv` in optimized code would then be a LoadIC call (see src/native.ts).
	const script = `
		const {native} = await import(${JSON.stringify(join(root, 'dist/src/native.js'))});
		let ssl = null;
		try {
			({ssl} = await import(${JSON.stringify(join(root, 'dist/src/ssl/native.js'))}));
		} catch {}
		console.log(JSON.stringify([%HasFastProperties(native), ssl === null ? null : %HasFastProperties(ssl)]));`;
	const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], {
		encoding: 'utf8',
	});
	assert.equal(run.status, 0, run.stderr);
	const [main, tls] = JSON.parse(run.stdout) as [boolean, boolean | null];
	assert.equal(main, true, 'node-selectors addon');
	assert.notEqual(tls, false, 'TLS addon');
});
