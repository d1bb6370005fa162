#!/bin/sh
# PostgreSQL 15 (Debian) under pgbench: 4 clients over TCP on 127.0.0.1 for 3 s of TPC-B-like
# transactions on a scale-20 database in a cluster of its own (initialised, not recorded).
set -eu
cd "$(dirname "$0")/../.."
PGBIN=/usr/lib/postgresql/15/bin
d=$(mktemp -d /var/tmp/ebrec-sample-pg.XXXXXX)
chown postgres "$d"
pg() { su postgres -s /bin/sh -c "$*"; }
pg "$PGBIN/initdb -D $d/data -A trust" >/dev/null
pg "$PGBIN/pg_ctl -D $d/data -w -l $d/log -o \"-k $d -p 54329 -c listen_addresses=127.0.0.1\" start" >/dev/null
trap 'pg "$PGBIN/pg_ctl -D $d/data -w stop" >/dev/null; rm -rf "$d"' EXIT
pg "pgbench -h 127.0.0.1 -p 54329 -i -s 20 -q postgres" 2>/dev/null
samples/record-sample.sh samples/pgbench block,proc,file,tcp,sched,profile \
	"biolatency runqlat tcplife profile" \
	su postgres -s /bin/sh -c "pgbench -h 127.0.0.1 -p 54329 -c 4 -j 2 -T 3 postgres"
