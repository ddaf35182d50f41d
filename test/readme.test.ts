// The README quotes examples/echo-server.ts: the quote must stay the file's
// code (imports aside, and the lines the README sums up as comments).
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';

const root = new URL('../../', import.meta.url);

test('the README quotes examples/echo-server.ts as it is', () => {
	const readme = readFileSync(new URL('README.md', root), 'utf8');
	const source = readFileSync(new URL('examples/echo-server.ts', root), 'utf8').split('\n');
	const start = readme.indexOf('```ts\nimport {Buffer}');
	assert.ok(start >= 0, 'the echo server block is in the README');
	const block = readme.slice(start + 6, readme.indexOf('```', start + 6)).split('\n');
	const code = block.filter(line => !line.startsWith('import ') && !line.startsWith('\t// flush(') && !line.startsWith('\t// close(')
		&& line.trim() !== '…');
	// Every quoted line appears in the file, in the same order.
	let at = 0;
	for (const line of code) {
		const found = source.indexOf(line, at);
		assert.ok(found >= 0, `README line not in examples/echo-server.ts (in this order): ${JSON.stringify(line)}`);
		at = found + 1;
	}

	assert.ok(code.filter(line => line.trim() !== '').length > 40, 'the quote is the real code, not a stub');
});
