#!/usr/bin/env python3
"""Where an echo server's CPU goes per round trip, by layer (Linux, perf).

Runs each server pinned to core 0 under the bench kit's load generator
(echo-load, core 1), reads the server's CPU time from /proc and samples it
with `perf record` meanwhile, then splits its CPU time per round trip into:

  kernel      the kernel (TCP, epoll, system call entry and exit)
  libc        the C library (system call wrappers)
  addon       this library's C addon (argument checks, the calls)
  napi+v8api  Node-API and V8's API-call machinery: the JavaScript-to-C++
              transition, napi_* argument and result conversions
  js          JIT-compiled JavaScript (the selector, the socket, the server)
  v8-other    the rest of V8: inline-cache misses, builtins, the GC
  other       everything else (the C server's own code, unknown symbols)

usage: bench/cpu-breakdown.py [--conns 100] [--secs 8] [--size 64]
           NAME 'SERVER CMD {port}' [NAME 'CMD {port}' ...]

Example (from the project's root, after npm run build):
  python3 bench/cpu-breakdown.py \\
    c-epoll '../shared/bench/servers/echo-epoll {port}' \\
    ts-selectors 'node --perf-basic-prof --logfile=/dev/null --no-logfile-per-isolate dist/examples/echo-server.js {port}'

`--perf-basic-prof` lets perf name JavaScript functions (JIT code); without
it they count as "other". (It also makes V8 write a log file, which
`--logfile=/dev/null --no-logfile-per-isolate` sends nowhere.) The shares come from samples (noisy: compare
servers measured in the same run); the µs per round trip are each share
times the server's CPU time per round trip over the whole run.
"""
import argparse
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KIT = os.environ.get('BENCH_KIT', os.path.join(HERE, '..', '..', 'shared', 'bench'))
LAYERS = ['kernel', 'libc', 'addon', 'napi+v8api', 'js', 'v8-other', 'other']
NAPI = re.compile(
    r'^(napi_|v8impl::|node_api|v8::(Number|Value|Integer|ArrayBuffer|ArrayBufferView|TypedArray|External|Object|'
    r'Function|Isolate|HandleScope|EscapableHandleScope|Local)|v8::internal::(Builtin_HandleApiCall|'
    r'\(anonymous namespace\)::HandleApiCallHelper|FunctionCallbackArguments|JSTypedArray|HandleScope)|'
    r'Builtins_(CEntry|CallApiCallback|AdaptorWithBuiltinExitFrame))')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of every thread of pid, in seconds."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def wait_listening(port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'server exited with {proc.returncode}')
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError('server did not listen')


def layer(dso, sym):
    if dso.startswith('[kernel'):
        return 'kernel'
    if dso.startswith('libc') or dso.startswith('ld-linux'):
        return 'libc'
    if dso.endswith('.node') or dso.endswith('.addon'):
        return 'addon'
    if dso.startswith('[JIT]') or dso.startswith('perf-') or sym.startswith('JS:') or sym.startswith('LazyCompile:'):
        return 'js'
    if dso == 'node':
        return 'napi+v8api' if NAPI.match(sym) else 'v8-other'
    return 'other'


def shares(perf_data):
    out = subprocess.run(
        ['perf', 'report', '-i', perf_data, '--no-children', '--sort', 'dso,sym', '--stdio', '-g', 'none',
         '--percent-limit', '0'],
        capture_output=True, text=True, check=True).stdout
    totals = dict.fromkeys(LAYERS, 0.0)
    symbols = []
    for line in out.splitlines():
        m = re.match(r'\s*([\d.]+)%\s+(\S+(?: tid \d+)?)\s+\[[.k]\]\s+(.*)$', line)
        if m:
            name = layer(m.group(2), m.group(3).strip())
            totals[name] += float(m.group(1))
            symbols.append((float(m.group(1)), name, m.group(3).strip()))
    total = sum(totals.values()) or 1.0
    return {k: v / total for k, v in totals.items()}, sorted(symbols, reverse=True)


def measure(name, cmd, args):
    port = free_port()
    argv = ['taskset', '-c', '0'] + shlex.split(cmd.replace('{port}', str(port)))
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, server)
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, 'perf.data')
            load = subprocess.Popen(
                ['taskset', '-c', '1', os.path.join(KIT, 'echo-load'), '127.0.0.1', str(port), str(args.conns),
                 str(args.secs), str(args.size)], stdout=subprocess.PIPE, text=True)
            time.sleep(1.0)
            cpu0, t0 = cpu_seconds(server.pid), time.monotonic()
            perf = subprocess.run(
                ['perf', 'record', '-q', '-F', '1999', '-p', str(server.pid), '-o', data, '--', 'sleep',
                 str(args.secs - 2)], capture_output=True, text=True)
            cpu1, t1 = cpu_seconds(server.pid), time.monotonic()
            report = load.communicate()[0]
            if perf.returncode != 0:
                raise RuntimeError(f'perf record failed: {perf.stderr.strip()}')
            rps = float(re.search(r'rps=([\d.]+)', report).group(1))
            errors = int(re.search(r'errors=(\d+)', report).group(1))
            us_per_rt = (cpu1 - cpu0) / (t1 - t0) / rps * 1e6
            layers, symbols = shares(data)
            return rps, errors, us_per_rt, layers, symbols
    finally:
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--conns', type=int, default=100)
    parser.add_argument('--secs', type=int, default=8)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--top', type=int, default=0, help='also list the N hottest symbols outside the kernel')
    parser.add_argument('servers', nargs='+', help='NAME CMD pairs')
    args = parser.parse_args()
    if len(args.servers) % 2 != 0 or args.secs < 4:
        parser.error('servers come as NAME CMD pairs; --secs must be at least 4')
    if not os.path.exists(os.path.join(KIT, 'echo-load')):
        subprocess.run(['make', '-s', '-C', KIT], check=True)
    rows = []
    for i in range(0, len(args.servers), 2):
        rows.append((args.servers[i], *measure(args.servers[i], args.servers[i + 1], args)))
    print(f'# echo, {args.conns} connections, {args.size}-byte messages, {args.secs} s each; '
          'CPU µs per round trip by layer (share of samples × measured CPU/round trip)')
    print('| server | rps | CPU µs/rt | ' + ' | '.join(LAYERS) + ' |')
    print('|---|---:|---:|' + '---:|' * len(LAYERS))
    for name, rps, errors, us, share, _ in rows:
        cells = ' | '.join(f'{us * share[k]:.2f} ({share[k] * 100:.0f} %)' for k in LAYERS)
        print(f'| {name} | {rps:,.0f}{" (errors)" if errors else ""} | {us:.2f} | {cells} |')
    for name, _, _, _, _, symbols in rows if args.top > 0 else []:
        print(f'\n# {name}: the {args.top} hottest symbols outside the kernel (% of samples, layer)')
        for pct, where, sym in [s for s in symbols if s[1] != 'kernel'][:args.top]:
            print(f'{pct:6.2f} %  {where:11} {sym[:100]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
