#!/bin/sh
# The message catalogs are complete: Korean and English have the same keys,
# every {{@key}} in a template exists, and every key built at run time from
# a code list exists. Ends with "i18n: N passed, N failed".
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
# The catalogs of each language: portal/i18n/ko.txt plus every area's
# <area>/i18n/NAME.ko.txt, merged.
ko=tests/out/i18n-all.ko
en=tests/out/i18n-all.en
mkdir -p tests/out
cat portal/i18n/ko.txt $(ls */i18n/*.ko.txt 2>/dev/null) > $ko
cat portal/i18n/en.txt $(ls */i18n/*.en.txt 2>/dev/null) > $en
passed=0
failed=0
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then passed=$((passed + 1)); else
		echo "FAIL: $d"; failed=$((failed + 1)); fi
}
keys() { grep -E '^[a-z0-9_.]+ *=' "$1" | sed -E 's/ *=.*//' | sort; }

missing_in() {	# keys of $1 absent from $2
	keys "$1" > /tmp/i18n-a.$$; keys "$2" > /tmp/i18n-b.$$
	m=$(comm -23 /tmp/i18n-a.$$ /tmp/i18n-b.$$)
	rm -f /tmp/i18n-a.$$ /tmp/i18n-b.$$
	[ -z "$m" ] || { echo "$m" | sed "s|^|  missing in $2: |"; return 1; }
}
check "every Korean key has an English text" missing_in $ko $en
check "every English key has a Korean text" missing_in $en $ko

templates_ok() {
	rc=0
	for k in $(cat */templates/*.html 2>/dev/null |
	    grep -o '{{@[a-z0-9_.]*}}' | sed 's/{{@//;s/}}//' | sort -u); do
		for cat in $ko $en; do
			grep -q "^$k *=" $cat || { echo "  $cat lacks $k"; rc=1; }
		done
	done
	return $rc
}
check "every {{@key}} in the templates exists" templates_ok

dynamic_ok() {
	rc=0
	for k in region.11 region.26 region.27 region.28 region.29 region.30 \
	    region.31 region.36 region.41 region.51 region.43 region.44 \
	    region.52 region.46 region.47 region.48 region.50 \
	    agency_kind.central agency_kind.local agency_kind.corporation \
	    agency_kind.education biz_type.manufacturer biz_type.distributor \
	    biz_type.service biz_type.construction status.pending \
	    status.approved status.rejected status.pending.help \
	    status.approved.help status.rejected.help role.supplier \
	    role.agency role.officer role.staff role.agent \
	    family.goods family.services family.works family.foreign \
	    contract.open contract.restricted contract.nominated \
	    contract.direct award.lowest award.qualification phase.open \
	    phase.upcoming phase.closed phase.cancelled phase.draft \
	    nstatus.draft nstatus.published nstatus.cancelled sortby.new \
	    sortby.close sortby.amount nkind.register nkind.amend nkind.cancel \
	    cert.state.valid cert.state.revoked cert.state.expired \
	    bid.state.live bid.state.withdrawn bid.state.void bid.state.opened \
	    outcome.review outcome.awarded outcome.failed review.pass \
	    review.fail result.reason.below_floor result.reason.canonical \
	    result.reason.sealed_hash result.reason.signature \
	    result.reason.decrypt result.reason.plaintext \
	    contract.state.awarded contract.state.signed \
	    contract.state.completed contract.state.terminated \
	    flash.opened flash.reviewed_bid flash.review_refused \
	    flash.review_invalid flash.withdrawn flash.withdraw_refused \
	    flash.revoked flash.reason flash.sanctioned flash.lifted; do
		for cat in $ko $en; do
			grep -q "^$k *=" $cat || { echo "  $cat lacks $k"; rc=1; }
		done
	done
	# Message keys named in C and SQL (notifications, audit events).
	for k in $(grep -ho "'notif\.[a-z_]*'" */sql/*.sql | tr -d "'" | sort -u) \
	    $(grep -ho "'[a-z]*\.[a-z_]*'" */sql/*.sql | tr -d "'" |
	    grep -E '^(login|org|agency|user|password|demo|notice|cert|bid|sanction)\.' | sed 's/^/event./' | sort -u) \
	    $(grep -ho '"\(err\|error\|flash\|login\)\.[a-z0-9_]*"' */*.c | tr -d '"' | sort -u); do
		for cat in $ko $en; do
			grep -q "^$k *=" $cat || { echo "  $cat lacks $k"; rc=1; }
		done
	done
	return $rc
}
check "every key built from codes, SQL and C exists" dynamic_ok

echo "i18n: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
