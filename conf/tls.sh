#!/bin/sh
# TLS front for the portal (nginx terminating HTTPS, proxying to Kore on
# loopback).
#   conf/tls.sh start TLSBIND TLSPORT BIND PORT CERT KEY [XPORT]
# XPORT: also serve the e-document exchange with TLS client certificates
# on that port (conf/nginx-exchange.conf.in).
#   conf/tls.sh stop TLSPORT
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/var/nginx-tmp"
case "$1" in
start)
	tlsbind=$2; tlsport=$3; bind=$4; port=$5; cert=$6; key=$7; xport=$8
	[ -r "$cert" ] && [ -r "$key" ] ||
	    { echo "tls.sh: cannot read $cert or $key" >&2; exit 1; }
	conf=$root/var/nginx-$tlsport.conf
	if [ -n "$xport" ]; then
		case $xport in
		*[!0-9]*) echo "tls.sh: bad exchange port $xport" >&2; exit 2 ;;
		esac
		awk -v f="$root/conf/nginx-exchange.conf.in" \
		    '$0 == "#@EXCHANGE@" { while ((getline l < f) > 0)
		    print l; next } { print }' "$root/conf/nginx-tls.conf.in"
	else
		grep -v '^#@EXCHANGE@$' "$root/conf/nginx-tls.conf.in"
	fi | sed -e "s|@ROOT@|$root|g" -e "s|@TLSBIND@|$tlsbind|g" \
	    -e "s|@TLSPORT@|$tlsport|g" -e "s|@BIND@|$bind|g" \
	    -e "s|@PORT@|$port|g" -e "s|@CERT@|$cert|g" -e "s|@KEY@|$key|g" \
	    -e "s|@XPORT@|$xport|g" > "$conf"
	nginx -q -t -c "$conf"
	nginx -c "$conf"
	;;
stop)
	pidf=$root/var/nginx-$2.pid
	[ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null || true
	;;
*)
	echo "usage: $0 start TLSBIND TLSPORT BIND PORT CERT KEY [XPORT] | stop TLSPORT" >&2
	exit 2
	;;
esac
