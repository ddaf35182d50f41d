/**
 * The OpenSSL the TLS addon runs on (the running Node's).
 *
 * @module
 */
import {K, ssl} from './native.js';

/** `'OpenSSL 3.0.x …'`, as Python's `ssl.OPENSSL_VERSION`. */
export const OPENSSL_VERSION: string = ssl.opensslVersion;
/** The version number of the OpenSSL headers the addon was built with (`0x30000xx0`). */
export const OPENSSL_VERSION_NUMBER: number = K('OPENSSL_VERSION_NUMBER');
