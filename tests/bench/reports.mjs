// Issue 5 benchmark: the statistics report pages (dw/reports.c). A fresh
// database migrated by the real server is filled by build/g2b-gen
// (BENCH_NOTICES notices, default 1,000,000, ~BENCH_BIDS_PER_NOTICE bids
// each, default 10; as tests/bench/dw.mjs does), build/g2b-etl loads the
// warehouse (its end refreshes the report aggregates). Then, as staff
// over HTTP, BENCH_REQUESTS sequential requests (default 50) of every
// report at every drill level; printed: p50 and p95 per report and level
// (target p95 < 200 ms). Baseline, in the same run: the same drill
// level's figures computed by one query on the live tables
// (bidding.notice, notice_version, notice_item, opening, contract,
// bid_result, portal.org), BENCH_LIVE_REQUESTS times (default 5), and the
// ratio live / warehouse of the p95s.
//
// BENCH_DB=name keeps the generated database under that name; a later run
// with the same BENCH_DB finds it loaded (migrated by the server start)
// and measures the pages only (to try a change of the report queries at
// 1 M notices without regenerating).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startServer, psql, pgStart, ROOT, Client } from '../lib/harness.mjs';
import { Psql } from '../e2e/helpers.mjs';

const run = promisify(execFile);
const NOTICES = Number(process.env.BENCH_NOTICES || 1000000);
const BPN = Number(process.env.BENCH_BIDS_PER_NOTICE || 10);
const SUPPLIERS = Number(process.env.BENCH_SUPPLIERS || Math.max(500, Math.round(NOTICES / 10)));
const AGENCIES = Number(process.env.BENCH_AGENCIES || Math.max(50, Math.round(NOTICES / 400)));
const REQS = Number(process.env.BENCH_REQUESTS || 50);
const LIVE_REQS = Number(process.env.BENCH_LIVE_REQUESTS || 5);
const REPORTS = ['volume', 'competition', 'ratio', 'share', 'failed', 'days'];

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (x) => Math.round(x).toLocaleString('en-US');
const pct = (a, p) => {
	const s = [...a].sort((x, y) => x - y);
	return s[Math.min(s.length - 1, Math.ceil(s.length * p) - 1)];
};

