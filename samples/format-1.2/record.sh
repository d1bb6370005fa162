#!/bin/sh
# Format 1.2 (tcp and sched families added): 5 TCP sessions on loopback with known byte
# counts (tests/workloads/ebr-tcp), and every context switch.
set -eu
cd "$(dirname "$0")/../.."
samples/record-old-format.sh samples/format-1.2 23cc6a2^ tcp,sched "tcplife runqlat" \
	build/tests/workloads/ebr-tcp life 127.0.0.1 0 5 20
