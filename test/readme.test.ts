// The README quotes examples/echo-server.ts: the quote must stay the file's
// code (imports aside, and the lines the README sums up as comments). Its
// code blocks must hold up: every ts block type-checks (strict, against the
// declarations in dist/), and every complete program (js or ts) runs and
// prints what it shows.
//
// Markers, an HTML comment right before a block (invisible on GitHub):
// - `<!-- excerpt -->`: not a whole program (names come from around it):
//   type-checked, not run. `<!-- excerpt; prelude: CODE -->` type-checks it
//   after CODE, which declares what the excerpt leaves out.
// - `<!-- not checked: REASON -->`: skipped.
// A block without a marker is a complete program.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';
import {consumerCompilerOptions} from './types/consumer-options.js';

const root = new URL('../../', import.meta.url);

interface Block {
	readonly lang: 'js' | 'ts';
	readonly code: string;
	/** The marker's text, `undefined` without one. */
	readonly marker: string | undefined;
	/** 1-based line of the opening fence. */
	readonly line: number;
}

function readmeBlocks(readme: string): Block[] {
	const pattern = /(?:<!--((?:(?!-->)[\s\S])*)-->\n)?```(js|ts)\n([\s\S]*?)```/g;
	return [...readme.matchAll(pattern)].map(match => ({
		lang: match[2] as 'js' | 'ts',
		code: match[3] ?? '',
		marker: match[1]?.trim(),
		line: readme.slice(0, (match.index ?? 0) + match[0].indexOf('```')).split('\n').length,
	}));
}

/** A block's source as a module: the prelude, the code without its `…` lines, `export {}`. */
function moduleSource(block: Block): string {
	const prelude = /^excerpt;\s*prelude:([\s\S]*)$/.exec(block.marker ?? '')?.[1] ?? '';
	const code = block.code
		.split('\n')
		.filter(line => line.trim() !== '…')
		.join('\n');
	return `${prelude.trim()}\n${code}\nexport {};\n`;
}

/** A temporary directory inside the package (dist/), so `import 'node-selectors'` resolves to it by name. */
function packageTempDir(t: {after(fn: () => void): void}, prefix: string): string {
	const dir = mkdtempSync(join(fileURLToPath(root), 'dist', prefix));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	return dir;
}

test('the README quotes examples/echo-server.ts as it is', () => {
	const readme = readFileSync(new URL('README.md', root), 'utf8');
	const source = readFileSync(new URL('examples/echo-server.ts', root), 'utf8').split('\n');
	const start = readme.indexOf('```ts\nimport {Buffer}');
	assert.ok(start >= 0, 'the echo server block is in the README');
	const block = readme.slice(start + 6, readme.indexOf('```', start + 6)).split('\n');
	const code = block.filter(
		line =>
			!line.startsWith('import ') &&
			!line.startsWith('\t// flush(') &&
			!line.startsWith('\t// close(') &&
			line.trim() !== '…',
	);
	// Every quoted line appears in the file, in the same order.
	let at = 0;
	for (const line of code) {
		const found = source.indexOf(line, at);
		assert.ok(
			found >= 0,
			`README line not in examples/echo-server.ts (in this order): ${JSON.stringify(line)}`,
		);
		at = found + 1;
	}

	assert.ok(code.filter(line => line.trim() !== '').length > 40, 'the quote is the real code, not a stub');
});

test("the README's ts blocks type-check (strict, skipLibCheck off, against dist/)", t => {
	const readme = readFileSync(new URL('README.md', root), 'utf8');
	const blocks = readmeBlocks(readme).filter(block => block.lang === 'ts');
	const skipped = blocks.filter(block => block.marker?.startsWith('not checked') === true);
	for (const block of skipped) {
		assert.match(
			block.marker ?? '',
			/^not checked: \S/,
			`README line ${block.line}: a skipped block says why`,
		);
	}

	const checked = blocks.filter(block => !skipped.includes(block));
	assert.ok(checked.length >= 6, `the ts blocks of the README are found (${checked.length})`);
	const dir = packageTempDir(t, 'readme-ts-');
	// The echo server excerpt imports the examples' helper module, as
	// examples/echo-server.ts does: its declarations are in dist/examples/.
	writeFileSync(join(dir, 'common.ts'), "export * from '../examples/common.js';\n");
	const files = checked.map((block, i) => {
		const file = join(dir, `block-${i}.ts`);
		writeFileSync(file, moduleSource(block));
		return file;
	});
	// The options of test/types/declarations.test.ts: a user's strict project.
	const {options, errors} = ts.convertCompilerOptionsFromJson(
		consumerCompilerOptions(fileURLToPath(root)),
		dir,
	);
	assert.deepEqual(errors, []);
	const program = ts.createProgram(files, options);
	const diagnostics = ts.getPreEmitDiagnostics(program);
	const report = diagnostics.map(diagnostic => {
		const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
		if (diagnostic.file === undefined || diagnostic.start === undefined) {
			return `TS${diagnostic.code}: ${message}`;
		}

		const index = files.indexOf(diagnostic.file.fileName);
		const {line} = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
		const text = diagnostic.file.text.split('\n')[line]?.trim() ?? '';
		const where =
			index >= 0 ? `README block at line ${checked[index]?.line ?? '?'}` : diagnostic.file.fileName;
		return `${where}: TS${diagnostic.code}: ${message}\n    ${text}`;
	});
	assert.equal(report.length, 0, `the README's TypeScript does not compile:\n${report.join('\n')}`);
});

test("the README's runnable programs (js or ts blocks without a marker) run and print what they say", t => {
	const readme = readFileSync(new URL('README.md', root), 'utf8');
	const programs = readmeBlocks(readme).filter(block => block.marker === undefined);
	const dir = packageTempDir(t, 'readme-run-');
	const outputs = programs.map((block, i) => {
		const file = join(dir, `block-${i}.mjs`);
		const code =
			block.lang === 'js'
				? block.code
				: ts.transpileModule(block.code, {
						compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
					}).outputText;
		writeFileSync(file, code);
		const result = spawnSync(process.execPath, [file], {encoding: 'utf8', timeout: 20_000});
		assert.equal(
			result.status,
			0,
			`README block at line ${block.line} failed:\n${block.code}\n${result.stderr}`,
		);
		return {block, stdout: result.stdout};
	});
	// What the programs print (the others only have to run), found by their code.
	const expected: Array<[string, string]> = [
		["'b side'", 'b side true ping\n'], // A first program
		["'a side'", "[ [ 'a side', 1 ] ]\na side hi\n"], // selectAsync() and events()
		['new Waker()', 'woken by the worker\n'], // Waking a select() from anywhere
		['class Deadline', 'true 0.1 s passed\n'], // a signal handler ends select()
	];
	for (const [marker, output] of expected) {
		const found = outputs.filter(({block}) => block.code.includes(marker));
		assert.equal(found.length, 1, `one program registers ${marker}`);
		assert.equal(found[0]?.stdout, output);
	}
});
