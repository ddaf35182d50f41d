// How the TLS addon is found and what happens when it cannot be used: a
// typed error on import of the ssl entry point, the rest of the package
// unaffected; and the built addon links no OpenSSL symbol (they are looked
// up in the running Node at load time).
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const addon = join(root, 'build', 'Release', 'selectors_ssl.addon');

function runChild(
	code: string,
	env: Record<string, string>,
): {status: number | null; stdout: string; stderr: string} {
	const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
		cwd: root,
		env: {...process.env, ...env},
		encoding: 'utf8',
		timeout: 20_000,
	});
	return {status: r.status, stdout: r.stdout, stderr: r.stderr};
}

test('no TLS addon: importing ssl rejects with ERR_SSL_UNAVAILABLE; the selectors and sockets still work', () => {
	const code = `
		const sel = await import('node-selectors');
		const {socketpair} = await import('node-selectors/socket');
		let ssl;
		try { await import('node-selectors/ssl'); ssl = 'loaded'; } catch (e) { ssl = e.code + ': ' + e.message; }
		const [a, b] = socketpair();
		const s = new sel.DefaultSelector();
		s.register(b, sel.EVENT_READ);
		a.send(Buffer.from('x'));
		console.log(JSON.stringify({ssl, ready: s.select(0).length}));
		s.close(); a.close(); b.close();
	`;
	const r = runChild(code, {NODE_SELECTORS_SSL_ADDON: join(root, 'no-such-dir', 'selectors_ssl.addon')});
	assert.equal(r.status, 0, r.stderr);
	const out = JSON.parse(r.stdout) as {ssl: string; ready: number};
	assert.match(out.ssl, /^ERR_SSL_UNAVAILABLE: node-selectors\/ssl: the TLS addon is not built/);
	assert.equal(out.ready, 1);
});

test('a file that is not an addon: a typed error, no crash', () => {
	const r = runChild(
		`
		try { await import('node-selectors/ssl'); console.log('loaded'); } catch (e) { console.log(e.code); }
	`,
		{NODE_SELECTORS_SSL_ADDON: join(root, 'package.json')},
	);
	assert.equal(r.status, 0, r.stderr);
	assert.equal(r.stdout.trim(), 'ERR_SSL_UNAVAILABLE');
});

const nm = spawnSync('nm', ['--version'], {stdio: 'ignore'}).status === 0;
test(
	'the built TLS addon has no undefined OpenSSL symbol (all are resolved at load with dlsym)',
	{
		skip: !existsSync(addon) ? 'no Release build of the TLS addon' : !nm ? 'nm is not installed' : false,
	},
	() => {
		const undefinedSymbols = execFileSync('nm', ['-u', addon], {encoding: 'utf8'});
		const openssl = undefinedSymbols
			.split('\n')
			.filter(line => /\b(SSL_|TLS_|X509|ERR_|BIO_|PEM_|OpenSSL_|OPENSSL_|i2d_|d2i_|EVP_)/.test(line));
		assert.deepEqual(openssl, []);
		assert.match(undefinedSymbols, /dlsym/);
	},
);

const objdump = spawnSync('objdump', ['--version'], {stdio: 'ignore'}).status === 0;
test(
	'the built TLS addon needs at most GLIBC_2.28, as the main addon (dlsym pinned to its first version)',
	{
		skip:
			process.platform !== 'linux'
				? 'not Linux'
				: !existsSync(addon)
					? 'no Release build of the TLS addon'
					: !objdump
						? 'objdump is not installed'
						: false,
	},
	() => {
		const versions = [
			...execFileSync('objdump', ['-T', addon], {encoding: 'utf8'}).matchAll(/GLIBC_([0-9.]+)/g),
		].map(match => match[1]!.split('.').map(Number));
		const newer = versions.filter(([major = 0, minor = 0]) => major > 2 || (major === 2 && minor > 28));
		assert.deepEqual(newer, []);
	},
);

test('the TLS addon loads in worker threads too (one load per thread), and a context works there', async () => {
	const {Worker} = await import('node:worker_threads');
	const {pathToFileURL} = await import('node:url');
	const entry = pathToFileURL(join(root, 'dist', 'src', 'ssl', 'index.js')).href;
	const code = `
		const {parentPort} = require('node:worker_threads');
		import(${JSON.stringify(entry)}).then(m => {
			const ctx = new m.SSLContext(m.PROTOCOL_TLS_CLIENT);
			ctx.minimumVersion = m.TLSVersion.TLSv1_3;
			parentPort.postMessage([m.OPENSSL_VERSION, ctx.minimumVersion]);
		});
	`;
	const results = await Promise.all(
		[0, 1].map(() =>
			new Promise((resolve, reject) => {
				const worker = new Worker(code, {eval: true});
				worker.once('message', resolve);
				worker.once('error', reject);
			}).then(value => value),
		),
	);
	const {OPENSSL_VERSION, TLSVersion} = await import('../../src/ssl/index.js');
	assert.deepEqual(results, [
		[OPENSSL_VERSION, TLSVersion.TLSv1_3],
		[OPENSSL_VERSION, TLSVersion.TLSv1_3],
	]);
});
