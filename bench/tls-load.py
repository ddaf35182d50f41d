#!/usr/bin/env python3
"""tls-load.py PORT CONNS REQS [HOST]

A fixed amount of HTTPS work for a server under a counting tool (callgrind,
strace -c), where a timed load generator (wrk) would do a different amount
of work at every speed: CONNS TLS connections opened at once, each runs REQS
sequential `GET /` requests (one outstanding; the answer is complete when it
ends with "Hello, World!", as the example servers answer) and closes. One
non-blocking selector loop drives them all; certificates are not verified.
Prints the connection and request counts and the wall time.
"""
import selectors
import socket
import ssl
import sys
import time

port, conns, reqs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
host = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
REQUEST = b"GET / HTTP/1.1\r\nHost: " + host.encode() + b"\r\n\r\n"
BODY_END = b"Hello, World!"
sel = selectors.DefaultSelector()


class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.handshaking = True
        self.left = reqs
        self.buf = b""


done = 0
answered = 0
t0 = time.monotonic()
for _ in range(conns):
    raw = socket.create_connection((host, port))
    raw.setblocking(False)
    s = ctx.wrap_socket(raw, do_handshake_on_connect=False)
    sel.register(s, selectors.EVENT_WRITE, Conn(s))


def finish(c):
    global done
    sel.unregister(c.sock)
    c.sock.close()
    done += 1


def step(c):
    """One readiness event of one connection."""
    global answered
    if c.handshaking:
        c.sock.do_handshake()
        c.handshaking = False
        if c.left == 0:
            finish(c)
            return
        c.sock.send(REQUEST)
        sel.modify(c.sock, selectors.EVENT_READ, c)
        return
    while True:
        data = c.sock.recv(65536)
        if not data:
            finish(c)
            return
        c.buf += data
        if c.buf.endswith(BODY_END):
            c.buf = b""
            c.left -= 1
            answered += 1
            if c.left == 0:
                finish(c)
                return
            c.sock.send(REQUEST)
        if not c.sock.pending():
            return


while done < conns:
    events = sel.select(30)
    if not events:
        sys.exit(f"tls-load: no progress in 30 s ({done} of {conns} connections done)")
    for key, _ in events:
        c = key.data
        try:
            step(c)
        except ssl.SSLWantReadError:
            sel.modify(c.sock, selectors.EVENT_READ, c)
        except ssl.SSLWantWriteError:
            sel.modify(c.sock, selectors.EVENT_WRITE, c)
print(f"conns={conns} requests={answered} secs={time.monotonic() - t0:.1f}")
