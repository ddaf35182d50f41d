/**
 * Result-only event bits of `node-selectors/watch`.
 *
 * @module
 */
import {R} from '../async/reactor.js';

/** In a result: an error on the fd (`EPOLLERR`; always reported, never asked for). */
export const WATCH_ERROR: number = R.ERR;
/** In a result: hang-up (`EPOLLHUP`; always reported, never asked for). */
export const WATCH_HANGUP: number = R.HUP;
