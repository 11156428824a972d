// The statistics warehouse (dw/): the real server migrates a database,
// build/g2b-gen fills it from a seed, build/g2b-etl loads the warehouse,
// and the warehouse totals are compared with direct queries on the live
// tables. Then: a second run changes nothing, a batch that fails and a
// driver killed mid-run lose nothing and duplicate nothing, sealed bids
// never enter, and a supplier that moves region keeps its old region on
// its old facts (type 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startServer, pgStart, psql, ROOT } from '../lib/harness.mjs';
import { Psql } from './helpers.mjs';

const run = promisify(execFile);
const GEN = path.join(ROOT, 'build/g2b-gen');
const ETL = path.join(ROOT, 'build/g2b-etl');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
let dsn;
const q = (sql) => srv.sql(sql);
const one = (sql) => q(sql)[0][0];

async function gen(seed, extra = []) {
	const { stdout } = await run(GEN, ['--db', dsn, '--seed', String(seed), '--notices', '600',
		'--suppliers', '150', '--agencies', '20', '--years', '3', '--end', '2026-11-20', ...extra]);
	// A writer's rows are loaded once its start is past the ETL horizon.
	await sleep(1200);
	return stdout;
}

// Wait until every live notice is before the load horizon (a session the
// load cannot see makes it lag a minute), so a run has rows to load.
async function horizonPast() {
	for (let i = 0; i < 150; i++) {
		if (one(`SELECT dw.etl_horizon() > (SELECT max(updated_at) FROM bidding.notice)`) === 't') return;
		await sleep(500);
	}
	assert.fail('the load horizon did not pass the generated notices in 75 s');
}

async function etl(args = []) {
	return run(ETL, ['--db', dsn, '--batch', '40', ...args]);
}

// Live-side figures the warehouse must reproduce.
function liveTotals() {
	return {
		notices: one(`SELECT count(*) FROM bidding.notice WHERE status <> 'draft'`),
		base: one(`SELECT sum(v.base_amount) FROM bidding.notice n JOIN bidding.notice_version v
			ON v.notice_id = n.id AND v.ord = n.cur_ord WHERE n.status <> 'draft'`),
		openings: one('SELECT count(*) FROM bidding.opening'),
		bids: one('SELECT count(*) FROM bidding.bid_result'),
		bidSum: one('SELECT coalesce(sum(amount), 0) FROM bidding.bid_result'),
		contracts: one('SELECT count(*) FROM bidding.contract'),
		contractSum: one('SELECT coalesce(sum(amount), 0) FROM bidding.contract'),
		failed: one(`SELECT count(*) FROM bidding.notice WHERE outcome = 'failed'`),
	};
}

function dwTotals() {
	return {
		notices: one('SELECT count(*) FROM dw.fact_notice'),
		base: one('SELECT sum(base_amount) FROM dw.fact_notice'),
		openings: one('SELECT count(*) FROM dw.fact_opening'),
		bids: one('SELECT count(*) FROM dw.fact_bid'),
		bidSum: one('SELECT coalesce(sum(amount), 0) FROM dw.fact_bid'),
		contracts: one('SELECT count(*) FROM dw.fact_contract'),
		contractSum: one('SELECT coalesce(sum(amount), 0) FROM dw.fact_contract'),
		failed: one(`SELECT count(*) FROM dw.fact_notice WHERE outcome = 'failed'`),
	};
}

// A fingerprint of every warehouse table, to prove a rerun writes nothing.
function dwFingerprint() {
	return one(`SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
		SELECT 'n' || md5(string_agg(x::text, ',' ORDER BY x.notice_id)) t FROM dw.fact_notice x
		UNION ALL SELECT 'o' || md5(string_agg(x::text, ',' ORDER BY x.notice_id)) FROM dw.fact_opening x
		UNION ALL SELECT 'b' || md5(string_agg(x::text, ',' ORDER BY x.bid_id)) FROM dw.fact_bid x
		UNION ALL SELECT 'c' || md5(string_agg(x::text, ',' ORDER BY x.contract_id)) FROM dw.fact_contract x
		UNION ALL SELECT 's' || md5(string_agg(x::text, ',' ORDER BY x.supplier_key)) FROM dw.dim_supplier x
		UNION ALL SELECT 'a' || md5(string_agg(x::text, ',' ORDER BY x.agency_key)) FROM dw.dim_agency x
		UNION ALL SELECT 'w' || md5(string_agg(x.source || x.ts || x.id, ',' ORDER BY x.source)) FROM dw.etl_watermark x) s`);
}

