// A selector dropped without close() gives its kernel fd back once it is
// garbage-collected (CPython's epoll/kqueue objects close theirs on
// deallocation); a closed one is not closed a second time.
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {DefaultSelector, EpollSelector, KqueueSelector} from '../../src/selectors/index.js';

const withFd = [EpollSelector, KqueueSelector].find(Cls => Cls.available);
const skip = withFd === undefined ? 'no selector with a kernel fd (epoll, kqueue) here' : false;
const fdDir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';

test(
	'an unclosed selector closes its fd when collected; close() then GC does not close a reused number',
	{skip},
	() => {
		const index = new URL('../../src/selectors/index.js', import.meta.url).href;
		const script = `
		import {readdirSync, openSync, closeSync} from 'node:fs';
		import {setImmediate as tick} from 'node:timers/promises';
		const {${withFd?.name ?? 'EpollSelector'}: Cls} = await import(${JSON.stringify(index)});
		const count = () => readdirSync(${JSON.stringify(fdDir)}).length;
		const collect = async () => { for (let i = 0; i < 5; i++) { globalThis.gc(); await tick(); } };
		const before = count();
		(() => { for (let i = 0; i < 10; i++) new Cls().select(0); })();
		const held = count() - before;
		await collect();
		const leftAfterGc = count() - before;
		// Closed explicitly, then its number reused by a file: GC must not close the file.
		let sel = new Cls();
		const number = sel.fileno();
		sel.close();
		sel = null;
		const file = openSync(process.execPath, 'r');
		await collect();
		let stillOpen = true;
		try { closeSync(file); } catch { stillOpen = false; }
		console.log(JSON.stringify({held, leftAfterGc, reused: file === number, stillOpen}));
	`;
		const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
			encoding: 'utf8',
			timeout: 20_000,
		});
		const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
			held: number;
			leftAfterGc: number;
			reused: boolean;
			stillOpen: boolean;
		};
		assert.equal(result.held, 10, 'each selector holds one fd until collected');
		assert.equal(result.leftAfterGc, 0, 'collected selectors closed their fds');
		assert.equal(result.stillOpen, true, "a closed selector's number, reused, is left alone");
		assert.equal(typeof DefaultSelector, 'function');
	},
);
