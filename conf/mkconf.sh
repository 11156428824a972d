#!/bin/sh
# mkconf.sh OUT BIND PORT WORKERS ACCESSLOG: write a Kore configuration from
# conf/g2b.conf.in (or the TLS variant when G2B_TLS_CERT/G2B_TLS_KEY are set).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1; bind=$2; port=$3; workers=$4; log=$5
tracing=""
[ -n "$G2B_SECCOMP_TRACING" ] && tracing="seccomp_tracing yes"
pgconns=${G2B_PGCONNS:-16}
sed -e "s|@BIND@|$bind|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" \
    -e "s|@MODULE@|$root/build/g2b.so|g" -e "s|@ROOT@|$root|g" \
    -e "s|@LOG@|$log|g" -e "s|@TRACING@|$tracing|g" \
    -e "s|@PGCONNS@|$pgconns|g" \
    "$root/conf/g2b.conf.in" > "$out"
if [ -n "$G2B_TLS_CERT" ] && [ -n "$G2B_TLS_KEY" ]; then
	# Kore wants DH parameters even when ECDHE is used: the RFC 7919
	# group Kore ships.
	dh=/usr/share/kore/misc/ffdhe4096.pem
	sed -i -e "s|tls no|tls yes|" \
	    -e "s|^domain \* {|tls_dhparam $dh\nkeymgr_root $root\nkeymgr_runas $(id -un)\n\ndomain * {\n\tcertfile $G2B_TLS_CERT\n\tcertkey $G2B_TLS_KEY|" \
	    -e "s|http_hsts_enable	0|http_hsts_enable	31536000|" "$out"
fi