const KEEP = process.env.BENCH_DB || '';
if (KEEP && !/^g2b_bench_[a-z0-9_]+$/.test(KEEP)) throw new Error('BENCH_DB: g2b_bench_[a-z0-9_]+');
const reuse = KEEP !== '' && psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${KEEP}'`).length > 0;
if (KEEP && !reuse) psql('postgres', `CREATE DATABASE ${KEEP} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
const srv = await startServer({ demo: true, keep: true, ...(KEEP ? { db: KEEP } : {}),
	env: { G2B_DW_ETL_SECONDS: '0' } });
const dsn = `host=${pgStart()} dbname=${srv.db} user=g2b`;
const one = (q) => psql(srv.db, q)[0][0];
let sql;
try {
	console.log(`reports bench: ${fmt(NOTICES)} notices, ~${BPN} bids each, ${fmt(SUPPLIERS)} suppliers, ` +
		`${fmt(AGENCIES)} agencies, ${REQS} requests per page and level, database ${srv.db}` +
		(reuse ? ' (reused: generation and load skipped)' : ''));
	if (reuse) {
		if (Number(one('SELECT count(*) FROM dw.fact_notice')) === 0) {
			throw new Error(`${KEEP} has no loaded warehouse (an earlier run stopped early): drop it`);
		}
		// BENCH_REFRESH=1: rebuild every aggregate first (a change of the
		// month refresh since the database was loaded).
		if (process.env.BENCH_REFRESH) {
			console.log(`report aggregates: full refresh ${one('SELECT dw.reports_refresh(true)')} rows`);
		}
	}
	let t0 = process.hrtime.bigint();
	if (!reuse) {
		const { stdout: genOut } = await run(path.join(ROOT, 'build/g2b-gen'), ['--db',
			dsn.replace('user=g2b', 'user=postgres'), '--seed', '2026', '--notices', String(NOTICES),
			'--suppliers', String(SUPPLIERS), '--agencies', String(AGENCIES), '--years', '5',
			'--bids-per-notice', String(BPN), '--end', '2026-11-20', '--no-fk-checks'], { maxBuffer: 1 << 20 });
		process.stdout.write(genOut);
		console.log(`generation: ${(ms(t0) / 1000).toFixed(1)} s`);
		psql(srv.db, 'VACUUM ANALYZE');
		await new Promise((r) => setTimeout(r, 1200));	// past the ETL horizon
		t0 = process.hrtime.bigint();
		const { stdout: etlOut } = await run(path.join(ROOT, 'build/g2b-etl'), ['--db', dsn, '--batch', '2000']);
		process.stdout.write(etlOut);
		console.log(`etl (with the report refresh at its end): ${(ms(t0) / 1000).toFixed(1)} s`);
	}
	psql(srv.db, 'VACUUM ANALYZE');
	console.log(`report aggregates: refresh ${one('SELECT duration_ms FROM dw.reports_state')} ms; rows: ` +
		['agg_seg', 'agg_agency', 'agg_ratio', 'agg_award', 'agg_cls', 'agg_cls_ratio', 'agg_cls_award', 'agg_award_seg',
			'agg_seg_y', 'agg_agency_y', 'agg_ratio_y', 'agg_ratio_seg_y', 'agg_award_y', 'agg_award_seg_y', 'agg_cls_ratio_y',
			'agg_cls_award_y'].map((t) =>
			`${t} ${fmt(Number(one(`SELECT count(*) FROM dw.${t}`)))}`).join(', ') +
		`; facts: ${fmt(Number(one('SELECT count(*) FROM dw.fact_notice')))} notices, ` +
		`${fmt(Number(one('SELECT count(*) FROM dw.fact_bid')))} bids`);

	// Drill cells: the busiest year, segment, family, kind and agency.
	const year = one(`SELECT publish_date_key / 10000 FROM dw.fact_notice GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
	const [seg, fam] = psql(srv.db, `SELECT c.segment_code, c.family_code FROM dw.fact_notice f
		JOIN dw.dim_category c USING (category_key) GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`)[0];
	const agency = one(`SELECT a.org_id FROM dw.fact_notice f JOIN dw.dim_agency a USING (agency_key)
		GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
	const kind = one(`SELECT agency_kind FROM dw.dim_agency WHERE org_id = ${agency} AND is_current`);
	const region = one(`SELECT r.code FROM dw.dim_region r JOIN dw.dim_agency a USING (region_key)
		WHERE a.org_id = ${agency} AND a.is_current`);
	// [name, query string, live grouping expression, live filter]
	const levels = [
		['time: years', 'by=time', `to_char(pub, 'YYYY')`, 'true'],
		['time: months of a year', `by=time&year=${year}`, `to_char(pub, 'YYYYMM')`,
			`pub >= '${year}-01-01' AND pub < '${Number(year) + 1}-01-01'`],
		['time: days of a month', `by=time&year=${year}&month=3`, `to_char(pub, 'YYYYMMDD')`,
			`pub >= '${year}-03-01' AND pub < '${year}-04-01'`],
		['category: segments', 'by=category', 'seg', 'true'],
		['category: families of a segment', `by=category&seg=${seg}`, 'fam', `seg = '${seg}'`],
		['category: classes of a family', `by=category&seg=${seg}&fam=${fam}`, 'cls',
			`seg = '${seg}' AND fam = '${fam}'`],
		['region: regions of a year', `by=region&year=${year}`, 'region',
			`pub >= '${year}-01-01' AND pub < '${Number(year) + 1}-01-01'`],
		['agency: kinds in a region', `by=agency&region=${region}`, 'kind', `region = '${region}'`],
		['agency: agencies of a kind', `by=agency&kind=${kind}`, 'agency', `kind = '${kind}'`],
		['agency: one agency by month of a year', `by=time&agency=${agency}&year=${year}`,
			`to_char(pub, 'YYYYMM')`, `agency = ${agency} AND pub >= '${year}-01-01' AND pub < '${Number(year) + 1}-01-01'`],
	];

	const c = new Client(srv.base);
	await c.login('admin', 'Admin!2026');
	sql = new Psql(srv.db);
	const LIVE = `WITH l AS MATERIALIZED (SELECT n.id, (f.published_at AT TIME ZONE 'Asia/Seoul') AS pub,
		n.outcome, n.opened_at IS NOT NULL AS opened, o.bids, ct.amount, r.ratio_milli,
		extract(epoch FROM ct.awarded_at - f.published_at) / 86400 AS days,
		substr(it.code, 1, 2) || '000000' AS seg, substr(it.code, 1, 4) || '0000' AS fam,
		substr(it.code, 1, 6) || '00' AS cls, a.region, a.agency_kind AS kind, a.id AS agency
	  FROM bidding.notice n
	  JOIN bidding.notice_version f ON f.notice_id = n.id AND f.ord = 1
	  JOIN portal.org a ON a.id = n.agency_id
	  JOIN LATERAL (SELECT i.code FROM bidding.notice_item i WHERE i.notice_id = n.id
		AND i.ord = n.cur_ord ORDER BY i.line LIMIT 1) it ON true
	  LEFT JOIN bidding.opening o ON o.notice_id = n.id
	  LEFT JOIN bidding.contract ct ON ct.notice_id = n.id
	  LEFT JOIN bidding.bid_result r ON r.bid_id = ct.bid_id
	 WHERE n.status <> 'draft')`;
	const MEASURES = `count(*), count(*) FILTER (WHERE opened), count(*) FILTER (WHERE outcome = 'awarded'),
		count(*) FILTER (WHERE outcome = 'failed'), sum(amount) FILTER (WHERE outcome = 'awarded'),
		sum(bids), avg(ratio_milli) FILTER (WHERE outcome = 'awarded'), avg(days) FILTER (WHERE outcome = 'awarded')`;

	// Warm: every page once (connections, caches).
	for (const [, q] of levels) for (const r of REPORTS) await c.get(`/stats?r=${r}&${q}`);

	const rows = [];
	let worst = 0;
	for (const [name, q, key, where] of levels) {
		const liveT = [];
		for (let i = 0; i < LIVE_REQS; i++) {
			const t = process.hrtime.bigint();
			await sql.query(`${LIVE} SELECT ${key}, ${MEASURES} FROM l WHERE ${where} GROUP BY 1`);
			liveT.push(ms(t));
		}
		const live95 = pct(liveT, 0.95);
		for (const r of REPORTS) {
			const t = [];
			for (let i = 0; i < REQS; i++) {
				const t1 = process.hrtime.bigint();
				const res = await c.get(`/stats?r=${r}&${q}`);
				t.push(ms(t1));
				if (res.status !== 200) throw new Error(`${r} ${q}: ${res.status}`);
			}
			const p95 = pct(t, 0.95);
			worst = Math.max(worst, p95);
			rows.push({ level: name, report: r, p50: pct(t, 0.5).toFixed(1), p95: p95.toFixed(1),
				live_p95: live95.toFixed(0), ratio: (live95 / p95).toFixed(1) });
		}
	}
	console.log('p50/p95 in ms per report and drill level (HTML page over HTTP, sequential); ' +
		'live_p95: the same level\'s figures by one query on the live tables; ratio live/warehouse:');
	console.table(rows);
	console.log(`worst p95: ${worst.toFixed(1)} ms (target < 200 ms): ${worst < 200 ? 'met' : 'NOT met'}`);
} finally {
	if (sql) await sql.close();
	await srv.stop();
	if (!KEEP) psql('postgres', `DROP DATABASE IF EXISTS ${srv.db} WITH (FORCE)`);
}
