/*
 * Test-only preload (node --require) for Linux: gives the addon a stand-in
 * kqueue made of an epoll instance, so that src/selectors/kqueue.ts — its
 * bookkeeping, per-change results, rollback and EPIPE rule — runs where no
 * BSD or macOS kernel is at hand (test/selectors/kqueue-fake.test.ts runs
 * test/selectors/kqueue.test.ts under it). It plays kevent(2) at the level
 * the addon hands to TypeScript: keventApply reports one errno per change
 * (as with EV_RECEIPT) and keventWait fills (fd, SEL_EV_* bits) pairs, one
 * per filter (native/events.h). Like FreeBSD's pipe filter, adding a write
 * filter to a pipe whose reader is gone fails with EPIPE and adds nothing
 * (with FAKE_KQUEUE_PIPE_ERROR=EBADF: with EBADF, as NetBSD's).
 * The kqueue fd is the epoll fd, so selectAsync() can watch it. Where the
 * addon has a real kqueue, nothing is replaced.
 */
'use strict';
const Module = require('node:module');
const {fstatSync} = require('node:fs');
const {constants: {errno: E}} = require('node:os');

const READ = 1;
const WRITE = 2;
const EOF = 4;
const EVFILT_READ = -1;
const EVFILT_WRITE = -2;
const EV_ADD = 0x1;
const EV_DELETE = 0x2;
/** int32 values per record: a 32-byte struct kevent. */
const RECORD = 8;

const load = Module._extensions['.node'];
Module._extensions['.node'] = function (module, filename) {
	load(module, filename);
	const real = module.exports;
	if (typeof real.kqueue === 'function') {
		return;
	}

	const C = real.constants;
	const EPOLL_ERR = C.EPOLLERR | C.EPOLLHUP;
	/** kq fd → (fd → SEL_EV_READ | SEL_EV_WRITE filters). */
	const queues = new Map();

	const isOpen = fd => real.fcntl(fd, C.F_GETFD, 0) >= 0;

	function readerGone(fd) {
		let fifo = false;
		try {
			fifo = fstatSync(fd).isFIFO();
		} catch {
			return false;
		}

		const pollfd = new Int32Array([fd, C.POLLOUT]);
		const out = new Int32Array(2);
		return fifo && real.poll(pollfd, 1, 0, out) === 1 && (out[1] & C.POLLERR) !== 0;
	}

	function kqueue() {
		const kq = real.epollCreate();
		if (kq >= 0) {
			queues.set(kq, new Map());
		}

		return kq;
	}

	/** Brings the epoll entry of `fd` to the filters `next` (from `current`); returns -errno or 0. */
	function sync(kq, fd, current, next) {
		const bits = ((next & READ) === 0 ? 0 : C.EPOLLIN) | ((next & WRITE) === 0 ? 0 : C.EPOLLOUT);
		if (next === 0) {
			return real.epollCtl(kq, C.EPOLL_CTL_DEL, fd, 0);
		}

		if (current !== 0) {
			const r = real.epollCtl(kq, C.EPOLL_CTL_MOD, fd, bits);
			if (r !== -E.ENOENT) {
				return r;
			}
		}

		return real.epollCtl(kq, C.EPOLL_CTL_ADD, fd, bits);
	}

	function keventApply(kq, changes, n, errors) {
		const filters = queues.get(kq);
		if (filters === undefined) {
			return -E.EBADF;
		}

		if (n > 16 || changes.length < 3 * n || errors.length < n) {
			throw new RangeError('at most 16 changes');
		}

		for (let i = 0; i < n; i++) {
			const [fd, filter, flags] = changes.subarray(3 * i, 3 * i + 3);
			const bit = filter === EVFILT_READ ? READ : (filter === EVFILT_WRITE ? WRITE : 0);
			if (!isOpen(fd)) {
				filters.delete(fd); // close(2) removes a descriptor's filters
				errors[i] = E.EBADF;
				continue;
			}

			const current = filters.get(fd) ?? 0;
			let next = current;
			if (bit === 0) {
				errors[i] = E.EINVAL;
				continue;
			} else if ((flags & EV_ADD) !== 0) {
				if (bit === WRITE && readerGone(fd)) {
					errors[i] = process.env.FAKE_KQUEUE_PIPE_ERROR === 'EBADF' ? E.EBADF : E.EPIPE;
					continue;
				}

				next = current | bit;
			} else if ((flags & EV_DELETE) !== 0) {
				if ((current & bit) === 0) {
					errors[i] = E.ENOENT;
					continue;
				}

				next = current & ~bit;
			}

			const r = sync(kq, fd, current, next);
			errors[i] = r < 0 ? -r : 0;
			if (r >= 0) {
				if (next === 0) {
					filters.delete(fd);
				} else {
					filters.set(fd, next);
				}
			}
		}

		return 0;
	}

	function keventWait(kq, buf, nevents, timeoutMs) {
		const filters = queues.get(kq);
		if (filters === undefined) {
			return -E.EBADF;
		}

		if (buf.length < nevents * RECORD) {
			throw new RangeError('buf must hold nevents * keventRecordInt32 values');
		}

		const max = Math.max(nevents, 1);
		const scratch = new Int32Array(max * real.epollRecordInt32);
		const n = real.epollWait(kq, scratch, max, timeoutMs);
		if (n < 0) {
			return n;
		}

		let count = 0;
		const push = (fd, bits) => {
			if (count < nevents) {
				buf[2 * count] = fd;
				buf[2 * count + 1] = bits;
				count++;
			}
		};

		for (let i = 0; i < n; i++) {
			const fd = scratch[2 * i];
			const events = scratch[2 * i + 1];
			const mask = filters.get(fd) ?? 0;
			const eof = (events & (C.EPOLLHUP | C.EPOLLRDHUP)) === 0 ? 0 : EOF;
			if ((mask & READ) !== 0 && (events & (C.EPOLLIN | C.EPOLLRDHUP | EPOLL_ERR)) !== 0) {
				push(fd, READ | eof);
			}

			if ((mask & WRITE) !== 0 && (events & (C.EPOLLOUT | EPOLL_ERR)) !== 0) {
				push(fd, WRITE | eof);
			}
		}

		return count;
	}

	module.exports = {
		...real,
		constants: {...C, EVFILT_READ, EVFILT_WRITE, EV_ADD, EV_DELETE, EV_EOF: 0x8000, EV_ERROR: 0x4000},
		kqueue,
		keventApply,
		keventWait,
		keventRecordInt32: RECORD,
	};
};
