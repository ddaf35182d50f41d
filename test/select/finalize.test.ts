// An Epoll or Waker dropped without close() gives its fds back once it is
// garbage-collected (CPython's epoll/kqueue objects close theirs on
// deallocation); a closed one is not closed a second time; a collected
// Waker's handle does nothing afterwards.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';

const skip = process.platform === 'linux' ? false : 'uses epoll and /proc/self/fd (Linux)';

test(
	'unclosed Epoll and Waker objects close their fds when collected; closed ones are left alone',
	{skip},
	() => {
		const select = new URL('../../src/select/index.js', import.meta.url).href;
		const main = new URL('../../src/index.js', import.meta.url).href;
		const script = `
		import {readdirSync, openSync, closeSync} from 'node:fs';
		import {setImmediate as tick} from 'node:timers/promises';
		const {epoll} = await import(${JSON.stringify(select)});
		const {Waker} = await import(${JSON.stringify(main)});
		const count = () => readdirSync('/proc/self/fd').length;
		const collect = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await tick(); } };
		const before = count();
		let handle;
		(() => { for (let i = 0; i < 10; i++) { epoll().poll(0); const w = new Waker(); handle = w.handle; } })();
		const held = count() - before;
		await collect();
		const leftAfterGc = count() - before;
		const lateWake = (await import(${JSON.stringify(main)})).Waker.fromHandle(handle).wake();
		let ep = epoll();
		const number = ep.fileno();
		ep.close();
		ep = null;
		const file = openSync(process.execPath, 'r');
		await collect();
		let stillOpen = true;
		try { closeSync(file); } catch { stillOpen = false; }
		console.log(JSON.stringify({held, leftAfterGc, lateWake, reused: file === number, stillOpen}));
	`;
		const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
			encoding: 'utf8',
			timeout: 20_000,
		});
		const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
		assert.equal(
			result['held'],
			20,
			'each Epoll and each Waker (an eventfd) holds one fd until collected',
		);
		assert.equal(result['leftAfterGc'], 0, 'collected objects closed their fds');
		assert.equal(result['lateWake'], false, 'a collected Waker handle reads it as closed');
		assert.equal(result['stillOpen'], true, 'the number of a closed Epoll, reused, is left alone');
	},
);
