#!/bin/sh
# Format 1.6 (process titles): a fork-per-connection server whose 4 workers set their title
# after fork as PostgreSQL's backends do ("ebr-serve: worker 127.0.0.1(PORT)", their argument
# memory rewritten: tests/workloads/ebr-tcp titleserve), recorded with --cgroup /ebrec-sample
# under a neutral host name by the current ebrec: only the workload's processes are in it,
# nothing of the recording machine to redact.
set -eu
cd "$(dirname "$0")/../.."
dir=samples/format-1.6
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
mkdir -p "$mount$top"
cleanup() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$mount$top" 2>/dev/null && break; sleep 0.1; done
}
trap cleanup EXIT
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	./build/ebrec record -f -o "$dir/trace.ebr" -e proc,tcp --cgroup "$top" -- sh -c \
	"echo \$\$ > $mount$top/cgroup.procs && echo go | build/tests/workloads/ebr-tcp titleserve 127.0.0.1 0 4"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
for v in tcplife processes; do
	$EBREC report "$dir/trace.ebr" $v > "$dir/$v.txt"
done
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
