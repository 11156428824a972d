// Issue 5 benchmark: the warehouse load. A fresh database migrated by the
// real server is filled by build/g2b-gen (BENCH_NOTICES notices, default
// 1,000,000, with about BENCH_BIDS_PER_NOTICE bids each, default 10), then
// build/g2b-etl loads the warehouse from it. Reported: generation rate,
// ETL throughput (warehouse rows written per second, source rows read per
// second), and as the baseline, measured in the same run on the same rows,
// a plain INSERT ... SELECT of every warehouse row into unindexed tables
// of the same shape; the ratio ETL / baseline. Then an ETL run with
// nothing to do (its cost when nothing changed).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { startServer, psql, pgStart, ROOT } from '../lib/harness.mjs';

const run = promisify(execFile);
const NOTICES = Number(process.env.BENCH_NOTICES || 1000000);
const BPN = Number(process.env.BENCH_BIDS_PER_NOTICE || 10);
const SUPPLIERS = Number(process.env.BENCH_SUPPLIERS || Math.max(500, Math.round(NOTICES / 10)));
const AGENCIES = Number(process.env.BENCH_AGENCIES || Math.max(50, Math.round(NOTICES / 400)));
const BATCH = Number(process.env.BENCH_ETL_BATCH || 2000);
// g2b-gen skips the per-row foreign-key triggers (as a bulk restore does)
// unless BENCH_GEN_FK=1; that needs the superuser connection.
const GEN_FK = process.env.BENCH_GEN_FK === '1';
const GEN = path.join(ROOT, 'build/g2b-gen');
const ETL = path.join(ROOT, 'build/g2b-etl');
const FACTS = ['fact_notice', 'fact_opening', 'fact_bid', 'fact_contract'];

const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;
const fmt = (x) => Math.round(x).toLocaleString('en-US');

// BENCH_DB: an existing, freshly migrated and empty database to use (kept);
// by default the server migrates a new one, dropped at the end.
let db = process.env.BENCH_DB;
if (!db) {
	const srv = await startServer({ demo: false, keep: true });
	await srv.stop();		// the database stays; the server is not needed
	db = srv.db;
}
const dsn = `host=${pgStart()} dbname=${db} user=g2b`;
const one = (q) => psql(db, q)[0][0];
try {
	console.log(`dw bench: ${fmt(NOTICES)} notices, ~${BPN} bids each, ${fmt(SUPPLIERS)} suppliers, ` +
		`${fmt(AGENCIES)} agencies, database ${db}`);
	let t0 = process.hrtime.bigint();
	const { stdout: genOut } = await run(GEN, ['--db', GEN_FK ? dsn : dsn.replace('user=g2b', 'user=postgres'),
		'--seed', '2026', '--notices', String(NOTICES),
		'--suppliers', String(SUPPLIERS), '--agencies', String(AGENCIES), '--years', '5',
		'--bids-per-notice', String(BPN), '--end', '2026-11-20', ...(GEN_FK ? [] : ['--no-fk-checks'])],
		{ maxBuffer: 1 << 20 });
	const genSecs = secs(t0);
	process.stdout.write(genOut);
	const bids = Number(one('SELECT count(*) FROM bidding.bid'));
	const liveRows = Number(one(`SELECT (SELECT count(*) FROM bidding.notice) +
		(SELECT count(*) FROM bidding.notice_version) + (SELECT count(*) FROM bidding.notice_item) +
		(SELECT count(*) FROM bidding.bid) + (SELECT count(*) FROM bidding.bid_result) +
		(SELECT count(*) FROM bidding.opening) + (SELECT count(*) FROM bidding.contract) +
		(SELECT count(*) FROM portal.org) + (SELECT count(*) FROM portal.users) +
		(SELECT count(*) FROM bidding.cert) + (SELECT count(*) FROM portal.org_category)`));
	console.log(`generation${GEN_FK ? '' : ' (foreign-key triggers skipped)'}: ${genSecs.toFixed(1)} s, ${fmt(liveRows)} live rows (${fmt(bids)} bids), ` +
		`${fmt(liveRows / genSecs)} rows/s`);
	psql(db, 'VACUUM ANALYZE');
	await new Promise((r) => setTimeout(r, 1200));	// past the ETL horizon

	t0 = process.hrtime.bigint();
	const { stdout: etlOut } = await run(ETL, ['--db', dsn, '--batch', String(BATCH)]);
	const etlSecs = secs(t0);
	process.stdout.write(etlOut);
	const m = etlOut.match(/(\d+) rows read, (\d+) rows written/);
	const [read, written] = [Number(m[1]), Number(m[2])];
	const factRows = Number(one("SELECT " + FACTS.map((f) => `(SELECT count(*) FROM dw.${f})`).join(' + ')));
	console.log(`etl: ${etlSecs.toFixed(1)} s, ${fmt(written)} rows written (${fmt(factRows)} fact rows), ` +
		`${fmt(written / etlSecs)} rows/s written, ${fmt(read / etlSecs)} rows/s read`);

	// Baseline: the same rows copied by INSERT ... SELECT into unindexed
	// tables (columns and NOT NULL only), one statement per table.
	psql(db, `CREATE SCHEMA bench; ${FACTS.map((f) => `CREATE TABLE bench.${f} (LIKE dw.${f});`).join(' ')}`);
	t0 = process.hrtime.bigint();
	psql(db, `BEGIN; ${FACTS.map((f) => `INSERT INTO bench.${f} SELECT * FROM dw.${f};`).join(' ')} COMMIT;`);
	const baseSecs = secs(t0);
	const baseRows = Number(one("SELECT " + FACTS.map((f) => `(SELECT count(*) FROM bench.${f})`).join(' + ')));
	console.log(`baseline INSERT ... SELECT: ${baseSecs.toFixed(1)} s, ${fmt(baseRows)} rows, ` +
		`${fmt(baseRows / baseSecs)} rows/s`);
	console.log(`ratio etl/baseline (rows/s): ${((factRows / etlSecs) / (baseRows / baseSecs)).toFixed(3)}`);

	t0 = process.hrtime.bigint();
	const { stdout: idle } = await run(ETL, ['--db', dsn]);
	const idleSecs = secs(t0);
	process.stdout.write(idle);
	console.log(`etl with nothing changed: ${(idleSecs * 1000).toFixed(0)} ms`);
	console.log(`database size: ${one(`SELECT pg_size_pretty(pg_database_size('${db}'))`)}`);
} finally {
	if (!process.env.BENCH_DB) psql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
}
