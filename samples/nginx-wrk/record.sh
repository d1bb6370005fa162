#!/bin/sh
# nginx (Debian's nginx-light, 2 workers) serving a 10 KiB file on 127.0.0.1:8089 to wrk:
# 1 thread, 4 connections, 1 s, every request on a new connection ("Connection: close").
set -eu
cd "$(dirname "$0")/../.."
d=$(mktemp -d /var/tmp/ebrec-sample-nginx.XXXXXX)
head -c 10240 /dev/zero | tr '\0' 'x' > "$d/index.html"
chmod 755 "$d" && chmod 644 "$d/index.html" # nginx's workers run as nobody
cat > "$d/nginx.conf" <<CONF
worker_processes 2;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	server { listen 127.0.0.1:8089; root $d; }
}
CONF
nginx -c "$d/nginx.conf"
trap 'nginx -c "$d/nginx.conf" -s stop; sleep 0.5; rm -rf "$d"' EXIT
samples/record-sample.sh samples/nginx-wrk tcp,proc,profile "tcpretrans" \
	wrk -t1 -c4 -d1s -H "Connection: close" http://127.0.0.1:8089/
