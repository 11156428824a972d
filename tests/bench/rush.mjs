// Issue 3 benchmark: the deadline rush. At least 5,000 distinct suppliers,
// each with its own P-256 key and a certificate from the portal's CA,
// submit sealed, signed bids (made by the command-line client, build/g2b
// prepare-bid) to one notice as fast as the server takes them, over CONNS
// keep-alive connections. Reported: bids per second, p50/p99 latency, and
// the ratio to `pgbench -N` (simple write transactions) measured in the
// same run on the same database. Target: >= 0.5 of pgbench -N with p99
// under 100 ms, and every receipt matching exactly one stored bid.
//
// Then the crash test: a second rush on a second notice; the server and
// PostgreSQL are killed with SIGKILL in the middle; after a restart every
// bid that got a receipt must be present exactly once, no bid may be half
// written (each stored bid has its chain entry and audit row, the chain
// check passes), and re-posting the unanswered bids is safe (idempotent).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomInt, createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdirSync, rmSync, writeFileSync, readFileSync, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, psql, pgStart, OUT, ROOT, Client, bizno } from '../lib/harness.mjs';

const run = promisify(execFile);
const N = Number(process.env.BENCH_SUPPLIERS || 5000);
const CRASH_N = Number(process.env.BENCH_CRASH_BIDS || 2000);
const CONNS = Number(process.env.BENCH_CONNS || 32);
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const G2B = path.join(ROOT, 'build/g2b');
const W = path.join(OUT, 'bench-rush');
const PGDATA = path.join(OUT, 'pg', 'data');
const HOUR = 3600e3;
const kst = (ms) => new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
const PASS = 'Rush-Opening-Pass-2026';

function psqlFile(db, sql) {
	const f = path.join(W, `q-${randomBytes(4).toString('hex')}.sql`);
	writeFileSync(f, sql);
	const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
		'-h', pgStart(), '-U', 'postgres', '-d', db, '-f', f], { encoding: 'utf8' });
	rmSync(f);
	return out.trim();
}

// Run fn over items with at most `conc` in flight.
async function pool(items, conc, fn) {
	let next = 0;
	const out = new Array(items.length);
	await Promise.all(Array.from({ length: conc }, async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	}));
	return out;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });
function post(base, url, body, cookie) {
	return new Promise((resolve) => {
		const u = new URL(base + url);
		const t0 = process.hrtime.bigint();
		const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
			headers: { cookie, 'content-type': 'application/x-www-form-urlencoded',
				'content-length': Buffer.byteLength(body), accept: 'application/json' } }, (res) => {
			let data = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { data += d; });
			res.on('end', () => resolve({ status: res.statusCode, text: data,
				ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
			res.on('error', () => resolve({ status: 0 }));
		});
		req.on('error', () => resolve({ status: 0 }));
		req.end(body);
	});
}

async function publishNotice(srv, title) {
	const agency = new Client(srv.base);
	await agency.login('agency', 'Agency!2026');
	const officer = new Client(srv.base);
	await officer.login('officer', 'Officer!2026');
	const officerId = srv.sql("SELECT id FROM portal.users WHERE login = 'officer'")[0][0];
	const cat = srv.sql("SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' ORDER BY code LIMIT 1")[0][0];
	await agency.get('/notices/new');
	let r = await agency.post('/notices/new', { title, family: 'goods', base_amount: '500,000,000',
		budget: '520,000,000', contract_method: 'open', award_method: 'lowest', range: '2', region_limit: '',
		category_limit: '', bid_start: kst(HOUR), bid_close: kst(24 * HOUR), opening_at: kst(25 * HOUR),
		officer: officerId, item_code: [cat, '', '', '', ''], item_qty: ['100', '', '', '', ''],
		item_unit: ['대', '', '', '', ''] });
	if (r.status !== 303) throw new Error(`draft refused: ${r.status}`);
	const id = r.location.match(/\/notices\/(\d+)/)[1];
	await officer.get(`/notices/${id}/publish`);
	r = await officer.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
	if (r.status !== 303) throw new Error(`publish refused: ${r.status}`);
	srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute' WHERE notice_id = ${id}`);
	return { id, no: srv.sql(`SELECT notice_no FROM bidding.notice WHERE id = ${id}`)[0][0] };
}

function noticeKey(srv, id) {
	const f = path.join(W, `notice-${id}.pem`);
	execFileSync('sh', ['-c', `psql -X -A -t -h ${pgStart()} -U postgres -d ${srv.db} -c "SELECT public_pem FROM bidding.opening_key WHERE notice_id = ${id}" > ${f}`]);
	return f;
}

