#!/bin/sh
# Format 1.8 (predicted fields, PACK_SHIFT): two threads of tests/workloads/ebr-sched burning
# one CPU for a second (they preempt each other: context switches whose intervals follow from
# their timestamps), then 256 direct writes of 4 KiB read back by tests/workloads/ebr-blkio
# (sectors 8 apart), recorded with --cgroup /ebrec-sample under a neutral host name by the
# current ebrec: only the workload's processes are in it, nothing of the recording machine
# to redact.
set -eu
cd "$(dirname "$0")/../.."
dir=samples/format-1.8
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
data=/var/tmp/ebrec-sample-blkio
mkdir -p "$mount$top"
cleanup() {
	rm -f "$data"
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$mount$top" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
W=build/tests/workloads
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	./build/ebrec record -f -o "$dir/trace.ebr" -e sched,block --cgroup "$top" -- sh -c \
	"echo \$\$ > $mount$top/cgroup.procs && echo | taskset -c 0 $W/ebr-sched burn 2 1 >/dev/null && $W/ebr-blkio -r 1 $data 256 >/dev/null"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
for v in runqlat cpudist biolatency; do
	$EBREC report "$dir/trace.ebr" $v > "$dir/$v.txt"
done
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
