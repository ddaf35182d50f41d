// Every constant CPython's select module exports here has the same name and
// value in node-selectors/select (python3 asked directly; skipped without it).
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {test} from 'node:test';
import * as select from '../../src/select/index.js';
import {OSError} from '../../src/errors.js';

const py = spawnSync(
	'python3',
	[
		'-c',
		'import select, json; print(json.dumps({n: getattr(select, n) for n in dir(select) if n.isupper()}))',
	],
	{encoding: 'utf8'},
);
const skip =
	py.error || py.status !== 0 ? `python3 is missing (${py.error?.message ?? py.stderr.trim()})` : false;

test("the constants of CPython's select module, same names and values", {skip}, () => {
	const theirs = JSON.parse(py.stdout) as Record<string, number>;
	const ours = select as unknown as Record<string, unknown>;
	assert.ok(Object.keys(theirs).length > 10, 'python3 listed its constants');
	for (const [name, value] of Object.entries(theirs)) {
		assert.equal(ours[name], value, name);
	}
});

test('error is OSError', () => {
	assert.equal(select.error, OSError);
	assert.ok(new select.error(9) instanceof OSError);
});
