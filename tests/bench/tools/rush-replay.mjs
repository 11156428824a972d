// Replays the deadline rush on a database held by tests/bench/rush.mjs,
// with a server of chosen settings, to compare settings quickly (the
// bench's set-up takes minutes). First:
//   BENCH_CRASH_BIDS=5000 BENCH_HOLD=10000 node tests/bench/rush.mjs
// then, once it says "holding", stop its server (pkill -f "kore \[") and:
//   PGCONNS=4 WORKERS=2 [PGB=1] [CKPT=1] node tests/bench/tools/rush-replay.mjs
// Each replay deletes the second notice's bids (their chain entries and
// audit rows too; the chain check no longer holds on that database) and
// posts the held bids again with wrk and tests/bench/rush.lua. PGB=1 also
// runs pgbench -N (32 clients) for the ratio; CKPT=1 checkpoints first;
// CONNS=N posts over N connections instead of 32; BATCH=N sets
// G2B_BID_BATCH (most bids per transaction; 0: one each); INFLIGHT=N
// sets G2B_BID_INFLIGHT (bid transactions at once, a worker);
// WAITS=1 samples what the database's busy backends wait on every 50 ms
// during the rush (pg_stat_activity; CPU means running or runnable).
// Every replay prints the WAL the rush wrote a bid; WALSTATS=1 also its
// record types (pg_walinspect).
// Not run by `make bench`.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { startServer, psql, pgStart, OUT, ROOT } from '../../lib/harness.mjs';
const W = path.join(OUT, 'bench-rush');
const h = JSON.parse(readFileSync(path.join(W, 'hold.json'), 'utf8'));
const env = { G2B_SECRET: h.secret, G2B_PGCONNS: process.env.PGCONNS || '4' };
if (process.env.BATCH !== undefined) env.G2B_BID_BATCH = process.env.BATCH;
if (process.env.INFLIGHT !== undefined) env.G2B_BID_INFLIGHT = process.env.INFLIGHT;
const srv = await startServer({ db: h.db, env, workers: Number(process.env.WORKERS || 2) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
	psql(h.db, `DELETE FROM bidding.bid_chain c USING bidding.bid b WHERE c.bid_id = b.id AND b.notice_id = ${h.notice.id};
		DELETE FROM portal.audit WHERE event = 'bid.submit' AND (detail->>'notice')::bigint = ${h.notice.id};
		DELETE FROM bidding.bid WHERE notice_id = ${h.notice.id}; UPDATE portal.session SET expires_at = now() + interval '1 day';`);
	psql(h.db, 'VACUUM ANALYZE bidding.bid, bidding.bid_chain, portal.audit, portal.session');
	execFileSync('wrk', ['-t', '2', '-c', '32', '-d', '3s', `${srv.base}/notices/${h.notice.id}`], { stdio: 'ignore' });
	if (process.env.SLIDE) psql(h.db, `UPDATE portal.session SET last_seen = now() - interval '5 minutes'`);
	if (process.env.CKPT) psql('postgres', 'CHECKPOINT');
	const file = path.join(W, 'replay-bids.txt');
	const dir = path.join(W, 'replay-out');
	rmSync(dir, { recursive: true, force: true }); mkdirSync(dir);
	writeFileSync(file, h.bodies.map((b, i) => `${h.sup[i].cookie}\t${b}`).join('\n') + '\n');
	let waits = null;
	if (process.env.WAITS) {
		const p = spawn('psql', ['-h', pgStart(), '-U', 'postgres', '-AtX', '-d', 'postgres'], { stdio: ['pipe', 'pipe', 'ignore'] });
		let text = '';
		p.stdout.on('data', (d) => { text += d; });
		p.stdin.write(`SELECT coalesce(string_agg(coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-'), ' '), '-')
			FROM pg_stat_activity WHERE datname = '${h.db}' AND backend_type = 'client backend' AND state = 'active'
			AND pid <> pg_backend_pid()\n\\watch 0.05\n`);
		waits = { p, text: () => text, done: new Promise((r) => p.on('exit', r)) };
	}
	const walq = "SET track_wal_io_timing = on; SELECT wal_sync, wal_write, wal_sync_time FROM pg_stat_wal";
	const lsn0 = psql(h.db, 'SELECT pg_current_wal_lsn()')[0][0];
	const wal0 = psql(h.db, walq)[0].map(Number);
	const st0 = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
	// Each Kore worker's CPU time (utime + stime, clock ticks).
	const workers = execFileSync('pgrep', ['-P', String(srv.pid)], { encoding: 'utf8' }).split('\n').filter(Boolean);
	const ticks = () => workers.map((p) => { try { const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } });
	const wt0 = ticks();
	const t0 = Date.now();
	const w = spawn('wrk', ['-t', '2', '-c', String(process.env.CONNS || 32), '-d', '600s', '--timeout', '30s', '-s', path.join(ROOT, 'tests/bench/rush.lua'),
		srv.base, '--', file, '2', dir, `/notices/${h.notice.id}/bid`], { stdio: ['ignore', 'pipe', 'inherit'] });
	let out = ''; w.stdout.on('data', (d) => { out += d; });
	const ex = new Promise((r) => w.on('exit', r));
	const n = () => [0, 1].reduce((a, t) => { const f = path.join(dir, `wrk-${t}.txt`); return a + (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0); }, 0);
	let lastSize = -1, lastT = Date.now(), secs = 0;
	const { statSync } = await import('node:fs');
	for (;;) { await sleep(20); const t = Date.now();
		if ([0, 1].every((i) => existsSync(path.join(dir, `done-${i}`)))) { secs = (t - t0) / 1000; break; }
		const sz = [0, 1].reduce((a, i) => { try { return a + statSync(path.join(dir, `wrk-${i}.txt`)).size; } catch { return a; } }, 0);
		if (sz !== lastSize) { lastSize = sz; lastT = t; continue; }
		if (t - lastT > 1500) { secs = (lastT - t0) / 1000; break; } }
	const wt1 = ticks();
	const wrkTicks = (() => { try { const f = readFileSync(`/proc/${w.pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); } catch { return 0; } })();
	const st1 = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
	w.kill('SIGINT'); await ex;
	const lsn1 = psql(h.db, 'SELECT pg_current_wal_lsn()')[0][0];
	const wal1 = psql(h.db, walq)[0].map(Number);
	let waitLine = '';
	{
		const nb = Number(psql(h.db, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${h.notice.id}`)) || 1;
		const bytes = Number(psql(h.db, `SELECT '${lsn1}'::pg_lsn - '${lsn0}'::pg_lsn`));
		const syncs = wal1[0] - wal0[0];
		waitLine += `\n  WAL ${(bytes / nb / 1024).toFixed(2)} KB a bid; ${syncs} WAL flushes (${(nb / Math.max(1, syncs)).toFixed(2)} bids a flush), ${(wal1[1] - wal0[1])} writes`;
		if (process.env.WALSTATS) {
			psql('postgres', 'CREATE EXTENSION IF NOT EXISTS pg_walinspect');
			const rows = psql('postgres', `SELECT "resource_manager/record_type", count, record_size, fpi_size
				FROM pg_get_wal_stats('${lsn0}', '${lsn1}', true) WHERE count > 0 ORDER BY combined_size DESC LIMIT 10`);
			waitLine += rows.map(([k, c, rs, fs]) => {
				return `\n    ${k.padEnd(28)} ${(c / nb).toFixed(2)} a bid, ${(rs / nb).toFixed(0)} B + FPI ${(fs / nb).toFixed(0)} B`; }).join('');
		}
	}
	if (waits) {
		waits.p.kill('SIGINT'); waits.p.kill('SIGTERM'); await waits.done;
		const c = new Map();
		const snaps = waits.text().split('\n').filter(Boolean);
		for (const l of snaps.flatMap((x) => x.split(' ')).filter((x) => x !== '-')) c.set(l, (c.get(l) || 0) + 1);
		const all = [...c.values()].reduce((a, b) => a + b, 0);
		waitLine += `\n  busy backends: ${(all / snaps.length).toFixed(1)} on average of ${2 * Number(env.G2B_PGCONNS)} connections; their waits (${all} samples): ` + [...c].sort((a, b) => b[1] - a[1]).slice(0, 8)
			.map(([k, v]) => `${k} ${(100 * v / all).toFixed(0)}%`).join(', ');
	}
	const m = out.match(/p50_us (\d+) p99_us (\d+)/);
	const busy = (a) => a[0] + a[1] + a[2] + a[5] + a[6] + a[7], idle = (a) => a[3] + a[4];
	const ok = Number(psql(h.db, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${h.notice.id}`));
	const txs = Number(psql(h.db, `SELECT count(DISTINCT xmin::text) FROM bidding.bid WHERE notice_id = ${h.notice.id}`));
	waitLine += `\n  ${txs} transactions, ${(ok / txs).toFixed(1)} bids a transaction; Kore workers' CPU during the rush: ${wt1.map((t, i) => `${((t - wt0[i]) / 100).toFixed(2)} s`).join(', ')} (of ${secs.toFixed(2)} s); wrk ${(wrkTicks / 100).toFixed(2)} s`;
	const tps = process.env.PGB ? Number(execFileSync('pgbench', ['-n', '-N', '-M', 'prepared', '-c', '32', '-j', '2', '-T', '8', '-h', pgStart(), '-U', 'g2b', h.db], { encoding: 'utf8' }).match(/tps = ([\d.]+)/)[1]) : 0;
	console.log(`PGCONNS=${env.G2B_PGCONNS} WORKERS=${process.env.WORKERS || 2}: ${ok} bids in ${secs.toFixed(2)} s = ${(ok / secs).toFixed(0)}/s, p50 ${m[1] / 1000} ms, p99 ${m[2] / 1000} ms, idle ${(100 * (idle(st1) - idle(st0)) / (busy(st1) - busy(st0) + idle(st1) - idle(st0))).toFixed(0)}%${tps ? `, pgbench -N ${tps.toFixed(0)} ratio ${(ok / secs / tps).toFixed(2)}` : ''}${waitLine}`);
} finally {
	try { process.kill(-srv.pid, 'SIGTERM'); } catch {}
}
