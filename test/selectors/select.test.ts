/** SelectSelector: the suite, plus the FD_SETSIZE limit. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {KeyError, ValueError} from '../../src/errors.js';
import {native} from '../../src/native.js';
import {EVENT_READ, EVENT_WRITE, SelectSelector} from '../../src/selectors/index.js';
import {expectEvents, raiseNofile, socketpair} from './helpers.js';
import {selectorSuite} from './suite.js';

selectorSuite(SelectSelector, {scalable: false, kernelChecksRegister: false});

test('SelectSelector refuses fd >= FD_SETSIZE', t => {
	const limit = SelectSelector.FD_SETSIZE;
	if (!raiseNofile(t, limit + 64)) {
		t.skip(`RLIMIT_NOFILE hard limit too low to open FD ${limit}`);
		return;
	}

	const [rd, wr] = socketpair(t);
	// dup() hands out the lowest free number: dup until one is >= FD_SETSIZE.
	const dups: number[] = [];
	t.after(() => {
		for (const fd of dups) {
			native.close(fd);
		}
	});
	let high = -1;
	while (high < limit) {
		high = native.dup(rd.fileno());
		assert.ok(high >= 0, `dup failed: errno ${-high}`);
		dups.push(high);
	}

	const s = new SelectSelector();
	t.after(() => {
		s.close();
	});
	s.register(wr, EVENT_WRITE);
	assert.throws(() => s.register(high, EVENT_READ), {
		name: 'ValueError',
		code: 'ERR_FD_SETSIZE',
		message: /out of range in select/,
	});
	assert.throws(() => s.register(high, EVENT_READ), ValueError);
	// rolled back, and the selector still works
	assert.throws(() => s.getKey(high), KeyError);
	assert.equal(s.getMap().size, 1);
	expectEvents(s, [[wr, EVENT_WRITE]]);
	// FD_SETSIZE - 1 is fine
	const below = dups.find(fd => fd === limit - 1);
	if (below !== undefined) {
		s.register(below, EVENT_READ);
	}
});

test('SelectSelector is available everywhere and needs no kernel handle', () => {
	assert.equal(SelectSelector.available, true);
	assert.ok(SelectSelector.FD_SETSIZE >= 64);
	const s = new SelectSelector();
	assert.equal('fileno' in s, false);
	s.close();
});
