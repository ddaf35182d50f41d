/**
 * native/kqueue.c on Linux: compiled with gcc against the stand-in
 * <sys/event.h> layouts of test/kqueue-harness/ (struct kevent of 32, 40, 64
 * and 72 bytes, with and without EV_RECEIPT) and run with its stand-in
 * kevent(), so the record size, the in-place packing and the per-change
 * results are exercised where no BSD or macOS machine is at hand, under
 * AddressSanitizer and UBSan where gcc has them. The N-API glue is compiled
 * too (syntax only) when Node's headers are found.
 * Skipped, with the reason printed, without gcc.
 */
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {describe, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {PAIR, SEL_EV_EOF, SEL_EV_ERROR, SEL_EV_READ, SEL_EV_WRITE} from '../../src/selectors/events.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const harness = join(root, 'test', 'kqueue-harness');
const LAYOUTS = [32, 40, 64, 72];

function findGcc(): string | undefined {
	const probe = spawnSync('gcc', ['--version'], {stdio: 'ignore'});
	return probe.status === 0 ? 'gcc' : undefined;
}

/** A directory holding node_api.h: next to this Node, system-wide, or node-gyp's cache. */
function findNodeHeaders(): string | undefined {
	const candidates = [
		join(dirname(process.execPath), '..', 'include', 'node'),
		'/usr/include/node',
		'/usr/local/include/node',
		join(homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
	];
	return candidates.find(dir => existsSync(join(dir, 'node_api.h')));
}

const gcc = findGcc();
const skip = gcc === undefined ? 'gcc not found: the kqueue harness needs a C compiler' : false;
if (skip !== false) {
	console.log(`# kqueue harness skipped: ${skip}`);
}

const CFLAGS = [
	'-std=c11',
	'-Wall',
	'-Wextra',
	'-Werror',
	'-DSEL_KQ_STANDIN',
	`-I${join(harness, 'include')}`,
];
const SANITIZERS = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'];

/** Whether gcc can build and run a program with SANITIZERS here (runtime libraries installed, not refused by a sandbox). */
function sanitizersWork(dir: string): boolean {
	const exe = join(dir, 'probe');
	const build = spawnSync(gcc!, [...SANITIZERS, '-x', 'c', '-', '-o', exe], {
		input: 'int main(void) { return 0; }\n',
		stdio: ['pipe', 'ignore', 'ignore'],
	});
	return build.status === 0 && spawnSync(exe, {stdio: 'ignore'}).status === 0;
}

describe('native/kqueue.c against stand-in struct kevent layouts', {skip}, () => {
	const out = mkdtempSync(join(tmpdir(), 'kqueue-harness-'));
	test.after(() => {
		rmSync(out, {recursive: true, force: true});
	});
	// AddressSanitizer and UBSan watch the in-place packing where gcc has them.
	const sanitize = sanitizersWork(out) ? SANITIZERS : [];
	if (sanitize.length === 0) {
		console.log('# kqueue harness: built without sanitizers (gcc cannot build or run them here)');
	}

	for (const size of LAYOUTS) {
		for (const receipt of [true, false]) {
			const name = `${size}-byte struct kevent, ${receipt ? 'with' : 'without'} EV_RECEIPT`;
			test(`${name}: records packed into pairs, changes reported one by one`, () => {
				const exe = join(out, `driver-${size}-${receipt ? 'r' : 'n'}`);
				execFileSync(
					gcc!,
					[
						...CFLAGS,
						...sanitize,
						'-DSEL_KQ_NO_NAPI',
						`-DSEL_STANDIN_SIZE=${size}`,
						...(receipt ? [] : ['-DSEL_STANDIN_NO_RECEIPT']),
						join(harness, 'driver.c'),
						'-o',
						exe,
					],
					{stdio: ['ignore', 'ignore', 'pipe']},
				);
				const run = spawnSync(exe, {encoding: 'utf8'});
				const failed = run.stdout.split('\n').filter(line => line.startsWith('not ok'));
				assert.deepEqual(failed, [], run.stdout);
				assert.equal(run.status, 0, run.stdout + run.stderr);
				assert.match(
					run.stdout,
					new RegExp(`struct kevent: ${size} bytes, ${size / 4} int32 per record`),
				);
				// native/events.h and src/selectors/events.ts describe one layout.
				assert.match(run.stdout, /^layout /m);
				const layout = /^layout (.*)$/m.exec(run.stdout)?.[1]?.split(' ').map(Number);
				assert.deepEqual(layout, [PAIR, SEL_EV_READ, SEL_EV_WRITE, SEL_EV_EOF, SEL_EV_ERROR]);
			});
		}
	}

	const headers = findNodeHeaders();
	test(
		'the N-API glue compiles against every layout',
		{skip: headers === undefined ? 'node_api.h not found' : false},
		() => {
			for (const size of LAYOUTS) {
				execFileSync(
					gcc!,
					[
						...CFLAGS,
						`-DSEL_STANDIN_SIZE=${size}`,
						'-DNAPI_VERSION=8',
						`-I${headers!}`,
						'-fsyntax-only',
						join(root, 'native', 'kqueue.c'),
					],
					{stdio: ['ignore', 'ignore', 'pipe']},
				);
			}
		},
	);
});
