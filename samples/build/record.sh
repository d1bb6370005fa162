#!/bin/sh
# A parallel C build: ebrec's own user-space sources compiled with `make -j2` in a copy of
# this repository (compilers exec'd, headers opened, CPU profiled with the compilers' symbols,
# and what they wait for off CPU).
set -eu
cd "$(dirname "$0")/../.."
d=$(mktemp -d /var/tmp/ebrec-sample-build.XXXXXX)
trap 'rm -rf "$d"' EXIT
git archive HEAD | tar -x -C "$d"
mkdir -p "$d/build"
cp build/ebrec.skel.h "$d/build/" # the BPF side is not rebuilt: clang's part is another story
samples/record-sample.sh samples/build proc,file,sched,profile,offcpu \
	"execsnoop profile" \
	make -C "$d" -j2 -s build/ebrec
