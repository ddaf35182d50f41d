/**
 * Worker threads that use the addon while the main thread never loads it:
 * Node unloads the addon when the last of them exits, after the
 * environment's cleanup stopped the reactor they started and closed the
 * watches they left open (native/reactor.c: the env cleanup hook joins the
 * reactor thread); addon code left running after that would crash the
 * process (SIGSEGV).
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {sibling} from './helpers.js';

test(
	'workers leave watches and waits to the environment cleanup while the main thread never loaded the addon',
	{timeout: 60_000},
	async () => {
		const child = spawn(process.execPath, [fileURLToPath(sibling('./addon-only-in-workers.js'))], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			output += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			output += chunk;
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
		const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
		clearTimeout(timer);
		assert.deepEqual([code, signal], [0, null], output);
		assert.equal(output.trim().split('\n').length, 7, output);
	},
);
