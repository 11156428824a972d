#!/bin/sh
# mkconf.sh OUT BIND PORT WORKERS ACCESSLOG: write a Kore configuration from
# conf/g2b.conf.in. TLS is terminated in front of Kore: conf/tls.sh.
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1; bind=$2; port=$3; workers=$4; log=$5
tracing=""
[ -n "$G2B_SECCOMP_TRACING" ] && tracing="seccomp_tracing yes"
# A few connections per worker: more made the database slower under a
# deadline rush (README, performance). Requests wait their turn (web.c).
pgconns=${G2B_PGCONNS:-4}
# Large request bodies are spooled here (one directory per port).
bodydir=$root/var/body-$port
mkdir -p "$bodydir"
sed -e "s|@BIND@|$bind|g" -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" \
    -e "s|@MODULE@|$root/build/g2b.so|g" -e "s|@ROOT@|$root|g" \
    -e "s|@LOG@|$log|g" -e "s|@TRACING@|$tracing|g" \
    -e "s|@PGCONNS@|$pgconns|g" -e "s|@BODYDIR@|$bodydir|g" \
    "$root/conf/g2b.conf.in" > "$out"
