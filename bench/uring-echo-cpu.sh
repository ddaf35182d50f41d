#!/bin/bash
# Server CPU (utime+stime from /proc) per round trip of examples/echo-server-rw.ts
# on one backend, one connection of echo-client. Usage (after npm run build):
#   bench/uring-echo-cpu.sh epoll 40000; bench/uring-echo-cpu.sh io_uring 40000
B=$1; M=${2:-20000}; PORT=$((20000 + RANDOM % 20000))
cd "$(dirname "$0")/.."
node dist/examples/echo-server-rw.js --backend $B --port $PORT > /tmp/srvc-$B.log 2>&1 &
SP=$!
for i in $(seq 50); do grep -q listening /tmp/srvc-$B.log && break; sleep 0.2; done
t0=$(awk '{print $14+$15}' /proc/$SP/stat)
node dist/examples/echo-client.js --connections 1 --messages $M --port $PORT > /tmp/clic-$B.log 2>&1
t1=$(awk '{print $14+$15}' /proc/$SP/stat)
kill -INT $SP; wait $SP
TCK=$(getconf CLK_TCK)
echo "$B: $(( (t1-t0)*1000/TCK )) ms server CPU for $M round trips = $(echo "scale=2; ($t1-$t0)*1000000/$TCK/$M" | bc) us/rt; $(grep -o 'rps=[0-9]*' /tmp/clic-$B.log)"
