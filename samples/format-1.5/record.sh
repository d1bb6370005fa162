#!/bin/sh
# Format 1.5 (cgroups and containers): a shell that moves itself into two cgroups v2 made here,
# /ebrec-sample/a and /ebrec-sample/docker-ID.scope (named as docker names a container's
# scope: the container id is read from it), and opens a file a known number of times in each
# (19, 7), recorded with --cgroup /ebrec-sample under a neutral host name by ebrec as it was at
# the last commit writing format 1.5 (a git worktree, as record-old-format.sh builds one): only
# the workload's processes are in it, nothing of the recording machine to redact.
set -eu
cd "$(dirname "$0")/../.."
dir=samples/format-1.5
mount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
top=/ebrec-sample
a=$top/a
b=$top/docker-5ab1e0c0ffee5ab1e0c0ffee5ab1e0c0ffee5ab1e0c0ffee5ab1e0c0ffee5ab1.scope
w=/var/tmp/ebrec-sample-cgroup
old=$(mktemp -d /var/tmp/ebrec-old.XXXXXX)
mkdir -p "$w" "$mount$top" "$mount$a" "$mount$b"
cleanup() {
	rm -rf "$w"
	git worktree remove --force "$old" 2>/dev/null || rm -rf "$old"
	for d in "$mount$a" "$mount$b" "$mount$top"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.1; done
	done
}
trap cleanup EXIT
git worktree add -f -q --detach "$old" 497d6de
make -C "$old" -s -j2 build/ebrec >/dev/null
cp build/tests/workloads/ebr-files "$w/"
echo x > "$w/in-a"
echo x > "$w/in-b"
f="$w/ebr-files -w 0 open"
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	"$old/build/ebrec" record -f -o "$dir/trace.ebr" -e proc,file --cgroup "$top" -- sh -c \
	"sh -c 'echo \$\$ > $mount$a/cgroup.procs && exec $f 19 0 $w/in-a $w/none' && sh -c 'echo \$\$ > $mount$b/cgroup.procs && exec $f 7 0 $w/in-b $w/none'"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
$EBREC report "$dir/trace.ebr" cgroups > "$dir/cgroups.txt"
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