// Batch atomicity: every loaded opening has exactly its bids.
function checkWhole() {
	const bad = one(`SELECT count(*) FROM dw.fact_opening o WHERE o.bids <>
		(SELECT count(*) FROM dw.fact_bid b WHERE b.notice_id = o.notice_id)`);
	assert.equal(bad, '0', 'an opening without all its bids');
	const dup = one(`SELECT count(*) FROM (SELECT org_id FROM dw.dim_supplier WHERE is_current
		GROUP BY org_id HAVING count(*) > 1) x`);
	assert.equal(dup, '0');
	// Every fact key has its dimension row.
	assert.deepEqual(q('SELECT fact, key, rows FROM dw.orphans() WHERE rows > 0'), []);
}

before(async () => {
	pgStart();
	// The server's own warehouse timer stays off: these tests drive every
	// load themselves, and a timed load racing one (the killed driver's,
	// say) left it nothing to do.
	srv = await startServer({ demo: true, env: { G2B_DW_ETL_SECONDS: '0' } });
	dsn = srv.dsn;
});

after(async () => {
	if (srv) await srv.stop();
});

test('g2b-gen writes consistent live data, reproducibly', async () => {
	const out = await gen(7);
	assert.match(out, /600 notices/);
	// Registration numbers carry a valid check digit.
	const bad = one(`SELECT count(*) FROM portal.org WHERE kind = 'supplier' AND (10 - (
		substr(bizno,1,1)::int + substr(bizno,2,1)::int*3 + substr(bizno,3,1)::int*7 +
		substr(bizno,4,1)::int + substr(bizno,5,1)::int*3 + substr(bizno,6,1)::int*7 +
		substr(bizno,7,1)::int + substr(bizno,8,1)::int*3 + substr(bizno,9,1)::int*5 +
		substr(bizno,9,1)::int*5/10) % 10) % 10 <> substr(bizno,10,1)::int`);
	assert.equal(bad, '0');
	// The opening's figures follow the published rules.
	assert.equal(one(`SELECT count(*) FROM bidding.opening o WHERE o.bids <>
		(SELECT count(*) FROM bidding.bid_result r WHERE r.notice_id = o.notice_id)
		OR o.ranked <> (SELECT count(*) FROM bidding.bid_result r WHERE r.notice_id = o.notice_id
		AND r.rank IS NOT NULL)`), '0');
	assert.equal(one(`SELECT count(*) FROM bidding.bid_result r JOIN bidding.opening o USING (notice_id)
		WHERE r.valid AND (r.amount < o.floor_amount) <> r.excluded`), '0');
	assert.equal(one(`SELECT count(*) FROM bidding.contract c JOIN bidding.bid_result r ON r.bid_id = c.bid_id
		WHERE c.amount <> r.amount OR r.rank IS NULL`), '0');
	// Failed tenders (유찰) exist, awards cluster near the floor under 적격심사.
	assert.ok(Number(one(`SELECT count(*) FROM bidding.notice WHERE outcome = 'failed'`)) > 0);
	const ratio = Number(one(`SELECT avg(r.ratio_milli) FROM bidding.contract c
		JOIN bidding.bid_result r ON r.bid_id = c.bid_id JOIN bidding.opening o ON o.notice_id = c.notice_id
		WHERE o.floor_rate_milli IS NOT NULL`));
	assert.ok(ratio > 84000 && ratio < 92000, `award ratio ${ratio}`);
	// Sealed bids exist on notices not yet opened, without results.
	assert.ok(Number(one(`SELECT count(*) FROM bidding.bid WHERE status = 'live'`)) > 0);

	// Same seed and options on a fresh database: the same rows.
	const fp = `SELECT md5(string_agg(x::text, ',' ORDER BY x.id)) FROM (SELECT b.id, o.bizno,
		v.base_amount, r.amount, r.rank, r.ratio_milli, b.received_at FROM bidding.bid b
		JOIN portal.org o ON o.id = b.org_id JOIN bidding.notice_version v ON v.notice_id = b.notice_id
		AND v.ord = b.ord LEFT JOIN bidding.bid_result r ON r.bid_id = b.id) x`;
	const a = one(fp);
	const other = await startServer({ demo: true });
	try {
		await run(GEN, ['--db', other.dsn, '--seed', '7', '--notices', '600', '--suppliers', '150',
			'--agencies', '20', '--years', '3', '--end', '2026-11-20']);
		assert.equal(other.sql(fp)[0][0], a);
	} finally {
		await other.stop();
	}
	// The same seed twice in one database is refused.
	await assert.rejects(run(GEN, ['--db', dsn, '--seed', '7', '--notices', '1', '--suppliers', '2',
		'--agencies', '1', '--years', '1']), /already in this database/);
});

