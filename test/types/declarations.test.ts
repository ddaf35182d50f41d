// The published declarations (dist/**/*.d.ts) type-check a user's program
// (consumer.ts.txt) with skipLibCheck off: a public class whose base class
// was stripped from the .d.ts, or a type missing from an entry point, fails.
import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'node:test';
import {consumerCompilerOptions} from './consumer-options.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const source = join(root, 'test', 'types', 'consumer.ts.txt');

test("the declarations in dist/ type-check a user's program (strict, skipLibCheck off)", t => {
	// The program lives inside the package (under dist/) so that
	// `import 'node-selectors'` resolves to this package by its own name.
	const dir = mkdtempSync(join(root, 'dist', 'types-check-'));
	t.after(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	copyFileSync(source, join(dir, 'consumer.ts'));
	writeFileSync(
		join(dir, 'tsconfig.json'),
		JSON.stringify({
			compilerOptions: consumerCompilerOptions(root),
			files: ['consumer.ts'],
		}),
	);
	const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
	const result = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
		encoding: 'utf8',
		timeout: 120_000,
	});
	assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
