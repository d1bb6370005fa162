#!/bin/sh
# What each way of serving a syscalls: probe costs (man ebrec-record, PROBES; docs/BENCH.md):
# CPU (user + system, workload and recorder) of 4 M getppid calls recorded through
# --syscall-path raw and perf, and of 4 M unrecorded getppid calls while a probe of another
# call (kill) is recorded, against the same calls untraced. Run as root from the repository
# on a quiet machine, after make and make the workloads: sh tests/bench/syscall_paths.sh [ROUNDS]
set -eu
W=build/tests/workloads
E=build/ebrec
N=4000000
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cpu() {
	/usr/bin/time -o "$T/time" -f "%U %S" "$@" >/dev/null 2>&1
	awk '{ print $1 + $2 }' "$T/time"
}
echo "CPU seconds for $N getppid calls"
i=1
while [ "$i" -le "${1:-5}" ]; do
	line="round $i: untraced $(cpu $W/ebr-probes getppid $N)"
	for path in perf raw; do
		rec=$(cpu $E record -f -o "$T/a.ebr" --syscall-path $path \
			-e tracepoint:syscalls:sys_enter_getppid -- $W/ebr-probes getppid $N)
		$E record -f -o "$T/b.ebr" --syscall-path $path \
			-e tracepoint:syscalls:sys_enter_kill 2>/dev/null &
		pid=$!
		sleep 1.5 # attached
		other=$(cpu $W/ebr-probes getppid $N)
		kill -INT $pid
		wait $pid || true
		line="$line | $path: recorded $rec, unrecorded $other"
	done
	echo "$line"
	i=$((i + 1))
done
