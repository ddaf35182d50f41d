/**
 * DefaultSelector: the suite on whatever it resolves to, the choice by
 * probing, and the SELECTORS_BACKEND override (in child processes).
 */
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {
	DefaultSelector,
	DevpollSelector,
	EpollSelector,
	KqueueSelector,
	PollSelector,
	SelectSelector,
} from '../../src/selectors/index.js';
import {selectorSuite} from './suite.js';

const forced = process.env['SELECTORS_BACKEND'];

selectorSuite(DefaultSelector, {
	scalable: DefaultSelector !== SelectSelector,
	kernelChecksRegister: DefaultSelector === EpollSelector || DefaultSelector === KqueueSelector,
	unavailableReason: `SELECTORS_BACKEND=${String(forced)} is unusable here`,
});

test(
	'DefaultSelector is the best available class (kqueue > epoll > devpoll > poll > select)',
	{skip: forced ? `SELECTORS_BACKEND=${forced} is set` : false},
	() => {
		const best = [KqueueSelector, EpollSelector, DevpollSelector, PollSelector, SelectSelector].find(
			Class => Class.available,
		);
		assert.equal(DefaultSelector, best, 'an alias of the class itself, as in Python');
		if (process.platform === 'linux') {
			assert.equal(DefaultSelector, EpollSelector);
		} else if (process.platform === 'darwin' || process.platform.endsWith('bsd')) {
			assert.equal(DefaultSelector, KqueueSelector);
		}

		const sel = new DefaultSelector<string>();
		assert.ok(sel instanceof best!);
		sel.close();
	},
);

/** Runs a child with SELECTORS_BACKEND=`value` that builds a DefaultSelector and selects once. */
function child(value: string): {
	name: string;
	result?: unknown;
	error?: {name: string; code: string; message: string};
} {
	const index = new URL('../../src/index.js', import.meta.url).href;
	const nativeUrl = new URL('../../src/native.js', import.meta.url).href;
	const script = `
		const {DefaultSelector, EVENT_WRITE} = await import(${JSON.stringify(index)});
		const {native, constant} = await import(${JSON.stringify(nativeUrl)});
		const out = {name: DefaultSelector.name};
		try {
			const sel = new DefaultSelector();
			const fds = new Int32Array(2);
			native.socketpair(constant('AF_UNIX'), constant('SOCK_STREAM'), 0, fds);
			sel.register(fds[1], EVENT_WRITE);
			out.result = {class: sel.constructor.name, ready: sel.select(1).map(([key, events]) => [key.fd === fds[1], events])};
			sel.close();
			native.close(fds[0]);
			native.close(fds[1]);
		} catch (error) {
			out.error = {name: error.name, code: error.code, message: error.message};
		}
		console.log(JSON.stringify(out));
	`;
	const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
		env: {...process.env, SELECTORS_BACKEND: value},
		encoding: 'utf8',
		timeout: 30_000,
	});
	assert.equal(run.status, 0, run.stderr);
	return JSON.parse(run.stdout) as ReturnType<typeof child>;
}

test('SELECTORS_BACKEND forces the backend', () => {
	const classes = {
		select: SelectSelector,
		poll: PollSelector,
		epoll: EpollSelector,
		kqueue: KqueueSelector,
	};
	for (const [value, Class] of Object.entries(classes)) {
		const out = child(value);
		// an unusable choice leaves a stand-in whose constructor explains it
		assert.equal(out.name, Class.available ? Class.name : 'DefaultSelector', value);
		if (Class.available) {
			assert.deepEqual(out.result, {class: Class.name, ready: [[true, 2]]}, value);
		} else {
			assert.equal(out.error?.name, 'OSError', value);
			assert.equal(out.error?.code, 'ENOSYS', value);
			assert.match(
				out.error?.message ?? '',
				new RegExp(`SELECTORS_BACKEND=${value} asks for ${Class.name}, which is not available`),
			);
		}
	}

	// empty means unset
	const out = child('');
	assert.equal(out.error, undefined);
});

test('SELECTORS_BACKEND with an invalid value fails at construction, not import', () => {
	const out = child('bogus');
	assert.equal(out.name, 'DefaultSelector');
	assert.deepEqual(out.error, {
		name: 'ValueError',
		code: 'ERR_INVALID_BACKEND',
		message: 'Invalid SELECTORS_BACKEND="bogus": expected one of select, poll, epoll, kqueue, io_uring',
	});
});

/**
 * Imports the package in a child whose addon has `broken` replaced by a
 * function throwing RangeError (what kqueue.c used to do wherever
 * struct kevent exceeded 32 bytes); reports the chosen class and warnings.
 */
function childWithBrokenAddon(broken: string): {
	status: number | null;
	stderr: string;
	name?: string;
	warnings?: string[];
} {
	const dir = mkdtempSync(join(tmpdir(), 'selectors-broken-'));
	try {
		const preload = join(dir, 'break-addon.cjs');
		writeFileSync(
			preload,
			`
			const Module = require('node:module');
			const load = Module._extensions['.node'];
			Module._extensions['.node'] = function (module, filename) {
				load(module, filename);
				module.exports = {...module.exports, ${JSON.stringify(broken)}() {
					throw new RangeError('broken for the test');
				}};
			};
		`,
		);
		const index = new URL('../../src/index.js', import.meta.url).href;
		const script = `
			const warnings = [];
			process.on('warning', warning => warnings.push(warning.code));
			const {DefaultSelector} = await import(${JSON.stringify(index)});
			await new Promise(resolve => setImmediate(resolve));
			console.log(JSON.stringify({name: DefaultSelector.name, warnings}));
		`;
		const env = {...process.env};
		delete env['SELECTORS_BACKEND'];
		const run = spawnSync(process.execPath, ['--require', preload, '--input-type=module', '-e', script], {
			env,
			encoding: 'utf8',
			timeout: 30_000,
		});
		const out = run.status === 0 ? (JSON.parse(run.stdout) as {name: string; warnings: string[]}) : {};
		return {status: run.status, stderr: run.stderr, ...out};
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

test(
	'a backend that fails its probe in any way is skipped: importing the package does not throw, and a warning says so',
	{skip: EpollSelector.available ? false : 'needs epoll to break'},
	() => {
		const out = childWithBrokenAddon('epollWait');
		assert.equal(out.status, 0, out.stderr);
		assert.equal(out.name, 'PollSelector');
		assert.deepEqual(out.warnings, ['SELECTORS_BACKEND_UNUSABLE']);
	},
);

test(
	'on Linux, DefaultSelector is EpollSelector without SELECTORS_BACKEND (epoll is never silently replaced)',
	{skip: process.platform === 'linux' ? false : 'Linux only'},
	() => {
		const out = childWithBrokenAddon('strerror'); // not used by the probe: nothing is broken for it
		assert.equal(out.status, 0, out.stderr);
		assert.equal(out.name, 'EpollSelector');
		assert.deepEqual(out.warnings, []);
	},
);
