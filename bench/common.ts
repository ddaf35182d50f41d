/**
 * What the selector micro-benchmarks share: the median of passes, number
 * formatting, and the sets of idle socketpairs they register.
 *
 * @module
 */
import {ensureNofile} from '../src/os.js';
import {socketpair, type Socket} from '../src/socket/index.js';

/** The median of `xs` (0 for none). */
export function median(xs: readonly number[]): number {
	const sorted = [...xs].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A count for a table: rounded, with thousands separators. */
export function fmt(x: number): string {
	return Math.round(x).toLocaleString('en-US');
}

/**
 * For each size N, makes N/2 socketpairs (N sockets, all idle), calls
 * `body(pairs, socks)`, then closes them. A size the fd limit cannot hold
 * (after raising it) is skipped with a line on stderr.
 */
export function withSocketpairs(
	sizes: readonly number[],
	body: (pairs: Array<[Socket, Socket]>, socks: Socket[]) => void,
): void {
	const [limit] = ensureNofile(Math.max(...sizes) + 64);
	for (const n of sizes) {
		if (n + 64 > limit) {
			console.error(`skip N=${n}: RLIMIT_NOFILE=${limit}`);
			continue;
		}

		const pairs: Array<[Socket, Socket]> = [];
		for (let i = 0; i < n / 2; i++) {
			pairs.push(socketpair());
		}

		const socks = pairs.flat();
		try {
			body(pairs, socks);
		} finally {
			for (const s of socks) {
				s.close();
			}
		}
	}
}
