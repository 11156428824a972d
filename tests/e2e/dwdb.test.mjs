// The warehouse on its own database (G2B_DW_DB): the server runs with the
// warehouse in a second database of the same cluster. The dw schema is
// created there (dw/dwlink.c links it to the live database over
// postgres_fdw and applies dw/sql), build/g2b-gen fills the live tables,
// the server's timer and build/g2b-etl load the warehouse database
// through the foreign tables, a rerun writes nothing, and the report pages
// (served from the warehouse database) match direct queries on the live
// tables. The horizon is read from the live server's sessions: a live
// transaction left open holds back rows stamped after its start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, pgStart, psql } from '../lib/harness.mjs';
import { boot, staff, Psql } from './helpers.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ETL = path.join(ROOT, 'build/g2b-etl');

let srv;
let dwdb;
let dwdsn;
let dw;		// psql on the warehouse database
let admin;
let liveLink;	// the live database as the warehouse's link reaches it

const dwOne = async (sql) => (await dw.query(sql))[0][0];
const liveOne = async (sql) => (await srv.sql(sql))[0][0];

async function etl(args = []) {
	return run(ETL, ['--db', srv.dsn, '--dw', dwdsn, '--batch', '100', ...args],
		{ env: { ...process.env, G2B_ROOT: ROOT, G2B_DW_LIVE: liveLink } });
}

async function fingerprint() {
	return dwOne(`SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
		SELECT 'n' || md5(string_agg(x::text, ',' ORDER BY x.notice_id)) t FROM dw.fact_notice x
		UNION ALL SELECT 'o' || md5(string_agg(x::text, ',' ORDER BY x.notice_id)) FROM dw.fact_opening x
		UNION ALL SELECT 'b' || md5(string_agg(x::text, ',' ORDER BY x.bid_id)) FROM dw.fact_bid x
		UNION ALL SELECT 'c' || md5(string_agg(x::text, ',' ORDER BY x.contract_id)) FROM dw.fact_contract x
		UNION ALL SELECT 's' || md5(string_agg(x::text, ',' ORDER BY x.supplier_key)) FROM dw.dim_supplier x
		UNION ALL SELECT 'w' || md5(string_agg(x.source || x.ts || x.id, ',' ORDER BY x.source))
			FROM dw.etl_watermark x) s`);
}

