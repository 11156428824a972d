#!/bin/sh
# make run: serve the portal until Ctrl-C, then stop the server and, when it
# is ours, the local database.
#   G2B_DB    libpq connection string of another PostgreSQL (default: a
#             local cluster under var/pg, created on first use)
#   G2B_PORT  port (default 8888);  G2B_BIND  address (default 127.0.0.1)
#   G2B_WORKERS  Kore workers (default: number of cores)
#   G2B_TLS_CERT, G2B_TLS_KEY  serve HTTPS with this certificate and key
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p var
port=${G2B_PORT:-8888}
bind=${G2B_BIND:-127.0.0.1}
workers=${G2B_WORKERS:-$(nproc 2>/dev/null || echo 2)}

local_pg=0
if [ -z "$G2B_DB" ]; then
	sh conf/pg.sh start var/pg
	G2B_DB=$(sh conf/pg.sh dsn var/pg)
	local_pg=1
fi
export G2B_DB
if [ -z "$G2B_SECRET" ] && [ -z "$G2B_SECRET_FILE" ]; then
	if [ ! -s var/secret ]; then
		(umask 077; openssl rand -hex 32 > var/secret)
	fi
	export G2B_SECRET_FILE="$root/var/secret"
fi

conf=var/g2b-$port.conf
sh conf/mkconf.sh "$conf" "$bind" "$port" "$workers" "$root/var/access-$port.log"

stop() {
	trap - INT TERM EXIT
	if [ "$local_pg" = 1 ]; then
		sh conf/pg.sh stop var/pg || true
	fi
}
trap stop INT TERM EXIT
scheme=http
[ -n "$G2B_TLS_CERT" ] && scheme=https
echo "G2B portal on $scheme://$bind:$port (Ctrl-C stops it)"
kore -fnrc "$conf" || true
