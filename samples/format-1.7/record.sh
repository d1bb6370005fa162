#!/bin/sh
# Format 1.7 (events in columns): 3,000 opens of /etc/hostname and 1,000 failed opens of a
# missing file by tests/workloads/ebr-files, with the context switches and wakeups of its
# cgroup, recorded with --cgroup /ebrec-sample under a neutral host name by the current
# ebrec: only the workload's processes are in it, nothing of the recording machine to redact.
set -eu
cd "$(dirname "$0")/../.."
dir=samples/format-1.7
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
mkdir -p "$mount$top"
cleanup() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$mount$top" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	./build/ebrec record -f -o "$dir/trace.ebr" -e proc,file,sched --cgroup "$top" -- sh -c \
	"echo \$\$ > $mount$top/cgroup.procs && build/tests/workloads/ebr-files -w 200 open 3000 1000 /etc/hostname /nonexistent-ebrec-sample"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
for v in opentop runqlat; do
	$EBREC report "$dir/trace.ebr" $v > "$dir/$v.txt"
done
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
