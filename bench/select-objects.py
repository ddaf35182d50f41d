#!/usr/bin/env python3
"""CPython's select objects and selectors measured as bench/select-objects.ts
measures node-selectors/select and its selector classes (same sizes, passes
and table), for a same-run comparison. usage: select-objects.py [--sizes 10,100,1000] [--reps 5]"""
import argparse
import platform
import resource
import select
import selectors
import socket
import statistics
import time

ap = argparse.ArgumentParser()
ap.add_argument("--sizes", default="10,100,1000")
ap.add_argument("--reps", type=int, default=5)
args = ap.parse_args()
sizes = [int(x) for x in args.sizes.split(",")]
reps = args.reps
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rate(fn):
    calls, batch, t = 0, 16, time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        calls += batch
        dt = time.perf_counter() - t
        if dt >= 0.2:
            return calls / dt
        batch = min(batch * 2, 4096)


def reg_ops(make, fds, mask):
    o, out = make(), []
    for _ in range(reps):
        t = time.perf_counter()
        for fd in fds:
            o.register(fd, mask)
        for fd in fds:
            o.unregister(fd)
        out.append(2 * len(fds) / (time.perf_counter() - t))
    getattr(o, "close", lambda: None)()
    return statistics.median(out)


def mod_ops(make, fds, inm, outm):
    o, out = make(), []
    for fd in fds:
        o.register(fd, inm)
    for _ in range(reps):
        t = time.perf_counter()
        for fd in fds:
            o.modify(fd, inm | outm)
        for fd in fds:
            o.modify(fd, inm)
        out.append(2 * len(fds) / (time.perf_counter() - t))
    getattr(o, "close", lambda: None)()
    return statistics.median(out)


def wait_calls(make, fds, inm):
    o = make()
    for fd in fds:
        o.register(fd, inm)

    def one():
        assert len(o.poll(0)) == 1
    out = [rate(one) for _ in range(reps)]
    getattr(o, "close", lambda: None)()
    return statistics.median(out)


class _SelectorObj:
    """A selector seen as the select objects are measured (poll = select)."""

    def __init__(self, sel):
        self.sel = sel
        self.register = sel.register
        self.modify = sel.modify
        self.unregister = sel.unregister
        self.poll = sel.select
        self.close = sel.close


rows = []
fmt = lambda x: f"{round(x):,}"
for n in sizes:
    pairs = [socket.socketpair() for _ in range(n // 2)]
    socks = [s for p in pairs for s in p]
    for s in socks:
        s.setblocking(False)
    fds = [s.fileno() for s in socks]
    a, b = pairs[len(pairs) // 2]
    b.send(b"x")
    rows.append(f"| epoll | {n} | {fmt(reg_ops(select.epoll, fds, select.EPOLLIN))} | {fmt(mod_ops(select.epoll, fds, select.EPOLLIN, select.EPOLLOUT))} | {fmt(wait_calls(select.epoll, fds, select.EPOLLIN))} |")
    rows.append(f"| poll | {n} | {fmt(reg_ops(select.poll, fds, select.POLLIN))} | {fmt(mod_ops(select.poll, fds, select.POLLIN, select.POLLOUT))} | {fmt(wait_calls(select.poll, fds, select.POLLIN))} |")
    for cls in (selectors.EpollSelector, selectors.PollSelector, selectors.SelectSelector):
        if cls is not selectors.SelectSelector or max(fds) < 1024:
            sel_obj = lambda cls=cls: _SelectorObj(cls())
            rows.append(f"| {cls.__name__} | {n} | {fmt(reg_ops(sel_obj, fds, selectors.EVENT_READ))} | {fmt(mod_ops(sel_obj, fds, selectors.EVENT_READ, selectors.EVENT_WRITE))} | {fmt(wait_calls(sel_obj, fds, selectors.EVENT_READ))} |")
    if max(fds) < 1024:
        def one():
            assert len(select.select(socks, [], [], 0)[0]) == 1
        rows.append(f"| select() | {n} | – | – | {fmt(statistics.median(rate(one) for _ in range(reps)))} |")
    a.recv(1)
    for s in socks:
        s.close()

print(f"CPython {platform.python_version()} select module, median of {reps} passes, 1 readable fd, timeout 0")
print("| object | fds | register+unregister ops/s | modify ops/s | wait calls/s |")
print("|---|---:|---:|---:|---:|")
print("\n".join(rows))
