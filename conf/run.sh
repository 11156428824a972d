#!/bin/sh
# make run: serve the portal until Ctrl-C, then stop the server and, when it
# is ours, the local database.
#   G2B_DB    libpq connection string of another PostgreSQL (default: a
#             local cluster under var/pg, created on first use)
#   G2B_PORT  port (default 8888);  G2B_BIND  address (default 127.0.0.1)
#   G2B_WORKERS  Kore workers (default: number of cores)
#   G2B_TLS_CERT, G2B_TLS_KEY  also serve HTTPS with this certificate and
#             key on G2B_TLS_PORT (default 8443), through nginx (conf/tls.sh)
#   G2B_TLS_EXCHANGE_PORT  with TLS on, also serve the e-document exchange
#             (/api/) on this port, where organisations' systems may
#             authenticate with a registered TLS client certificate
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

tls=0
stop() {
	trap - INT TERM EXIT
	[ "$tls" = 1 ] && sh conf/tls.sh stop "$tlsport"
	if [ "$local_pg" = 1 ]; then
		sh conf/pg.sh stop var/pg || true
	fi
}
trap stop INT TERM EXIT
if [ -n "$G2B_TLS_CERT" ] && [ -n "$G2B_TLS_KEY" ]; then
	tlsport=${G2B_TLS_PORT:-8443}
	sh conf/tls.sh start "$bind" "$tlsport" "$bind" "$port" \
	    "$G2B_TLS_CERT" "$G2B_TLS_KEY" "$G2B_TLS_EXCHANGE_PORT"
	tls=1
	# The session cookie must not travel over plain HTTP.
	export G2B_SECURE_COOKIES=1 G2B_TRUSTED_PROXY=${G2B_TRUSTED_PROXY:-$bind}
	echo "G2B portal on https://$bind:$tlsport (TLS) and http://$bind:$port"
else
	echo "G2B portal on http://$bind:$port (Ctrl-C stops it)"
fi
kore -fnrc "$conf" || true
