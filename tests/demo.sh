#!/bin/sh
# make demo: records about 7 seconds of a built-in workload with every family but offcpu,
# prints the report, writes the HTML report, and says where the trace is. Run as root from the
# repository root.
set -eu

BUILD=${BUILD:-build}
DIR=${EBREC_DEMO_DIR:-/var/tmp/ebrec-demo}
TRACE="$DIR/demo.ebr"

if [ "$(id -u)" != 0 ]; then
	echo "make demo records with BPF: run it as root (sudo make demo)" >&2
	exit 1
fi
# /var/tmp is on a real disk on Debian (not tmpfs), so the workload's I/O reaches a device
mkdir -p "$DIR"
W="$BUILD/tests/workloads"
echo "== recording 7 s: 1 s of CPU in three nested functions, 1200 paced 4 KiB"
echo "   O_DIRECT|O_SYNC writes read back, 3 execs and a failed one, 50 opens and 5 of a"
echo "   missing file, 2 slow O_SYNC writes of 8 MiB, 3 TCP sessions on 127.0.0.1"
echo "   (1000/500, 701001/900507, 1401002/1800514 bytes each way)"
# every family but offcpu, each named so that it is recorded whole (the default leaves file and
# sched out, and failed execs and accepts, for its budget on a busy server: ebrec list)
./ebrec record -f -o "$TRACE" -d 7 -e block,proc,file,tcp,sched,profile -- \
	sh -c "'$W/ebr-stacks' burn 1 && \
'$W/ebr-spawn' 3 1 0 demo && \
'$W/ebr-files' open 50 5 /etc/hostname '$DIR/missing' && \
'$W/ebr-files' slow 2 8192 '$DIR/slow.dat' 10 /etc/hostname 1000 && \
'$W/ebr-tcp' life 127.0.0.1 0 3 20 && \
'$W/ebr-blkio' -i 3000 -r 2 '$DIR/workload.dat' 1200" >/dev/null
echo
echo "== ebrec info $TRACE"
./ebrec info "$TRACE"
echo
echo "== ebrec report $TRACE"
./ebrec report "$TRACE"
echo
echo "== ebrec report $TRACE biosnoop (first 15 rows)"
./ebrec report "$TRACE" biosnoop | head -n 16
echo
echo "== ebrec report $TRACE execsnoop -n spawn"
./ebrec report "$TRACE" execsnoop -n spawn
echo
echo "== ebrec report $TRACE opensnoop -n ebr-files -x"
./ebrec report "$TRACE" opensnoop -n ebr-files -x
echo
echo "== ebrec report $TRACE fsslower -m 1"
./ebrec report "$TRACE" fsslower -m 1
echo
echo "== ebrec report $TRACE tcplife"
./ebrec report "$TRACE" tcplife
echo
echo "== ebrec report $TRACE runqlat"
./ebrec report "$TRACE" runqlat
echo
echo "== ebrec report $TRACE profile --comm ebr-stacks -f (folded stacks)"
./ebrec report "$TRACE" profile --comm ebr-stacks -f
./ebrec report "$TRACE" profile --svg "$DIR/profile.svg" >/dev/null
echo "(a flame graph of every CPU sample is in $DIR/profile.svg: open it in a browser)"
echo
echo "== ebrec report $TRACE --format html -o $DIR/report.html"
./ebrec report "$TRACE" --format html -o "$DIR/report.html"
echo "(one self-contained page, every family: open $DIR/report.html in a browser)"
rm -f "$DIR/workload.dat" "$DIR/slow.dat"
echo
echo "The trace is $TRACE: copy it anywhere and run 'ebrec report $TRACE' (no root needed)."
