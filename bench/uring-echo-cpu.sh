#!/bin/bash
# Server CPU (utime+stime from /proc) per round trip of an example echo server
# (default echo-server-rw) on one backend, one connection of echo-client.
# Usage (after npm run build):
#   bench/uring-echo-cpu.sh epoll 40000; bench/uring-echo-cpu.sh io_uring 40000
#   bench/uring-echo-cpu.sh io_uring 40000 echo-server
# With STRACE=1 the server runs under strace -c -f (summary in /tmp/strace-BACKEND.txt).
B=$1; M=${2:-20000}; SERVER=${3:-echo-server-rw}; PORT=$((20000 + RANDOM % 20000))
WRAP=(); if [ -n "${STRACE:-}" ]; then WRAP=(strace -c -f -o "/tmp/strace-$B.txt"); fi
cd "$(dirname "$0")/.."
"${WRAP[@]}" node dist/examples/$SERVER.js --backend $B --port $PORT > /tmp/srvc-$B.log 2>&1 &
SP=$!
for i in $(seq 50); do grep -q listening /tmp/srvc-$B.log && break; sleep 0.2; done
t0=$(awk '{print $14+$15}' /proc/$SP/stat)
node dist/examples/echo-client.js --connections 1 --messages $M --port $PORT > /tmp/clic-$B.log 2>&1
t1=$(awk '{print $14+$15}' /proc/$SP/stat)
SRV=$SP; if [ -n "${STRACE:-}" ]; then SRV=$(pgrep -P "$SP" node); fi
kill -INT "$SRV"; wait $SP
TCK=$(getconf CLK_TCK)
echo "$B: $(( (t1-t0)*1000/TCK )) ms server CPU for $M round trips = $(echo "scale=2; ($t1-$t0)*1000000/$TCK/$M" | bc) us/rt; $(grep -o 'rps=[0-9]*' /tmp/clic-$B.log)"
