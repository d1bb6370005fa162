#!/bin/sh
# A trace in an older minor version of the format, kept so that every version ever released
# stays readable: builds ebrec as it was at COMMIT (a git worktree), records FAMILIES while
# COMMAND runs under a neutral host name (nothing of the recording machine to redact: the
# old ebrec has no redact, and the current one would rewrite the trace in its own version),
# then writes the reports of the current ebrec beside it, as record-sample.sh does.
#   [RECORD_ARGS="--cgroup /x"] samples/record-old-format.sh DIR COMMIT FAMILIES "VIEW..." \
#       COMMAND ARGS...
set -eu
dir=$1 commit=$2 families=$3 views=$4
shift 4
old=$(mktemp -d /var/tmp/ebrec-old.XXXXXX)
trap 'git worktree remove --force "$old" 2>/dev/null || rm -rf "$old"' EXIT
git worktree add -f -q --detach "$old" "$commit"
make -C "$old" -s -j2 build/ebrec >/dev/null
unshare -u sh -c 'hostname ebrec-sample && exec "$@"' sh \
	"$old/build/ebrec" record -f -o "$dir/trace.ebr" -e "$families" ${RECORD_ARGS:-} -- "$@"
EBREC=./build/ebrec
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
for v in $views; do
	$EBREC report "$dir/trace.ebr" "$v" > "$dir/$v.txt"
done
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
