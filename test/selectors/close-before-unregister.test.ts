/**
 * A file object closed before it is unregistered, while a duplicate keeps
 * its file open: no selector may then spin on events for a file descriptor
 * it no longer has, nor report the old file's events for a new file that
 * reuses the number (issue 10, defect 4).
 */
import assert from 'node:assert/strict';
import {describe, test, type TestContext} from 'node:test';
import {native} from '../../src/native.js';
import {
	EpollSelector,
	EVENT_READ,
	KqueueSelector,
	PollSelector,
	SelectSelector,
	type SelectorClass,
} from '../../src/selectors/index.js';
import {checkFdLeaks} from '../helpers/fds.js';
import {closeLater, socketpair} from './helpers.js';

checkFdLeaks();

const CLASSES: SelectorClass[] = [EpollSelector, KqueueSelector, PollSelector, SelectSelector];

/** select(0.05) in a loop for `ms` milliseconds: how many calls returned, and what they reported. */
function countReturns(
	sel: {select(timeout: number): unknown[]},
	ms: number,
): {calls: number; reported: number} {
	const end = performance.now() + ms;
	let calls = 0;
	let reported = 0;
	while (performance.now() < end) {
		reported += sel.select(0.05).length;
		calls++;
	}

	return {calls, reported};
}

/** A readable socket registered, then closed (a duplicate stays open), then unregistered. */
function closeThenUnregister(
	t: TestContext,
	Class: SelectorClass,
): {sel: InstanceType<SelectorClass>; oldFd: number} {
	const sel = new Class();
	t.after(() => {
		sel.close();
	});
	const [a, b] = socketpair(t);
	const oldFd = a.fileno();
	const dup = native.dup(oldFd);
	assert.ok(dup >= 0);
	closeLater(t, dup);
	sel.register(a, EVENT_READ);
	b.send('x'); // readable through `a` and its duplicate alike
	a.close();
	sel.unregister(a); // the kernel may refuse; unregister() does not throw
	return {sel, oldFd};
}

for (const Class of CLASSES) {
	describe(
		`${Class.name}: closed before unregister, a duplicate still open`,
		{skip: Class.available ? false : `${Class.name} is not available here`},
		() => {
			test('select() waits instead of returning at once, over and over', t => {
				const {sel} = closeThenUnregister(t, Class);
				// 300 ms of select(0.05): about 6 calls when each one waits; the
				// busy loop this guards against makes hundreds of thousands.
				const {calls, reported} = countReturns(sel, 300);
				assert.equal(reported, 0);
				assert.ok(calls <= 30, `select(0.05) returned ${calls} times in 300 ms`);
			});

			test("the other registrations, the selector's fileno() and selectAsync() work on afterwards", async t => {
				const {sel} = closeThenUnregister(t, Class);
				const [other, peer] = socketpair(t);
				const key = sel.register(other, EVENT_READ, 'other');
				const fileno = 'fileno' in sel ? (sel as unknown as {fileno(): number}).fileno() : undefined;
				assert.deepEqual(
					sel.select(0.05).filter(([k]) => k !== key),
					[],
				);
				assert.deepEqual(await sel.selectAsync(0.05), []);
				peer.send('y');
				assert.deepEqual(await sel.selectAsync(5), [[key, EVENT_READ]]);
				assert.deepEqual(sel.select(0), [[key, EVENT_READ]]);
				assert.equal(other.recv(10), 'y');
				assert.deepEqual(sel.select(0), []);
				if (fileno !== undefined) {
					assert.equal((sel as unknown as {fileno(): number}).fileno(), fileno);
				}
			});

			test("a new file under the same number is not reported with the old file's events", t => {
				const {sel, oldFd} = closeThenUnregister(t, Class);
				// The lowest free number is the one just closed (the duplicate
				// took a higher one), so the next socket gets it.
				const [c] = socketpair(t);
				if (c.fileno() !== oldFd) {
					t.skip(`the new socket got FD ${c.fileno()}, not ${oldFd}`);
					return;
				}

				sel.register(c, EVENT_READ); // nothing to read on `c`
				assert.deepEqual(sel.select(0.05), []);
				assert.deepEqual(sel.select(0), []);
			});
		},
	);
}
