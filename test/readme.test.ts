// The README quotes examples/echo-server.ts: the quote must stay the file's
// code (imports aside, and the lines the README sums up as comments). Its
// runnable programs (the js blocks) must run and print what they show.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

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

test('the README\'s runnable programs (its js blocks) run and print what they say', (t) => {
	const readme = readFileSync(new URL('README.md', root), 'utf8');
	const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map(match => match[1] ?? '');
	assert.ok(blocks.length >= 2, 'the first program and the selectAsync program');
	// Inside the package (dist/), so that `import 'node-selectors'` resolves to it by name.
	const dir = mkdtempSync(join(fileURLToPath(root), 'dist', 'readme-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const outputs = blocks.map((code, i) => {
		const file = join(dir, `block-${i}.mjs`);
		writeFileSync(file, code);
		const result = spawnSync(process.execPath, [file], {encoding: 'utf8', timeout: 20_000});
		assert.equal(result.status, 0, `block ${i} failed:\n${code}\n${result.stderr}`);
		return result.stdout;
	});
	assert.equal(outputs[0], 'b side true ping\n');
	assert.equal(outputs[1], '[ [ \'a side\', 1 ] ]\na side hi\n');
});
