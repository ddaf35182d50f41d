// What `npm pack` puts in the tarball: everything package.json points at is
// there, and nothing dangles (no source maps of sources that are not shipped,
// no declarations of the example programs).
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Manifest {
	bin: Record<string, string>;
	exports: Record<string, string | Record<string, string>>;
	main: string;
	types: string;
	repository?: unknown;
	homepage?: string;
	bugs?: unknown;
	keywords?: string[];
	engines: {node: string};
}

const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as Manifest;

/** The tarball's file list, without running any script (prepare would rebuild dist/). */
function packed(): Set<string> {
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
	const out = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		timeout: 60_000,
	});
	const [report] = JSON.parse(out) as Array<{files: Array<{path: string}>}>;
	assert.ok(report, 'npm pack reports one package');
	return new Set(report.files.map(file => file.path));
}

const files = packed();

/** A path from package.json (`./dist/…` or `dist/…`) as npm lists it. */
function norm(path: string): string {
	return path.replace(/^\.\//, '');
}

test('every entry point, declaration and bin package.json names is in the tarball', () => {
	const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
	for (const entry of Object.values(manifest.exports)) {
		targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
	}

	for (const target of targets) {
		assert.ok(files.has(norm(target)), `${target} is packed`);
	}

	for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'binding.gyp', 'native/glibc-compat.h']) {
		assert.ok(files.has(file), `${file} is packed`);
	}
});

test('nothing in the tarball dangles: no source maps, no declarations of the examples, no tests', () => {
	const dangling = [...files].filter(
		file =>
			file.endsWith('.map') ||
			(file.startsWith('dist/examples/') && file.endsWith('.d.ts')) ||
			file.startsWith('dist/test/') ||
			file.startsWith('dist/bench/') ||
			file.startsWith('src/'),
	);
	assert.deepEqual(dangling, []);
	// The compiled code does not point at a map either.
	for (const file of files) {
		if (file.endsWith('.js')) {
			assert.doesNotMatch(
				readFileSync(`${root}/${file}`, 'utf8'),
				/^\/\/# sourceMappingURL=/m,
				`${file} names no source map`,
			);
		}
	}
});

test('package.json carries what a registry page shows: repository, homepage, bugs, keywords', () => {
	assert.ok(manifest.repository, 'repository');
	assert.match(manifest.homepage ?? '', /^https:\/\//);
	assert.ok(manifest.bugs, 'bugs');
	assert.ok((manifest.keywords ?? []).length > 0, 'keywords');
});