// Suppliers, sessions (straight into the tables: set-up is not measured),
// keys made here and certificates issued by the portal over HTTP.
async function makeSuppliers(srv, n) {
	const rows = [];
	const sess = [];
	for (let i = 0; i < n; i++) {
		const token = randomBytes(32).toString('base64url');
		sess.push({ token, hash: createHash('sha256').update(token).digest('hex') });
		rows.push(`(${i}, '${bizno(String(700000000 + i))}', '${sess[i].hash}')`);
	}
	psqlFile(srv.db, `
		CREATE TEMP TABLE s (i int, bizno text, h text);
		INSERT INTO s VALUES ${rows.join(',\n')};
		WITH o AS (INSERT INTO portal.org (kind, status, name, region, bizno, representative, biz_type,
			contact_name, email, phone)
			SELECT 'supplier', 'approved', '러시상사 ' || i, '11', bizno, '대표', 'manufacturer', '담당',
			'rush' || i || '@bench.example', '02-555-0000' FROM s RETURNING id, bizno),
		u AS (INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
			SELECT 'rush' || s.i, o.id, 'supplier', '담당자' || s.i, 'rush' || s.i || '@bench.example',
			(SELECT pwhash FROM portal.users WHERE login = 'supplier') FROM s JOIN o USING (bizno)
			RETURNING id, login)
		INSERT INTO portal.session (token_hash, user_id, expires_at)
		SELECT decode(s.h, 'hex'), u.id, now() + interval '1 day' FROM s JOIN u ON u.login = 'rush' || s.i;`);
	const sup = [];
	await pool([...Array(n).keys()], 16, async (i) => {
		const cookie = `g2b_sid=${sess[i].token}`;
		const csrf = JSON.parse(await (await fetch(`${srv.base}/api/csrf`, { headers: { cookie } })).text()).csrf;
		const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
		const key = path.join(W, `k${i}.pem`);
		writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
		const spki = publicKey.export({ type: 'spki', format: 'pem' });
		const r = await fetch(`${srv.base}/certificate`, { method: 'POST', headers: { cookie,
			'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: new URLSearchParams({ csrf, spki }).toString() });
		const j = await r.json();
		if (r.status !== 200) throw new Error(`certificate ${i}: ${r.status} ${JSON.stringify(j)}`);
		const cert = path.join(W, `c${i}.pem`);
		writeFileSync(cert, j.certificate);
		sup[i] = { cookie, csrf, key, cert };
	});
	return sup;
}

// One sealed, signed bid per supplier, made by the command-line client.
async function prepareBids(sup, notice, pubkey, count) {
	const conc = Math.max(2, cpus().length * 2);
	return pool(sup.slice(0, count), conc, async (s, i) => {
		const out = path.join(W, `b${notice.id}-${i}.txt`);
		const amount = 500000000 - 40000000 + randomInt(60000000);
		const a = 1 + randomInt(15);
		let b = 1 + randomInt(14);
		if (b >= a) b++;
		await run(G2B, ['prepare-bid', '--pubkey', pubkey, '--notice', notice.id, '--notice-no', notice.no,
			'--order', '1', '--key', s.key, '--cert', s.cert, '--amount', String(amount),
			'--picks', `${Math.min(a, b)},${Math.max(a, b)}`, '--out', out]);
		return `${readFileSync(out, 'utf8').trim()}&csrf=${encodeURIComponent(s.csrf)}`;
	});
}

async function rush(base, notice, sup, bodies, onEach) {
	const results = new Array(bodies.length);
	const t0 = process.hrtime.bigint();
	await pool([...bodies.keys()], CONNS, async (i) => {
		results[i] = await post(base, `/notices/${notice.id}/bid`, bodies[i], sup[i].cookie);
		if (onEach) onEach(results[i]);
	});
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	return { results, secs };
}

// The rush itself under wrk (C, so the load generator takes little of the
// two cores): tests/bench/rush.lua posts every bid once and writes each
// answer's status, receipt number and bid hash. wrk runs for a fixed time,
// so it is interrupted as soon as every bid has its answer.
async function rushWrk(srv, notice, sup, bodies) {
	const base = srv.base;
	const file = path.join(W, `wrk-bids-${notice.id}.txt`);
	const dir = path.join(W, `wrk-out-${notice.id}`);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir);
	writeFileSync(file, bodies.map((b, i) => `${sup[i].cookie}\t${b}`).join('\n') + '\n');
	const threads = Math.min(2, cpus().length);
	// BENCH_PERF=FILE: perf record the whole machine during the rush.
	let perf = null;
	if (process.env.BENCH_PERF) {
		const p = spawn('perf', ['record', '-a', '-g', '-F', '499', '-o', process.env.BENCH_PERF],
			{ stdio: ['ignore', 'ignore', 'inherit'] });
		perf = { p, done: new Promise((r) => { p.on('exit', r); p.on('error', r); }) };
		await sleep(500);
	}
	const before = cpuSnapshot(srv);
	const sys0 = machineCpu();
	const t0 = process.hrtime.bigint();
	const w = spawn('wrk', ['-t', String(threads), '-c', String(CONNS), '-d', '600s', '--timeout', '30s',
		'-s', path.join(ROOT, 'tests/bench/rush.lua'), base, '--', file, String(threads), dir,
		`/notices/${notice.id}/bid`], { stdio: ['ignore', 'pipe', 'inherit'] });
	let stdout = '';
	w.stdout.on('data', (d) => { stdout += d; });
	const exited = new Promise((r) => w.on('exit', r));
	const answered = () => [...Array(threads).keys()].reduce((n, t) => {
		const f = path.join(dir, `wrk-${t}.txt`);
		return n + (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).length : 0);
	}, 0);
	// Stop once every thread says all its answers are in (a done-N
	// file), or once answers stop coming: the answer files' sizes are
	// watched (counting their lines every 20 ms took CPU from the rush)
	// and the rush ends at the last growth.
	const sizeNow = () => [...Array(threads).keys()].reduce((a, t) => {
		try { return a + statSync(path.join(dir, `wrk-${t}.txt`)).size; } catch { return a; }
	}, 0);
	let secs = 0;
	let lastSize = -1;
	let lastGrowth = t0;
	let sysAtGrowth = sys0;
	for (;;) {
		await sleep(20);
		const now = process.hrtime.bigint();
		if ([...Array(threads).keys()].every((t) => existsSync(path.join(dir, `done-${t}`)))) {
			secs = Number(now - t0) / 1e9;
			w.kill('SIGINT');
			break;
		}
		const size = sizeNow();
		if (size !== lastSize) {
			lastSize = size;
			lastGrowth = now;
			sysAtGrowth = machineCpu();
			continue;
		}
		if (now - lastGrowth < 2000000000n) continue;
		const n = answered();
		if (n >= bodies.length * 0.99) {
			secs = Number(lastGrowth - t0) / 1e9;
			w.kill('SIGINT');
			break;
		}
		if (w.exitCode !== null || now - lastGrowth > 60000000000n) {
			w.kill('SIGINT');
			throw new Error(`wrk ended or stalled (${w.exitCode} ${w.signalCode}) with ${n} of ${bodies.length} answers:\n${stdout}`);
		}
	}
	await exited;
	const cpu = cpuSince(srv, before);
	// The machine's CPU up to the last answer (not the wait after it).
	const sys1 = secs === Number(lastGrowth - t0) / 1e9 ? sysAtGrowth : machineCpu();
	cpu.busy = sys1.busy - sys0.busy;
	cpu.idle = sys1.idle - sys0.idle;
	if (perf) {
		perf.p.kill('SIGINT');
		await perf.done;
	}
	const m = stdout.match(/RUSH requests (\d+) duration_us (\d+) p50_us (\d+) p99_us (\d+)/);
	if (!m) throw new Error(`wrk gave no result:\n${stdout}`);
	const lines = [...Array(threads).keys()].flatMap((t) =>
		readFileSync(path.join(dir, `wrk-${t}.txt`), 'utf8').split('\n').filter(Boolean));
	const results = lines.map((l) => {
		const [status, receipt_no, bid_sha256] = l.split(' ');
		return { status: Number(status), receipt_no, bid_sha256 };
	});
	// wrk skips one request now and then (one of thread 0's, it seems);
	// post what got no answer so that every bid is made, timed with the rush.
	const got = new Set(results.map((r) => r.bid_sha256));
	const t1 = process.hrtime.bigint();
	let late = 0;
	for (const [i, b] of bodies.entries()) {
		const canon = new URLSearchParams(b).get('canonical');
		if (got.has(createHash('sha256').update(canon).digest('hex'))) continue;
		const r = await post(base, `/notices/${notice.id}/bid`, b, sup[i].cookie);
		const j = r.status === 200 ? JSON.parse(r.text) : {};
		results.push({ status: r.status, receipt_no: j.receipt_no, bid_sha256: j.bid_sha256 });
		late++;
	}
	secs += Number(process.hrtime.bigint() - t1) / 1e9;
	return { results, late, cpu, secs: secs || Number(m[2]) / 1e6, p50: Number(m[3]) / 1000, p99: Number(m[4]) / 1000 };
}


// CPU seconds of the whole machine, busy and idle, from /proc/stat.
function machineCpu() {
	const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
	return { busy: (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100, idle: (f[3] + f[4]) / 100 };
}

// CPU seconds (user + system) of the server's Kore processes and of the
// PostgreSQL backends serving its database, to split a bid's cost.
function cpuOf(pid) {
	try {
		const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return (Number(f[11]) + Number(f[12])) / 100;
	} catch {
		return null;
	}
}
function serverPids(srv) {
	const kore = execFileSync('sh', ['-c', `pgrep -g ${srv.pid} || true`], { encoding: 'utf8' })
		.split('\n').filter(Boolean);
	const pg = srv.sql(`SELECT pid FROM pg_stat_activity WHERE datname = '${srv.db}' AND pid <> pg_backend_pid()`)
		.map((r) => r[0]);
	return { kore, pg };
}
function cpuSnapshot(srv) {
	const m = new Map();
	const { kore, pg } = serverPids(srv);
	for (const p of [...kore, ...pg]) m.set(p, cpuOf(p));
	return m;
}
function cpuSince(srv, before) {
	const { kore, pg } = serverPids(srv);
	const sum = (pids) => pids.reduce((t, p) => {
		const c = cpuOf(p);
		return c === null ? t : t + c - (before.get(p) || 0);
	}, 0);
	return { kore: sum(kore), pg: sum(pg) };
}

function pgbenchN(srv, clients = CONNS) {
	execFileSync('pgbench', ['-q', '-i', '-s', '1', '-h', pgStart(), '-U', 'g2b', srv.db], { stdio: 'ignore' });
	const threads = String(Math.min(4, cpus().length));
	const out = execFileSync('pgbench', ['-N', '-M', 'prepared', '-c', String(clients), '-j', threads,
		'-T', String(SECONDS), '-h', pgStart(), '-U', 'g2b', srv.db], { encoding: 'utf8' });
	return Number(out.match(/tps = ([\d.]+)/)[1]);
}

// Receipts the clients hold versus the rows in the database.
function checkReceipts(srv, noticeId, receipts) {
	const vals = receipts.map((r) => `('${r.receipt_no}', '${r.bid_sha256}')`).join(',');
	const out = psqlFile(srv.db, `
		CREATE TEMP TABLE r (no text, h text);
		${receipts.length ? `INSERT INTO r VALUES ${vals};` : ''}
		SELECT (SELECT count(*) FROM r),
		  (SELECT count(*) FROM r WHERE (SELECT count(*) FROM bidding.bid b WHERE b.receipt_no = r.no
		     AND encode(b.bid_hash, 'hex') = r.h AND encode(sha256(convert_to(b.canonical, 'UTF8')), 'hex') = r.h) = 1),
		  (SELECT count(*) FROM bidding.bid WHERE notice_id = ${noticeId}),
		  (SELECT count(*) FROM bidding.bid b WHERE notice_id = ${noticeId} AND
		     (SELECT count(*) FROM bidding.bid_chain c WHERE c.bid_id = b.id AND c.kind = 'submit') <> 1),
		  (SELECT count(*) FROM bidding.bid b WHERE notice_id = ${noticeId} AND NOT EXISTS
		     (SELECT 1 FROM portal.audit a WHERE a.event = 'bid.submit' AND a.detail->>'receipt' = b.receipt_no));`);
	const [held, matched, stored, unchained, unaudited] = out.split('|').map(Number);
	return { held, matched, stored, unchained, unaudited };
}

function chainCheck(srv) {
	try {
		return execFileSync(G2B, ['chain-check', '--db', `host=${pgStart()} dbname=${srv.db} user=postgres`],
			{ encoding: 'utf8' }).trim();
	} catch (e) {
		return `FAILED: ${e.stdout}${e.stderr}`;
	}
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
	rmSync(W, { recursive: true, force: true });
	mkdirSync(W, { recursive: true });
	const secret = randomBytes(32).toString('hex');
	const db = `g2b_bench_rush_${randomBytes(3).toString('hex')}`;
	psql('postgres', `CREATE DATABASE ${db} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
	let srv = await startServer({ db, env: { G2B_SECRET: secret } });
	try {
		const t0 = Date.now();
		const n1 = await publishNotice(srv, '마감 러시 벤치마크 공고');
		const n2 = await publishNotice(srv, '장애 복구 시험 공고');
		const sup = await makeSuppliers(srv, N);
		const bodies1 = await prepareBids(sup, n1, noticeKey(srv, n1.id), N);
		const bodies2 = CRASH_N ? await prepareBids(sup, n2, noticeKey(srv, n2.id), CRASH_N) : [];
		console.log(`set-up: ${N} suppliers with certificates, ${N + CRASH_N} sealed bids by build/g2b in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

		// --- the rush. A portal at a deadline has been serving for hours:
		// warm it first at the rush's concurrency (a database-backed page),
		// so that every worker has opened its pooled PostgreSQL
		// connections (Kore opens them on first need, synchronously).
		execFileSync('wrk', ['-t', '2', '-c', String(CONNS), '-d', '3s', `${srv.base}/notices/${n1.id}`],
			{ stdio: 'ignore' });
		// BENCH_CHECKPOINT=1: the rush starts right after a checkpoint, the
		// worst case (every page a bid touches first writes a full image).
		if (process.env.BENCH_CHECKPOINT) psql('postgres', 'CHECKPOINT');
		const load0 = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
		const { results, secs, p50, p99, late, cpu } = await rushWrk(srv, n1, sup, bodies1);
		const ok = results.filter((r) => r.status === 200);
		const bad = results.filter((r) => r.status !== 200);
		const bps = ok.length / secs;
		const receipts = ok;
		const chk = checkReceipts(srv, n1.id, receipts);
		const chain = chainCheck(srv);
		// Group commit (portal/web.c g2b_query_batch): the bids' transactions.
		const [txs, largest] = psql(srv.db, `SELECT count(*), max(n) FROM (SELECT count(*) n FROM bidding.bid
			WHERE notice_id = ${n1.id} GROUP BY xmin::text) t`)[0].map(Number);
		const tps = pgbenchN(srv);
		// Also at the server's own number of database connections (2
		// workers, G2B_PGCONNS each), where pgbench is faster too.
		const pool = 2 * Number(process.env.G2B_PGCONNS || 4);
		const tpsPool = pgbenchN(srv, pool);
		console.log(`rush: ${ok.length} bids accepted (${bad.length} refused${bad.length ? `: ${bad.slice(0, 3).map((r) => r.status).join(' ')}` : ''}) in ${secs.toFixed(2)} s over ${CONNS} connections (wrk${late ? `; ${late} request(s) wrk skipped, sent after it` : ''})`);
		console.log(`  bids/s ${bps.toFixed(0)}, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
		console.log(`  CPU a bid: Kore ${(cpu.kore * 1000 / ok.length).toFixed(2)} ms, PostgreSQL backends ${(cpu.pg * 1000 / ok.length).toFixed(2)} ms, the whole machine ${(cpu.busy * 1000 / ok.length).toFixed(2)} ms (idle ${(100 * cpu.idle / (cpu.busy + cpu.idle)).toFixed(0)} %); load average before ${load0}, after ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (${cpus().length} cores)`);
		console.log(`  pgbench -N -M prepared, same database, ${CONNS} clients: ${tps.toFixed(0)} tps`);
		console.log(`  pgbench -N -M prepared, ${pool} clients (the server's connections): ${tpsPool.toFixed(0)} tps, bids/s : that = ${(bps / tpsPool).toFixed(2)}`);
		console.log(`  RATIO bids/s : pgbench -N tps = ${(bps / tps).toFixed(2)} (target >= 0.5); p99 ${p99.toFixed(1)} ms (target < 100)`);
		console.log(`  receipts held ${chk.held}, each matching exactly one stored bid: ${chk.matched}; bids stored ${chk.stored} of ${N} sent${chk.stored > chk.held ? ` (${chk.stored - chk.held} answered but the answer lost inside wrk)` : ''}; without a chain entry ${chk.unchained}; without an audit row ${chk.unaudited}`);
		console.log(`  ${chain}`);
		console.log(`  stored in ${txs} transactions (group commit): ${(chk.stored / txs).toFixed(1)} bids a transaction, at most ${largest}`);
		if (process.env.BENCH_HOLD) {
			writeFileSync(path.join(W, 'hold.json'), JSON.stringify({ base: srv.base, db, secret, notice: n2, sup, bodies: bodies2 }));
			console.log(`holding: ${srv.base} ${db}`);
			await sleep(Number(process.env.BENCH_HOLD) * 1000);
		}
		let fail = bad.length > 0 || chk.matched !== chk.held || chk.stored !== N ||
			chk.unchained || chk.unaudited || !chain.startsWith('chain ok');

		if (CRASH_N === 0) {
			// BENCH_CRASH_BIDS=0: no crash test (it kills the shared
			// PostgreSQL cluster).
			console.log('crash test skipped (BENCH_CRASH_BIDS=0)');
			writeFileSync(path.join(OUT, 'bench-rush.json'), JSON.stringify({ date: new Date().toISOString(),
				suppliers: N, conns: CONNS, bids_per_s: bps, p50_ms: p50, p99_ms: p99,
				pgbench_n_tps: tps, ratio: bps / tps, pgbench_n_tps_pool: tpsPool, cpu_ms_per_bid: { kore: cpu.kore * 1000 / ok.length,
				pg: cpu.pg * 1000 / ok.length } }, null, 2));
			if (fail) {
				console.log('rush: FAILED');
				process.exitCode = 1;
			}
			return;
		}
		// --- the crash test
		const got = [];
		let killed = false;
		const killAt = Math.floor(CRASH_N / 3);
		const killAll = () => {
			if (killed) return;
			killed = true;
			try { process.kill(-srv.pid, 'SIGKILL'); } catch { /* gone */ }
			const pm = Number(readFileSync(path.join(PGDATA, 'postmaster.pid'), 'utf8').split('\n')[0]);
			try { process.kill(pm, 'SIGKILL'); } catch { /* gone */ }
		};
		const crash = await rush(srv.base, n2, sup, bodies2, (r) => {
			if (r.status === 200) got.push(JSON.parse(r.text));
			if (got.length >= killAt) killAll();
		});
		killAll();
		const answered = crash.results.filter((r) => r.status === 200).length;
		console.log(`crash: SIGKILL to the server and PostgreSQL after ${got.length} receipts; ${answered} answered, ${CRASH_N - answered} requests cut off`);
		// The killed postmaster's backends take a moment to notice and exit.
		for (let i = 0; ; i++) {
			await sleep(1000);
			try {
				execFileSync('sh', [path.join(ROOT, 'conf/pg.sh'), 'start', path.join(OUT, 'pg')], { stdio: 'ignore' });
				break;
			} catch (e) {
				if (i === 30) throw e;
			}
		}
		srv = await startServer({ db, env: { G2B_SECRET: secret } });
		const after = checkReceipts(srv, n2.id, got);
		const chain2 = chainCheck(srv);
		console.log(`  after restart: receipts held ${after.held}, present exactly once ${after.matched}; bids stored ${after.stored} (some unanswered requests may have committed); without a chain entry ${after.unchained}; without an audit row ${after.unaudited}`);
		console.log(`  ${chain2}`);
		// Re-post every bid (answered or not): each is a new bid or the
		// first receipt again, never a second bid.
		const again = await rush(srv.base, n2, sup, bodies2);
		const dup = again.results.filter((r) => r.status === 200 && JSON.parse(r.text).duplicate).length;
		const fresh = again.results.filter((r) => r.status === 200 && !JSON.parse(r.text).duplicate).length;
		const final = checkReceipts(srv, n2.id, again.results.filter((r) => r.status === 200).map((r) => JSON.parse(r.text)));
		console.log(`  re-post of all ${CRASH_N}: ${dup} recognised as already stored, ${fresh} stored now, ${CRASH_N - dup - fresh} refused; bids stored ${final.stored} (one per supplier: ${final.stored === CRASH_N})`);
		fail = fail || after.matched !== after.held || after.unchained || after.unaudited ||
			!chain2.startsWith('chain ok') || final.stored !== CRASH_N || dup < after.held;
		writeFileSync(path.join(OUT, 'bench-rush.json'), JSON.stringify({ date: new Date().toISOString(),
			suppliers: N, conns: CONNS, bids_per_s: bps, p50_ms: p50, p99_ms: p99,
			pgbench_n_tps: tps, ratio: bps / tps, pgbench_n_tps_pool: tpsPool, crash: { receipts: got.length, after, final } }, null, 2));
		if (fail) {
			console.log('rush: FAILED');
			process.exitCode = 1;
		}
	} finally {
		agent.destroy();
		await srv.stop();
		try { psql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* left for inspection */ }
	}
}

await main();