test('g2b-etl loads totals equal to the live tables', async () => {
	const { stdout } = await etl();
	assert.match(stdout, /rows read/);
	assert.deepEqual(dwTotals(), liveTotals());
	checkWhole();
	// Sums by year, family and region agree with the live tables.
	const live = q(`SELECT extract(year FROM f.published_at AT TIME ZONE 'Asia/Seoul')::int, v.family, o.region,
		count(*), sum(v.base_amount)
		FROM bidding.notice n JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = n.cur_ord
		JOIN bidding.notice_version f ON f.notice_id = n.id AND f.ord = 1
		JOIN portal.org o ON o.id = n.agency_id WHERE n.status <> 'draft' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
	const wh = q(`SELECT d.year, fa.code, r.code, count(*), sum(n.base_amount) FROM dw.fact_notice n
		JOIN dw.dim_date d ON d.date_key = n.publish_date_key JOIN dw.dim_family fa USING (family_key)
		JOIN dw.dim_region r ON r.region_key = n.region_key GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
	assert.deepEqual(wh, live);
	// Bidders per notice.
	const lb = q(`SELECT o.notice_id, count(r.bid_id) FROM bidding.opening o
		LEFT JOIN bidding.bid_result r ON r.notice_id = o.notice_id GROUP BY 1 ORDER BY 1`);
	const wb = q(`SELECT notice_id, bids FROM dw.fact_notice WHERE bids IS NOT NULL ORDER BY 1`);
	assert.deepEqual(wb, lb);
	// Contract amounts by supplier region.
	assert.deepEqual(
		q(`SELECT r.code, count(*), sum(c.amount) FROM dw.fact_contract c JOIN dw.dim_region r
			ON r.region_key = c.supplier_region_key GROUP BY 1 ORDER BY 1`),
		q(`SELECT o.region, count(*), sum(c.amount) FROM bidding.contract c JOIN portal.org o
			ON o.id = c.supplier_id GROUP BY 1 ORDER BY 1`));
	// Sealed bids never enter: no fact for a bid whose notice is not opened.
	assert.equal(one(`SELECT count(*) FROM dw.fact_bid f JOIN bidding.bid b ON b.id = f.bid_id
		WHERE b.status <> 'opened'`), '0');
	assert.equal(one(`SELECT count(*) FROM dw.fact_notice WHERE opened_date_key IS NULL
		AND bids IS NOT NULL`), '0');
	const log = q(`SELECT status, batches > 1, rows_read > 0, error IS NULL FROM dw.etl_log
		ORDER BY id DESC LIMIT 1`)[0];
	assert.deepEqual(log, ['ok', 't', 't', 't']);
});

test('a second run reads and writes nothing', async () => {
	const before = dwFingerprint();
	const { stdout } = await etl();
	assert.match(stdout, /1 batches, 0 rows read, 0 rows written/);
	assert.equal(dwFingerprint(), before);
	// Reloading every notice (watermark reset) still writes nothing.
	q(`UPDATE dw.etl_watermark SET ts = '-infinity', id = 0`);
	const again = await etl(['--batch', '500']);
	assert.match(again.stdout, / 0 rows written/);
	assert.equal(dwFingerprint(), before);
});

test('a failing batch keeps what committed; the rerun completes exactly', async () => {
	await gen(8);
	// Fail the load of one notice in the middle of the new data.
	const victim = one(`SELECT notice_id FROM bidding.opening o JOIN bidding.notice n ON n.id = o.notice_id
		ORDER BY n.updated_at DESC, n.id DESC OFFSET 250 LIMIT 1`);
	q(`CREATE FUNCTION public.dw_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.notice_id = ${victim} THEN RAISE EXCEPTION 'injected failure'; END IF;
		RETURN NEW; END $$`);
	q(`CREATE TRIGGER dw_test_fail BEFORE INSERT ON dw.fact_bid FOR EACH ROW
		EXECUTE FUNCTION public.dw_test_fail()`);
	const err = await etl().then(() => null, (e) => e);
	assert.ok(err, 'g2b-etl must fail');
	assert.equal(err.code, 1);
	assert.match(err.stderr, /failed in batch \d+ .*injected failure/s);
	const partial = dwTotals();
	const full = liveTotals();
	assert.ok(Number(partial.notices) < Number(full.notices), 'nothing after the failure');
	assert.ok(Number(partial.notices) > 620, 'batches before the failure are kept');
	assert.equal(one(`SELECT count(*) FROM dw.fact_notice WHERE notice_id = ${victim}`), '0');
	checkWhole();
	assert.equal(one(`SELECT status FROM dw.etl_log ORDER BY id DESC LIMIT 1`), 'failed');
	q('DROP TRIGGER dw_test_fail ON dw.fact_bid');
	q('DROP FUNCTION public.dw_test_fail()');
	await etl();
	assert.deepEqual(dwTotals(), liveTotals());
	checkWhole();
});

test('a driver killed mid-run loses and duplicates nothing', async () => {
	await gen(9);
	await horizonPast();
	const t0 = Number(one('SELECT count(*) FROM dw.fact_notice'));
	// Small batches with a rest between them: the run takes seconds, so
	// the kill lands between committed batches or inside one. Progress is
	// read from the driver's --verbose lines, not by querying: a psql
	// connecting meanwhile is a session whose state the horizon cannot see
	// yet, and the run's next batch would lag a minute and load nothing.
	const child = spawn(ETL, ['--db', dsn, '--batch', '2', '--pause', '100', '--verbose'],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d) => { stdout += d; });
	child.stderr.on('data', (d) => { stderr += d; });
	const exited = new Promise((r) => child.once('exit', (code, sig) => r({ code, sig })));
	let done = null;
	exited.then((x) => { done = x; });
	// Kill it once it has committed some notices but before it ends.
	for (let i = 0; i < 800 && done === null; i++) {
		await sleep(25);
		if (/^batch \d+: notices, \d+ read, [1-9]\d* written/m.test(stdout)) break;
	}
	assert.equal(done, null, `g2b-etl ended before the kill: ${JSON.stringify(done)} ${stderr}\n${stdout}`);
	child.kill('SIGKILL');
	assert.equal((await exited).sig, 'SIGKILL');
	const mid = Number(one('SELECT count(*) FROM dw.fact_notice'));
	assert.ok(mid > t0 && mid < Number(liveTotals().notices), `killed mid-run (${t0} < ${mid})`);
	checkWhole();
	await etl();
	assert.deepEqual(dwTotals(), liveTotals());
	checkWhole();
	// The killed run is recorded as aborted by the next one.
	assert.ok(Number(one(`SELECT count(*) FROM dw.etl_log WHERE status = 'aborted'`)) >= 1);
});

