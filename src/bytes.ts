/**
 * Bytes in and out of the addon, shared by the socket and os modules: what
 * counts as bytes, and the result-buffer policy of `recv(n)`/`read(n)`.
 *
 * @internal
 * @module
 */
import {Buffer} from 'node:buffer';
import {typeName} from './args.js';
import {argTypeError} from './errors.js';

/** Bytes the native layer can read from or write into. */
export type BytesLike = ArrayBufferView | ArrayBuffer;

/**
 * `data.byteLength`, or TypeError (`ERR_INVALID_ARG_TYPE`) when `data` is
 * not bytes (Python: "a bytes-like object is required").
 */
export function byteLength(data: unknown, what = 'a bytes-like object'): number {
	if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
		return data.byteLength;
	}

	throw argTypeError(
		`${what} is required (Buffer, TypedArray, DataView or ArrayBuffer), not ${typeName(data)}`,
	);
}

// Result buffers for recv(n) / read(n). A read of up to SCRATCH_SIZE bytes
// goes into one reusable scratch buffer and the bytes received are copied into
// a Buffer of exactly that size: one allocation per call, and a 64 KiB
// recv() that returns 10 bytes keeps 10 bytes alive, not 64 KiB. A larger
// read gets its own buffer, returned as is (or as a view) when at least half
// of it was filled, copied otherwise: never more than 2x the bytes retained.
// The scratch is filled and copied out within one synchronous call: no
// JavaScript runs in between, so no call can re-enter and overwrite it.
const SCRATCH_SIZE = 64 * 1024;
let scratch: Buffer | undefined;

/** A buffer to receive up to `n` bytes into (possibly the shared scratch). */
export function receiveBuffer(n: number): Buffer {
	if (n <= SCRATCH_SIZE) {
		scratch ??= Buffer.allocUnsafeSlow(SCRATCH_SIZE);
		return scratch;
	}

	return Buffer.allocUnsafeSlow(n);
}

/** The first `count` bytes of a {@link receiveBuffer} result as a Buffer the caller may keep. */
export function receivedBytes(buf: Buffer, count: number): Buffer {
	if (count === 0) {
		return Buffer.alloc(0);
	}

	if (buf !== scratch) {
		if (count === buf.length) {
			return buf;
		}

		if (count >= buf.length >>> 1) {
			return buf.subarray(0, count);
		}
	}

	const out = Buffer.allocUnsafe(count);
	buf.copy(out, 0, 0, count);
	return out;
}
