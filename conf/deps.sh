#!/bin/sh
# Install the Debian packages the portal needs to build, run and test.
# Idempotent and quiet when nothing is missing.
set -e
PKGS="kore libpq-dev libssl-dev libxml2-dev libxml2-utils libxmlsec1-dev xmlsec1
      libcmocka-dev libcurl4-openssl-dev postgresql-15 postgresql-contrib pkg-config gcc make
      nodejs chromium wrk hey nginx ca-certificates fonts-noto-cjk
      goaccess clang libclang-rt-14-dev time"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# nodejs from some repositories ships npm itself; only ask for npm when absent.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# playwright-core for the browser tests (it drives Debian's chromium; it
# downloads no browser). Only when the lock file changed or it is missing.
root=$(cd "$(dirname "$0")/.." && pwd)
b=$root/tests/browser
if [ -f "$b/package-lock.json" ] &&
    ! cmp -s "$b/package-lock.json" "$b/node_modules/.g2b-installed"; then
	echo "deps: npm ci (tests/browser)"
	(cd "$b" && npm ci --silent --no-audit --no-fund >/dev/null &&
	    cp package-lock.json node_modules/.g2b-installed)
fi
