"""Differential driver: runs a JSON op script (stdin) through CPython's
select objects and selectors; prints one JSON result per op (stdout).

Results: ["ok", value] with fds replaced by the names of the script, or
["err", exception class name]. The node side (differential.test.ts) does the
same through node-selectors and compares.
"""
import json
import select
import selectors
import socket
import sys


def main():
    script = json.load(sys.stdin)
    fds = {}
    socks = {}
    for i in range(script["pairs"]):
        a, b = socket.socketpair()
        for name, s in ((f"p{i}a", a), (f"p{i}b", b)):
            s.setblocking(False)
            socks[name] = s
            fds[name] = s.fileno()
    names = {fd: name for name, fd in fds.items()}
    # Two fds that are not sockets: a negative one and one never opened.
    fds["neg"] = -1
    fds["unopened"] = script["unopened"]
    names[script["unopened"]] = "unopened"
    objs = {
        "sel": selectors.DefaultSelector(),
        "psel": selectors.PollSelector(),
        "ssel": selectors.SelectSelector(),
        "poll": select.poll(),
        "ep": select.epoll(),
    }

    def name(fd):
        return names.get(fd, f"fd{fd}")

    def run(op):
        kind = op["op"]
        if kind == "register":
            obj = objs[op["obj"]]
            obj.register(fds[op["target"]], op["mask"])
            return None
        if kind == "modify":
            objs[op["obj"]].modify(fds[op["target"]], op["mask"])
            return None
        if kind == "unregister":
            objs[op["obj"]].unregister(fds[op["target"]])
            return None
        if kind == "wait":
            obj = objs[op["obj"]]
            if op["obj"] in ("sel", "psel", "ssel"):
                return sorted([name(key.fd), ev] for key, ev in obj.select(op["timeout"]))
            return sorted([name(fd), ev] for fd, ev in obj.poll(op["timeout"]))
        if kind == "select":
            r, w, x = select.select(*[[fds[n] for n in op[k]] for k in ("r", "w", "x")], op["timeout"])
            return [sorted(name(fd) for fd in lst) for lst in (r, w, x)]
        if kind == "send":
            return socks[op["target"]].send(b"x" * op["n"])
        if kind == "recv":
            return len(socks[op["target"]].recv(op["n"]))
        if kind == "shutdown":
            socks[op["target"]].shutdown(op["how"])
            return None
        if kind == "close":
            socks[op["target"]].close()
            return None
        if kind == "closeobj":
            objs[op["obj"]].close()
            return None
        raise AssertionError(kind)

    out = []
    for op in script["ops"]:
        try:
            out.append(["ok", run(op)])
        except Exception as e:  # noqa: BLE001 - the class is the result
            out.append(["err", type(e).__name__])
    for s in socks.values():
        s.close()
    for o in objs.values():
        if hasattr(o, "close"):
            o.close()
    json.dump(out, sys.stdout)


main()
