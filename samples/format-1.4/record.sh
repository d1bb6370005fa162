#!/bin/sh
# Format 1.4 (types the file describes: the generic probes): tracepoints (signal_generate,
# sched:sched_process_* by a glob, syscalls:sys_enter_openat with the paths it reads), a
# uprobe, a uretprobe with the string it returns, and a USDT probe with its arguments, on
# tests/workloads/ebr-probes (37 signals, 53 calls, 29 USDT probes), recorded under a neutral
# host name by ebrec as it was at the last commit writing format 1.4 (a git worktree, as
# record-old-format.sh builds one), only the workload's threads (--comm), so nothing of the
# recording machine is in it to redact.
set -eu
cd "$(dirname "$0")/../.."
dir=samples/format-1.4
w=/var/tmp/ebrec-sample-probes
old=$(mktemp -d /var/tmp/ebrec-old.XXXXXX)
trap 'rm -rf "$w"; git worktree remove --force "$old" 2>/dev/null || rm -rf "$old"' EXIT
git worktree add -f -q --detach "$old" 88c6712
make -C "$old" -s -j2 build/ebrec >/dev/null
mkdir -p "$w"
cp build/tests/workloads/ebr-probes "$w/"
p="$w/ebr-probes"
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	"$old/build/ebrec" record -f -o "$dir/trace.ebr" --comm ebr-probes \
	-e "tracepoint:signal:signal_generate,tracepoint:sched:sched_process_*" \
	-e "tracepoint:syscalls:sys_enter_openat,uprobe:$p:ebr_probe_target" \
	-e "uretprobe:$p:ebr_probe_name,usdt:$p:ebrec:tick" \
	--str "uretprobe:$p:ebr_probe_name:retval" --str "usdt:$p:ebrec:tick:arg2" \
	-- sh -c "$p signals 37 && $p calls 53 && $p usdt 29"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
$EBREC report "$dir/trace.ebr" probes > "$dir/probes.txt"
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
