// The OpenSSL mode bits an SSLContext starts with, as CPython's
// (Modules/_ssl.c sets SSL_MODE_AUTO_RETRY and, since bpo-25672,
// SSL_MODE_RELEASE_BUFFERS on every context it makes).
// SSL_MODE_RELEASE_BUFFERS frees a connection's 16 KiB+ record buffers
// while it is idle: a server holding 1,000 keep-alive connections
// (BENCHMARKS.md, "HTTPS") keeps tens of MB less resident.
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {noOpenssl} from './helpers.js';

describe('ssl: context mode', {skip: noOpenssl}, () => {
	test('a new context has AUTO_RETRY, ACCEPT_MOVING_WRITE_BUFFER and RELEASE_BUFFERS set', async () => {
		const {SSLContext, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER} = await import('../../src/ssl/index.js');
		const {K, ssl} = await import('../../src/ssl/native.js');
		for (const protocol of [PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER]) {
			const ctx = new SSLContext(protocol);
			// SSL_CTX_ctrl(SSL_CTRL_MODE, 0) ORs in nothing and returns the mode.
			const mode = ssl.ctxCtrl(ctx._handle, K('SSL_CTRL_MODE'), 0);
			for (const bit of [
				'SSL_MODE_AUTO_RETRY',
				'SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER',
				'SSL_MODE_RELEASE_BUFFERS',
			]) {
				assert.notEqual(mode & K(bit), 0, `${bit} for protocol ${protocol}`);
			}
		}
	});
});