test('type 2: a supplier that moves keeps its old region on old facts', async () => {
	await etl();
	const [org, oldRegion, user] = q(`SELECT o.id, o.region, u.id FROM portal.org o
		JOIN portal.users u ON u.org_id = o.id
		WHERE o.id = (SELECT c.supplier_id FROM bidding.contract c GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)`)[0];
	const newRegion = oldRegion === '50' ? '11' : '50';
	const facts = one(`SELECT count(*) FROM dw.fact_bid f JOIN dw.dim_supplier s USING (supplier_key)
		WHERE s.org_id = ${org}`);
	assert.ok(Number(facts) > 0);
	// The supplier edits its profile through the portal's own function.
	assert.equal(one(`SELECT portal.supplier_update(${user}, ${org}, o.name, o.representative, o.address,
		'${newRegion}', o.biz_type, o.licences, o.contact_name, o.email, o.phone,
		ARRAY(SELECT code::text FROM portal.org_category WHERE org_id = o.id), NULL)
		FROM portal.org o WHERE o.id = ${org}`), 'ok');
	await sleep(1200);
	// A new notice, opened after the move, with one bid of this supplier
	// (a copy of one of its opened bids, now).
	const src = one(`SELECT b.notice_id FROM bidding.bid b JOIN bidding.bid_result r ON r.bid_id = b.id
		WHERE b.org_id = ${org} ORDER BY b.id LIMIT 1`);
	q(`WITH n AS (INSERT INTO bidding.notice (agency_id, notice_no, pub_seq, status, cur_ord, created_by,
			outcome, opened_at)
		SELECT agency_id, 'G2B-T2-' || id, nextval('bidding.notice_seq'), 'published', 1, created_by,
			'awarded', now() FROM bidding.notice WHERE id = ${src} RETURNING id),
	v AS (INSERT INTO bidding.notice_version (notice_id, ord, kind, family, title, base_amount, budget,
			contract_method, award_method, range_milli, bid_start, bid_close, opening_at, officer_id,
			published_at, published_by)
		SELECT n.id, 1, 'register', family, title, base_amount, budget, 'direct', 'lowest', range_milli,
			now() - interval '1 second', now() + interval '1 second', now() + interval '1 second',
			officer_id, now() - interval '1 minute', published_by
		FROM bidding.notice_version x, n WHERE x.notice_id = ${src} AND x.ord = 1 RETURNING notice_id),
	i AS (INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity, unit)
		SELECT v.notice_id, 1, x.line, x.code, x.quantity, x.unit FROM bidding.notice_item x, v
		WHERE x.notice_id = ${src} AND x.ord = 1 RETURNING 1)
	SELECT (SELECT count(*) FROM i)`);
	const nid = one(`SELECT id FROM bidding.notice WHERE notice_no = 'G2B-T2-${src}'`);
	q(`INSERT INTO bidding.bid (notice_id, ord, org_id, user_id, cert_id, canonical, sealed, signature,
			bid_hash, receipt_no, received_at, status, status_at)
		SELECT ${nid}, 1, org_id, user_id, cert_id, 'test bid', sealed, signature,
			sha256(bid_hash), 'R-T2-${nid}', now(), 'opened', now()
		FROM bidding.bid WHERE notice_id = ${src} AND org_id = ${org}`);
	q(`INSERT INTO bidding.opening (notice_id, ord, opened_by, prices, counts, chosen, planned,
			floor_amount, lot_seed, ranked, bids)
		SELECT ${nid}, 1, opened_by, prices, counts, chosen, planned, 0, lot_seed, 1, 1
		FROM bidding.opening WHERE notice_id = ${src}`);
	q(`INSERT INTO bidding.bid_result (bid_id, notice_id, amount, pick_a, pick_b, ratio_milli, valid,
			excluded, rank)
		SELECT b.id, ${nid}, 1000000, 1, 2, 90000, true, false, 1 FROM bidding.bid b
		WHERE b.notice_id = ${nid}`);
	q(`SELECT bidding.contract_create(${nid}, (SELECT id FROM bidding.bid WHERE notice_id = ${nid}))`);
	q(`UPDATE bidding.notice SET updated_at = now() WHERE id = ${nid}`);
	await sleep(1200);
	await etl();
	// Two versions: the old one closed at the move, the new one current.
	const versions = q(`SELECT r.code, s.is_current, s.valid_to = 'infinity' FROM dw.dim_supplier s
		JOIN dw.dim_region r USING (region_key) WHERE s.org_id = ${org} ORDER BY s.valid_from`);
	assert.deepEqual(versions, [[oldRegion, 'f', 'f'], [newRegion, 't', 't']]);
	// Old facts keep the old region; the new bid and contract carry the new one.
	assert.equal(one(`SELECT count(*) FROM dw.fact_bid f JOIN dw.dim_region r
		ON r.region_key = f.supplier_region_key JOIN dw.dim_supplier s USING (supplier_key)
		WHERE s.org_id = ${org} AND r.code = '${oldRegion}'`), facts);
	assert.deepEqual(q(`SELECT r.code FROM dw.fact_bid f JOIN dw.dim_region r
		ON r.region_key = f.supplier_region_key WHERE f.notice_id = ${nid}`), [[newRegion]]);
	assert.deepEqual(q(`SELECT r.code FROM dw.fact_contract f JOIN dw.dim_region r
		ON r.region_key = f.supplier_region_key WHERE f.notice_id = ${nid}`), [[newRegion]]);
	// Old contracts of the supplier still count in the old region.
	assert.equal(one(`SELECT count(*) FROM dw.fact_contract f JOIN dw.dim_supplier s USING (supplier_key)
		JOIN dw.dim_region r ON r.region_key = f.supplier_region_key
		WHERE s.org_id = ${org} AND f.notice_id <> ${nid} AND r.code <> '${oldRegion}'`), '0');
	assert.deepEqual(dwTotals(), liveTotals());
});

