#!/bin/sh
# Installs the Debian packages that building, testing and the demo need; does nothing when
# they are all present. Run as root (make deps, make test and make demo call it).
set -eu

PACKAGES="make gcc clang llvm libclang-rt-14-dev pkg-config bpftool libbpf-dev libelf-dev
libzstd-dev libdw-dev zlib1g-dev libiberty-dev libtraceevent-dev systemtap-sdt-dev python3
python3-pytest iproute2 chromium man-db time golang-go protobuf-compiler python3-jsonschema bpftrace
trace-cmd systemd"
# libiberty-dev: a static library, the C++ and Rust demanglers (analyze/demangle.c);
# libtraceevent-dev: tracepoint format files, parsed and printed (record/, analyze/tpevent.c);
# chromium: the HTML report's browser test (tests/e2e/test_html.py), in headless mode;
# man-db: docs/man's pages are rendered by tests/e2e/test_docs.py;
# systemtap-sdt-dev: <sys/sdt.h>, the USDT probe of tests/workloads/ebr-probes.c;
# trace-cmd: tests/e2e/test_generic.py records with it beside ebrec and compares;
# bpftrace: ebrec query's output is compared with live bpftrace's (tests/e2e/test_query.py);
# systemd: systemd-analyze verify checks the unit (tests/e2e/test_service.py), which also
# runs it with setpriv and unshare (util-linux, always installed) where systemd is not PID 1;
# time: /usr/bin/time measures a command's own peak RSS (tests/e2e/test_hostile_format.py);
# zlib1g-dev: pprof's profiles are gzip'd (report/export_pprof.c); the readers of the exports
# in tests/e2e/test_export.py: golang-go (go tool pprof), protobuf-compiler (protoc
# --decode_raw), npm (DuckDB's and speedscope's packages, into build/npm; added below unless
# an npm is there already, as NodeSource's nodejs bundles one that Debian's npm conflicts
# with), python3-jsonschema (speedscope's published schema)
# more packages may be named on the command line (make bench: linux-perf trace-cmd fio)
PACKAGES="$PACKAGES $*"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

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
