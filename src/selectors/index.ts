/**
 * Python's `selectors` module: high-level, efficient I/O multiplexing over
 * select(2), poll(2), epoll(7) and kqueue(2).
 *
 * @module
 */
export {EVENT_READ, EVENT_WRITE} from '../constants.js';
export {fileobjToFd, type FileDescriptorLike, type HasFileno} from '../fileobj.js';
export {BaseSelector, SelectorKey, type DataArgument, type SelectorMapping} from './base.js';
export {SelectSelector} from './select.js';
export {PollSelector} from './poll.js';
export {EpollSelector} from './epoll.js';
export {KqueueSelector} from './kqueue.js';
export {DevpollSelector} from './devpoll.js';
export {DefaultSelector, type SelectorClass} from './default.js';