test('g2b-etl refuses to link a warehouse DSN that names another live database', async () => {
	// A separate warehouse database gets the live schemas as foreign
	// tables (tests/e2e/dwdb.test.mjs); one with live tables of its own is
	// refused before anything is created there.
	const other = `g2b_dwx${process.pid}`;
	psql('postgres', `CREATE DATABASE ${other} OWNER g2b TEMPLATE template0`);
	try {
		psql(other, 'CREATE SCHEMA portal AUTHORIZATION g2b; CREATE TABLE portal.org (id bigint); ALTER TABLE portal.org OWNER TO g2b');
		const err = await run(ETL, ['--db', dsn, '--dw', dsn.replace(/dbname=\S+/, `dbname=${other}`)])
			.then(() => null, (e) => e);
		assert.ok(err);
		assert.equal(err.code, 1);
		assert.match(err.stderr, /looks like a live database/);
		assert.equal(psql(other, `SELECT count(*) FROM pg_namespace WHERE nspname IN ('dw', 'dw_live')`)[0][0], '0');
		assert.equal(psql(other, `SELECT count(*) FROM pg_foreign_server`)[0][0], '0');
	} finally {
		psql('postgres', `DROP DATABASE IF EXISTS ${other} WITH (FORCE)`);
	}
});

test('the load horizon holds back for an open transaction its role cannot see', async () => {
	// A writer of another role (here the superuser) holds a transaction
	// open: rows it commits later carry its start as updated_at, so the
	// load must not pass that start. A role with pg_read_all_stats (g2b,
	// conf/pg.sh) sees the start; one without sees neither the start nor
	// the backend type, and the horizon then lags a minute.
	psql('postgres', `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles
		WHERE rolname = 'g2b_dw_blind') THEN CREATE ROLE g2b_dw_blind; END IF; END $$`);
	q('GRANT USAGE ON SCHEMA dw TO g2b_dw_blind');
	const hold = new Psql(srv.db);
	const probe = new Psql(srv.db);
	try {
		await hold.query('BEGIN; SELECT txid_current()');
		const [[start]] = await probe.query(`SELECT xact_start FROM pg_stat_activity
			WHERE pid = (SELECT pid FROM pg_stat_activity WHERE state = 'idle in transaction'
			AND datname = current_database() ORDER BY xact_start LIMIT 1)`);
		assert.ok(start);
		const as = async (role) => (await probe.query(`SET ROLE ${role}; SELECT dw.etl_horizon() < '${start}'::timestamptz,
			dw.etl_horizon() > now() - interval '50 seconds'; RESET ROLE`))[0];
		assert.deepEqual(await as('g2b'), ['t', 't'], 'with pg_read_all_stats: just before the open transaction');
		assert.deepEqual(await as('g2b_dw_blind'), ['t', 'f'], 'blind: a minute back');
		await hold.query('COMMIT');
	} finally {
		await hold.close();
		await probe.close();
	}
});
