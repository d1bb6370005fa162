#!/bin/sh
# What every sample's record.sh shares: records FAMILIES while COMMAND runs, redacts what is
# private to the recording machine (host name, user names), and writes the reports checked in
# beside the trace: report.txt (the summary), VIEW.txt for each VIEW named, report.html
# (listings of at most 2000 rows). tests/e2e/test_samples.py makes them again and compares.
#   samples/record-sample.sh DIR FAMILIES "VIEW..." COMMAND ARGS...
# Run as root from the repository root (make samples does).
set -eu
dir=$1 families=$2 views=$3
shift 3
EBREC=./build/ebrec
raw=$(mktemp /var/tmp/ebrec-sample.XXXXXX.ebr)
$EBREC record -f -o "$raw" -e "$families" -- "$@"
$EBREC redact "$raw" -o "$dir/trace.ebr" -f --host --users
rm -f "$raw"
$EBREC verify "$dir/trace.ebr"
$EBREC report "$dir/trace.ebr" > "$dir/report.txt"
for v in $views; do
	$EBREC report "$dir/trace.ebr" "$v" > "$dir/$v.txt"
done
$EBREC report "$dir/trace.ebr" --format html --rows 2000 -o "$dir/report.html"
ls -l "$dir"
