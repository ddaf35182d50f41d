/**
 * The constants of Python's `select` module, under its names. A constant
 * the platform lacks is `undefined` (Python: absent): EPOLL* off Linux,
 * KQ_* off macOS and the BSDs.
 *
 * @module
 */
import {C, constant} from '../native.js';
import {addon} from './common.js';

const S = addon.selectConstants;

/** poll(2) event bit. */
export const POLLIN: number = constant('POLLIN');
/** poll(2) event bit. */
export const POLLPRI: number = constant('POLLPRI');
/** poll(2) event bit. */
export const POLLOUT: number = constant('POLLOUT');
/** poll(2) event bit. */
export const POLLERR: number = constant('POLLERR');
/** poll(2) event bit. */
export const POLLHUP: number = constant('POLLHUP');
/** poll(2) event bit. */
export const POLLNVAL: number = constant('POLLNVAL');
/** poll(2) event bit, where defined. */
export const POLLRDNORM: number | undefined = C['POLLRDNORM'];
/** poll(2) event bit, where defined. */
export const POLLRDBAND: number | undefined = C['POLLRDBAND'];
/** poll(2) event bit, where defined. */
export const POLLWRNORM: number | undefined = C['POLLWRNORM'];
/** poll(2) event bit, where defined. */
export const POLLWRBAND: number | undefined = C['POLLWRBAND'];
/** poll(2) event bit, where defined. */
export const POLLRDHUP: number | undefined = C['POLLRDHUP'];
/** poll(2) event bit, where defined. */
export const POLLMSG: number | undefined = S['POLLMSG'];
/** epoll(7) bit (Linux). */
export const EPOLLIN: number | undefined = C['EPOLLIN'];
/** epoll(7) bit (Linux). */
export const EPOLLPRI: number | undefined = C['EPOLLPRI'];
/** epoll(7) bit (Linux). */
export const EPOLLOUT: number | undefined = C['EPOLLOUT'];
/** epoll(7) bit (Linux). */
export const EPOLLERR: number | undefined = C['EPOLLERR'];
/** epoll(7) bit (Linux). */
export const EPOLLHUP: number | undefined = C['EPOLLHUP'];
/** epoll(7) bit (Linux). */
export const EPOLLRDHUP: number | undefined = C['EPOLLRDHUP'];
/** epoll(7) bit (Linux). */
export const EPOLLRDNORM: number | undefined = C['EPOLLRDNORM'];
/** epoll(7) bit (Linux). */
export const EPOLLRDBAND: number | undefined = C['EPOLLRDBAND'];
/** epoll(7) bit (Linux). */
export const EPOLLWRNORM: number | undefined = C['EPOLLWRNORM'];
/** epoll(7) bit (Linux). */
export const EPOLLWRBAND: number | undefined = C['EPOLLWRBAND'];
/** epoll(7) bit (Linux). */
export const EPOLLMSG: number | undefined = C['EPOLLMSG'];
/** epoll(7) bit (Linux). */
export const EPOLLET: number | undefined = C['EPOLLET'];
/** epoll(7) bit (Linux). */
export const EPOLLONESHOT: number | undefined = C['EPOLLONESHOT'];
/** epoll(7) bit (Linux). */
export const EPOLLEXCLUSIVE: number | undefined = C['EPOLLEXCLUSIVE'];
/** epoll(7) bit (Linux). */
export const EPOLL_CLOEXEC: number | undefined = C['EPOLL_CLOEXEC'];
/** epoll(7) bit (Linux, where the C library defines it). */
export const EPOLLWAKEUP: number | undefined = S['EPOLLWAKEUP'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_READ: number | undefined = S['KQ_FILTER_READ'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_WRITE: number | undefined = S['KQ_FILTER_WRITE'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_AIO: number | undefined = S['KQ_FILTER_AIO'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_VNODE: number | undefined = S['KQ_FILTER_VNODE'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_PROC: number | undefined = S['KQ_FILTER_PROC'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_NETDEV: number | undefined = S['KQ_FILTER_NETDEV'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_SIGNAL: number | undefined = S['KQ_FILTER_SIGNAL'];
/** kqueue constant (macOS/BSD). */
export const KQ_FILTER_TIMER: number | undefined = S['KQ_FILTER_TIMER'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_ADD: number | undefined = S['KQ_EV_ADD'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_DELETE: number | undefined = S['KQ_EV_DELETE'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_ENABLE: number | undefined = S['KQ_EV_ENABLE'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_DISABLE: number | undefined = S['KQ_EV_DISABLE'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_ONESHOT: number | undefined = S['KQ_EV_ONESHOT'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_CLEAR: number | undefined = S['KQ_EV_CLEAR'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_SYSFLAGS: number | undefined = S['KQ_EV_SYSFLAGS'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_FLAG1: number | undefined = S['KQ_EV_FLAG1'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_EOF: number | undefined = S['KQ_EV_EOF'];
/** kqueue constant (macOS/BSD). */
export const KQ_EV_ERROR: number | undefined = S['KQ_EV_ERROR'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_LOWAT: number | undefined = S['KQ_NOTE_LOWAT'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_DELETE: number | undefined = S['KQ_NOTE_DELETE'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_WRITE: number | undefined = S['KQ_NOTE_WRITE'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_EXTEND: number | undefined = S['KQ_NOTE_EXTEND'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_ATTRIB: number | undefined = S['KQ_NOTE_ATTRIB'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_LINK: number | undefined = S['KQ_NOTE_LINK'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_RENAME: number | undefined = S['KQ_NOTE_RENAME'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_REVOKE: number | undefined = S['KQ_NOTE_REVOKE'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_EXIT: number | undefined = S['KQ_NOTE_EXIT'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_FORK: number | undefined = S['KQ_NOTE_FORK'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_EXEC: number | undefined = S['KQ_NOTE_EXEC'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_PCTRLMASK: number | undefined = S['KQ_NOTE_PCTRLMASK'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_PDATAMASK: number | undefined = S['KQ_NOTE_PDATAMASK'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_TRACK: number | undefined = S['KQ_NOTE_TRACK'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_CHILD: number | undefined = S['KQ_NOTE_CHILD'];
/** kqueue constant (macOS/BSD). */
export const KQ_NOTE_TRACKERR: number | undefined = S['KQ_NOTE_TRACKERR'];
/** The most bytes a write to a pipe does atomically (PIPE_BUF). */
export const PIPE_BUF: number = S['PIPE_BUF'] ?? 512;
