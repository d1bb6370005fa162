#!/bin/sh
# Installs the Debian packages that building, testing and the demo need; does nothing when
# they are all present. Run as root (make deps, make test and make demo call it).
set -eu

PACKAGES="make gcc clang llvm libclang-rt-14-dev pkg-config bpftool libbpf-dev libelf-dev
libzstd-dev libdw-dev libiberty-dev libtraceevent-dev systemtap-sdt-dev python3 python3-pytest
iproute2 chromium man-db trace-cmd"
# libiberty-dev: a static library, the C++ and Rust demanglers (analyze/demangle.c);
# chromium: the HTML report's browser test (tests/e2e/test_html.py), in headless mode;
# man-db: docs/man's pages are rendered by tests/e2e/test_docs.py;
# libtraceevent-dev: tracepoint format files, parsed and printed (record/, analyze/tpevent.c);
# systemtap-sdt-dev: <sys/sdt.h>, the USDT probe of tests/workloads/ebr-probes.c;
# trace-cmd: tests/e2e/test_generic.py records with it beside ebrec and compares
# more packages may be named on the command line (make bench: linux-perf trace-cmd fio)
PACKAGES="$PACKAGES $*"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "ebrec: missing Debian packages:$missing; run 'make deps' as root" >&2
	exit 1
fi
echo "ebrec: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