before(async () => {
	const pgrun = pgStart();
	dwdb = `g2b_dw${randomBytes(4).toString('hex')}`;
	psql('postgres', `CREATE DATABASE ${dwdb} ENCODING 'UTF8' TEMPLATE template0`);
	// The warehouse role may create the foreign servers (postgres_fdw is
	// not a trusted extension; a non-superuser warehouse role needs the
	// extension installed for it and a password in the live DSN).
	dwdsn = `host=${pgrun} dbname=${dwdb} user=postgres`;
	// The link reads the live server's sessions as a role that sees them
	// all (otherwise the horizon lags a minute behind hidden sessions).
	const livedb = `g2b_t${randomBytes(4).toString('hex')}`;
	psql('postgres', `CREATE DATABASE ${livedb} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
	liveLink = `host=${pgrun} dbname=${livedb} user=postgres`;
	srv = await boot({ db: livedb, env: { G2B_DW_DB: dwdsn, G2B_DW_LIVE: liveLink,
		G2B_DW_ETL_SECONDS: '2' } });
	dw = new Psql(dwdb);
	admin = await staff(srv);
});

after(async () => {
	if (srv) await srv.shutdown();
	if (dw) await dw.close();
	try { psql('postgres', `DROP DATABASE IF EXISTS ${dwdb} WITH (FORCE)`); } catch { /* left over */ }
});

test('the server creates the warehouse in its own database, linked to the live one', async () => {
	// Migrated there by the first worker at start (the other worker may
	// answer /health/live before it is done).
	for (let i = 0; i < 60; i++) {
		const n = await dwOne(`SELECT count(*) FROM pg_tables WHERE schemaname = 'dw' AND tablename = 'etl_log'`);
		if (n === '1' && await dwOne('SELECT count(*) FROM dw.etl_log') !== '0') break;
		await sleep(500);
	}
	assert.equal(await dwOne(`SELECT count(*) FROM public.schema_migrations WHERE name LIKE 'dw/%'`),
		String((await import('node:fs')).readdirSync(path.join(ROOT, 'dw/sql')).filter((f) => f.endsWith('.sql')).length));
	// Live schemas are foreign tables under the same names; no live table of its own.
	assert.equal(await dwOne(`SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname IN ('portal', 'bidding') AND c.relkind = 'r'`), '0');
	assert.ok(Number(await dwOne(`SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = 'bidding' AND c.relkind = 'f'`)) >= 8);
	assert.equal(await dwOne(`SELECT dbname FROM dw_live.link`), srv.db);
	// The foreign tables read the live rows.
	assert.equal(await dwOne('SELECT count(*) FROM portal.org'), await liveOne('SELECT count(*) FROM portal.org'));
	// The change-marker index the load reads by is on the live side.
	assert.equal(await liveOne(`SELECT count(*) FROM pg_indexes WHERE indexname = 'dw_src_notice_changed'`), '1');
});

test('generate, load over postgres_fdw (timer and g2b-etl), rerun writes nothing', async () => {
	await run(path.join(ROOT, 'build/g2b-gen'), ['--db', srv.dsn, '--seed', '5', '--notices', '500',
		'--suppliers', '120', '--agencies', '20', '--years', '3', '--end', '2026-11-20']);
	const live = {
		notices: await liveOne(`SELECT count(*) FROM bidding.notice WHERE status <> 'draft'`),
		bids: await liveOne('SELECT count(*) FROM bidding.bid_result'),
		bidSum: await liveOne('SELECT coalesce(sum(amount), 0) FROM bidding.bid_result'),
		contracts: await liveOne('SELECT count(*) FROM bidding.contract'),
		contractSum: await liveOne('SELECT coalesce(sum(amount), 0) FROM bidding.contract'),
	};
	const dwTotals = async () => ({
		notices: await dwOne('SELECT count(*) FROM dw.fact_notice'),
		bids: await dwOne('SELECT count(*) FROM dw.fact_bid'),
		bidSum: await dwOne('SELECT coalesce(sum(amount), 0) FROM dw.fact_bid'),
		contracts: await dwOne('SELECT count(*) FROM dw.fact_contract'),
		contractSum: await dwOne('SELECT coalesce(sum(amount), 0) FROM dw.fact_contract'),
	});
	// The server's timer loads it (its runs are recorded in the warehouse database).
	const deadline = Date.now() + 90000;
	for (;;) {
		const t = await dwTotals();
		if (JSON.stringify(t) === JSON.stringify(live) && Number(await dwOne(`SELECT count(*)
			FROM dw.etl_log WHERE trigger = 'timer' AND status = 'ok' AND rows_written > 0`)) >= 1) break;
		assert.ok(Date.now() < deadline, `timer load incomplete: ${JSON.stringify(t)} vs ${JSON.stringify(live)}\n${srv.logText().slice(-2000)}`);
		await sleep(1000);
	}
	assert.ok(Number(await dwOne(`SELECT count(*) FROM dw.etl_log WHERE trigger = 'timer' AND status = 'ok'
		AND rows_written > 0`)) >= 1);
	assert.deepEqual(await dw.query('SELECT fact, key, rows FROM dw.orphans() WHERE rows > 0'), []);
	// No warehouse rows in the live database.
	assert.equal(await liveOne(`SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE s.nspname = 'dw' AND c.relname = 'fact_notice' AND c.reltuples > 0`), '0');
	// The command-line driver on the same warehouse: nothing left, nothing written.
	const fp = await fingerprint();
	const { stdout } = await etl();
	assert.match(stdout, / 0 rows written/);
	assert.equal(await fingerprint(), fp);
	// Reloading everything (watermarks reset) writes nothing either.
	await dw.query('UPDATE dw.etl_watermark SET ts = \'-infinity\', id = 0');
	const again = await etl();
	assert.match(again.stdout, / 0 rows written/);
	// Ts and id moved back to where they were: only the watermark rows differ in time.
	assert.equal(await fingerprint(), fp);
});

test('a change on the live side arrives; an open live transaction holds the horizon back', async () => {
	const org = await liveOne(`SELECT id FROM portal.org WHERE kind = 'supplier' ORDER BY id LIMIT 1`);
	// Its size class changes too (unknown: not stated, for demo suppliers).
	// A live session opens a transaction and keeps it open.
	const hold = new Psql(srv.db);
	await hold.query('BEGIN; SELECT txid_current()');
	await sleep(1500);
	const size0 = await dwOne(`SELECT size_class FROM dw.dim_supplier WHERE org_id = ${org} AND is_current`);
	const size1 = size0 === 'large' ? 'micro' : 'large';
	await srv.sql(`UPDATE portal.org SET name = name || ' [dw-hold]', size_class = '${size1}',
		updated_at = now() WHERE id = ${org}`);
	await sleep(1500);
	await etl();
	// Stamped after the open transaction's start: not loaded yet.
	assert.ok(!(await dwOne(`SELECT name FROM dw.dim_supplier WHERE org_id = ${org} AND is_current`)).endsWith(' [dw-hold]'));
	const h = await dwOne(`SELECT horizon < (SELECT updated_at FROM portal.org WHERE id = ${org})
		FROM dw.etl_log WHERE trigger = 'cli' ORDER BY id DESC LIMIT 1`);
	assert.equal(h, 't');
	await hold.query('COMMIT');
	await hold.close();
	await sleep(1200);
	await etl();
	assert.ok((await dwOne(`SELECT name FROM dw.dim_supplier WHERE org_id = ${org} AND is_current`)).endsWith(' [dw-hold]'));
	// The size class is type 2: the old row closed at the change, a new one current.
	assert.deepEqual(await dw.query(`SELECT size_class, is_current FROM dw.dim_supplier WHERE org_id = ${org}
		ORDER BY valid_from`), [[size0, 'f'], [size1, 't']]);
	// (The first supplier is a demo one without a stated size: 'unknown'.)
});

test('report pages read the warehouse database and match the live tables', async () => {
	const live = await srv.sql(`SELECT to_char(f.published_at AT TIME ZONE 'Asia/Seoul', 'YYYY'), count(*),
		count(*) FILTER (WHERE n.outcome = 'failed'), coalesce(sum(c.amount), 0)
		FROM bidding.notice n JOIN bidding.notice_version f ON f.notice_id = n.id AND f.ord = 1
		LEFT JOIN bidding.contract c ON c.notice_id = n.id
		WHERE n.status <> 'draft' GROUP BY 1 ORDER BY 1`);
	const r = await admin.get('/stats?r=volume&by=time&format=json');
	assert.equal(r.status, 200, r.text);
	const j = JSON.parse(r.text);
	assert.equal(j.level, 'year');
	assert.deepEqual(j.groups.map((g) => [g.key, String(g.notices), String(g.failed), String(g.award_amount)]), live);
	// Below the aggregates (the facts), and the public page.
	const y = live[live.length - 2][0];
	const m = await admin.get(`/stats?r=share&by=time&year=${y}&format=json`);
	assert.equal(m.status, 200);
	assert.equal(JSON.parse(m.text).groups.reduce((a, g) => a + g.notices, 0), Number(live[live.length - 2][1]));
	const p = await fetch(`${srv.base}/stats/public`);
	assert.equal(p.status, 200);
	// The live database gets no warehouse: the server's parent applies
	// the dw migrations to the warehouse database only.
	assert.equal(await liveOne(`SELECT count(*) FROM pg_namespace WHERE nspname = 'dw'`), '0');
});
