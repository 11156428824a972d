#!/bin/sh
# Local PostgreSQL cluster for development and tests.
#   conf/pg.sh start DIR   create (first use) and start a cluster in DIR
#   conf/pg.sh stop DIR    stop it (fast shutdown)
#   conf/pg.sh dsn DIR     print the libpq connection string
# The cluster listens only on a Unix socket in DIR/run. initdb refuses to run
# as root, so when we are root the cluster runs as the 'postgres' user.
set -e
cmd=$1
dir=$2
[ -n "$dir" ] || { echo "usage: $0 start|stop|dsn DIR" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

data=$dir/data
run=$dir/run

case "$cmd" in
dsn)
	echo "host=$run dbname=g2b user=g2b"
	;;
start)
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$dir"
		# The server user must be able to reach DIR; open the path if not.
		if ! runuser -u postgres -- test -x "$dir"; then
			p=$dir
			while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
		fi
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		as_owner "$bindir/initdb" -D "$data" -U postgres -A trust \
		    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
		    { cat "$dir/initdb.log" >&2; exit 1; }
		cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$run'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
	fi
	as_owner mkdir -p "$run"
	if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		    { tail -20 "$dir/server.log" >&2; exit 1; }
	fi
	psql="$bindir/psql -X -q -h $run -U postgres -d postgres"
	if [ "$($psql -tAc "select 1 from pg_roles where rolname='g2b'")" != "1" ]; then
		$psql -c "create role g2b login" >/dev/null
	fi
	# The warehouse load bounds what it reads by the oldest open
	# transaction (dw.etl_horizon): it must see every session's start.
	$psql -c "grant pg_read_all_stats to g2b" >/dev/null
	if [ "$($psql -tAc "select 1 from pg_database where datname='g2b'")" != "1" ]; then
		$psql -c "create database g2b owner g2b encoding 'UTF8' template template0" >/dev/null
	fi
	;;
stop)
	if [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	fi
	;;
*)
	echo "usage: $0 start|stop|dsn DIR" >&2; exit 2
	;;
esac
