#!/bin/sh
# Format 1.6 (process titles): a fork-per-connection server whose 4 workers set their title
# after fork as PostgreSQL's backends do ("ebr-serve: worker 127.0.0.1(PORT)", their argument
# memory rewritten: tests/workloads/ebr-tcp titleserve), recorded with --cgroup /ebrec-sample
# under a neutral host name by ebrec as it was at the last commit writing format 1.6
# (record-old-format.sh): only the workload's processes are in it, nothing of the recording
# machine to redact.
set -eu
cd "$(dirname "$0")/../.."
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
mkdir -p "$mount$top"
cleanup() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$mount$top" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
RECORD_ARGS="--cgroup $top" sh samples/record-old-format.sh samples/format-1.6 d66fc59 \
	proc,tcp "tcplife processes" sh -c \
	"echo \$\$ > $mount$top/cgroup.procs && echo go | build/tests/workloads/ebr-tcp titleserve 127.0.0.1 0 4"
