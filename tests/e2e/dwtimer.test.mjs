// The warehouse load on a timer inside the server (portal/dwtimer.c): one
// worker runs dw.etl_begin / dw.etl_run / dw.etl_end on a task thread every
// G2B_DW_ETL_SECONDS, recorded in dw.etl_log; requests are served while it
// runs; a change in the live tables reaches the warehouse without any
// command; G2B_DW_ETL_SECONDS=0 turns it off.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { boot, one, loginAs, DEMO } from './helpers.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.shutdown(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, ms, what) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(250);
	}
}

test('the server loads the warehouse on its timer, and again after a change', async () => {
	const srv = await boot({ env: { G2B_DW_ETL_SECONDS: '1' } });
	servers.push(srv);
	await until(async () => Number(await one(srv,
		"SELECT count(*) FROM dw.etl_log WHERE trigger = 'timer' AND status = 'ok'")) >= 1, 20000, 'a timer run');
	assert.equal(await one(srv, "SELECT count(*) FROM dw.etl_log WHERE trigger = 'timer' AND status NOT IN ('ok', 'running')"), '0',
		'no failed timer run');
	// The demo agencies are in the agency dimension.
	assert.ok(Number(await one(srv, 'SELECT count(*) FROM dw.dim_agency')) > 0, 'agencies loaded');
	// A supplier moves region: the next timer run opens a new dimension row.
	const org = await one(srv, "SELECT o.id FROM portal.org o JOIN portal.users u ON u.org_id = o.id WHERE u.login = 'supplier'");
	await until(async () => Number(await one(srv, `SELECT count(*) FROM dw.dim_supplier WHERE org_id = ${org}`)) >= 1,
		20000, 'the supplier in the warehouse');
	const before = await one(srv, `SELECT count(*) FROM dw.dim_supplier WHERE org_id = ${org}`);
	await srv.sql(`UPDATE portal.org SET region = CASE WHEN region = '26' THEN '11' ELSE '26' END, updated_at = now() WHERE id = ${org}`);
	await until(async () => Number(await one(srv, `SELECT count(*) FROM dw.dim_supplier WHERE org_id = ${org}`)) > Number(before),
		30000, 'a new type-2 row after the move');
	// Pages are served while it runs.
	const r = await fetch(`${srv.base}/notices`);
	assert.equal(r.status, 200);
});

test('portal use reaches the warehouse: daily request and session facts equal the usage data, and a rerun writes nothing', async () => {
	const srv = await boot({ env: { G2B_DW_ETL_SECONDS: '1' } });
	servers.push(srv);
	const sup = await loginAs(srv, ...DEMO.supplier);
	for (const p of ['/notices', '/bids', '/certificate', '/no/such/page']) await sup.get(p);
	for (let i = 0; i < 5; i++) await fetch(`${srv.base}/notices`).then((r) => r.arrayBuffer());
	await sleep(1500); // the workers flush their usage files every second
	execFileSync(path.join(ROOT, 'build/g2b-logs'), ['import', '--quiet', '--close-all', '--db', srv.dsn,
		'--dir', srv.usageDir], { stdio: 'pipe' });
	const src = await one(srv, 'SELECT sum(hits) FROM usage.agg_route');
	assert.ok(Number(src) >= 10, `requests imported: ${src}`);
	await until(async () => (await one(srv, 'SELECT sum(hits) FROM dw.fact_usage_day')) === src, 20000,
		'the request facts');
	const sessions = await one(srv, 'SELECT count(*) FROM usage.session');
	await until(async () => (await one(srv, 'SELECT sum(sessions) FROM dw.fact_session_day')) === sessions, 20000,
		'the session facts');
	// By route and status, as in the source.
	assert.equal(await one(srv, "SELECT sum(hits) FROM dw.fact_usage_day WHERE status = 404"),
		await one(srv, 'SELECT sum(hits) FROM usage.agg_route WHERE status = 404'));
	assert.deepEqual(await srv.sql('SELECT utype, sum(sessions)::text FROM dw.fact_session_day GROUP BY 1 ORDER BY 1'),
		await srv.sql('SELECT utype, count(*)::text FROM usage.session GROUP BY 1 ORDER BY 1'), 'sessions by user type');
	// Nothing new: nothing written.
	assert.equal(await one(srv, 'SELECT dw.etl_usage()'), '0');
});

test('G2B_DW_ETL_SECONDS=0 turns the timer off', async () => {
	const srv = await boot({ env: { G2B_DW_ETL_SECONDS: '0' } });
	servers.push(srv);
	await sleep(3000);
	assert.equal(await one(srv, "SELECT count(*) FROM dw.etl_log WHERE trigger = 'timer'"), '0');
});
