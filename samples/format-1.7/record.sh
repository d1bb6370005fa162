#!/bin/sh
# Format 1.7 (events in columns): 3,000 opens of /etc/hostname and 1,000 failed opens of a
# missing file by tests/workloads/ebr-files, with the context switches and wakeups of its
# cgroup, recorded with --cgroup /ebrec-sample under a neutral host name by ebrec as it was at
# the last commit writing format 1.7 (record-old-format.sh): only the workload's processes are
# in it, nothing of the recording machine to redact.
set -eu
cd "$(dirname "$0")/../.."
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
mkdir -p "$mount$top"
cleanup() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$mount$top" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
RECORD_ARGS="--cgroup $top" sh samples/record-old-format.sh samples/format-1.7 77a64d1 \
	proc,file,sched "opentop runqlat" sh -c \
	"echo \$\$ > $mount$top/cgroup.procs && build/tests/workloads/ebr-files -w 200 open 3000 1000 /etc/hostname /nonexistent-ebrec-sample"
