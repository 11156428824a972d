// Issue 4 benchmark: documents per second through the whole inbound path
// of the e-document exchange (POST /api/edoc: token check, duplicate
// check, safe parse, schema validation, XML signature verification
// against the sender's registered certificate, routing into a draft
// notice or taking the bid, the document and its portal-signed answer
// stored (a notice: one transaction; a bid: the bid and its document row
// in one, then the answer put into that row), the signed acknowledgement
// sent), as a ratio to `pgbench -N`
// (simple write transactions) measured in the same run on the same
// database with the same number of clients. Target: >= 0.3.
//
// The documents (EXCHANGE_BENCH_DOC) are by default N typical bids: Tender
// documents of N distinct suppliers on one published notice, each with its
// sealed part and the supplier user's bid signature made by the
// command-line client (`g2b prepare-bid`, as the browser would), wrapped
// and signed by the supplier's own system key (`g2b-edoc sign`, a system
// certificate of the portal CA) and posted with the supplier's API token;
// each answer must be a 200 Accepted carrying the bid receipt and each bid
// must be stored exactly once. EXCHANGE_BENCH_DOC=notice posts N distinct
// CallForTenders registrations of the demo agency instead (each must make
// one draft notice). Set-up (suppliers, keys, certificates, documents) is
// done before the clock starts; WARM more documents of the same kind are
// sent untimed first; the documents go over CONNS keep-alive connections.
// EXCHANGE_BENCH_PROFILE and EXCHANGE_BENCH_PERF profile the database
// (see below).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, pgStart, psql, OUT, ROOT, Client, bizno } from '../lib/harness.mjs';

const execp = promisify(execFile);
// Another build may be relinking a tool this moment: try again.
async function run(cmd, args, opts) {
	for (let attempt = 0; ; attempt++) {
		try {
			return await execp(cmd, args, opts);
		} catch (e) {
			if (!['ETXTBSY', 'ENOENT', 'EACCES'].includes(e.code) || attempt >= 20) throw e;
			await new Promise((r) => setTimeout(r, 500));
		}
	}
}
const N = Number(process.env.EXCHANGE_BENCH_N || 400);
const CONNS = Number(process.env.EXCHANGE_BENCH_CONNS || 8);
const SECONDS = Number(process.env.EXCHANGE_BENCH_SECONDS || 10);
// Documents of the same kind sent before the clock starts, so that the
// server's pooled database connections have compiled the functions and
// cached their plans, as a long-running portal's have (without, each of
// the 8 or so backends planned every statement afresh for its first bids:
// about a sixth of the database's CPU in a 400-document run).
const WARM = Number(process.env.EXCHANGE_BENCH_WARM ?? CONNS * 8);
const W = path.join(OUT, 'bench-exchange');
const EDOC = path.join(ROOT, 'build/g2b-edoc');
const G2B = path.join(ROOT, 'build/g2b');
const DOC = process.env.EXCHANGE_BENCH_DOC || 'bid';
const HOUR = 3600e3;
const PASS = 'Exchange-Bench-Opening-2026';
const kst = (ms) => new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);

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

function psqlFile(db, sql) {
	const f = path.join(W, `q-${randomBytes(4).toString('hex')}.sql`);
	writeFileSync(f, sql);
	const out = execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
		'-h', pgStart(), '-U', 'postgres', '-d', db, '-f', f], { encoding: 'utf8' });
	rmSync(f);
	return out.trim();
}

// One goods notice of the demo agency, published by the demo officer and
// open for bids now.
async function publishNotice(srv) {
	const agency = new Client(srv.base);
	await agency.login('agency', 'Agency!2026');
	const officer = new Client(srv.base);
	await officer.login('officer', 'Officer!2026');
	const officerId = srv.sql("SELECT id FROM portal.users WHERE login = 'officer'")[0][0];
	const cat = srv.sql("SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' ORDER BY code LIMIT 1")[0][0];
	await agency.get('/notices/new');
	let r = await agency.post('/notices/new', { title: `교환 벤치마크 ${process.pid}`, family: 'goods',
		base_amount: '500,000,000', budget: '520,000,000', contract_method: 'open', award_method: 'lowest',
		range: '2', region_limit: '', category_limit: '', bid_start: kst(HOUR), bid_close: kst(24 * HOUR),
		opening_at: kst(25 * HOUR), officer: officerId, item_code: [cat, '', '', '', ''],
		item_qty: ['100', '', '', '', ''], item_unit: ['대', '', '', '', ''] });
	if (r.status !== 303) throw new Error(`draft refused: ${r.status}`);
	const id = r.location.match(/\/notices\/(\d+)/)[1];
	await officer.get(`/notices/${id}/publish`);
	r = await officer.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
	if (r.status !== 303) throw new Error(`publish refused: ${r.status}`);
	srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute' WHERE notice_id = ${id}`);
	const [[no, ord]] = srv.sql(`SELECT notice_no, cur_ord FROM bidding.notice WHERE id = ${id}`);
	const pub = path.join(W, 'notice.pem');
	writeFileSync(pub, srv.sql(`SELECT public_pem FROM bidding.opening_key WHERE notice_id = ${id}`)
		.map((row) => row[0]).join('\n') + '\n');
	return { id, no, ord, pub };
}

// N approved suppliers (straight into the tables: set-up is not measured),
// each with a login session, an API token, a user certificate (its bid
// signing key) and a system certificate (its document signing key), both
// issued by the portal CA over HTTP as real suppliers get them.
async function makeSuppliers(srv, n) {
	const rows = [];
	const sup = [];
	for (let i = 0; i < n; i++) {
		const session = randomBytes(32).toString('base64url');
		const token = randomBytes(32).toString('base64url');
		const h = (t) => createHash('sha256').update(t).digest('hex');
		sup.push({ i, session, token, bizno: bizno(String(710000000 + i)), company: `(주)교환상사 ${i}` });
		rows.push(`(${i}, '${sup[i].bizno}', '${h(session)}', '${h(token)}')`);
	}
	psqlFile(srv.db, `
		CREATE TEMP TABLE s (i int, bizno text, sh text, th text);
		INSERT INTO s VALUES ${rows.join(',\n')};
		WITH o AS (INSERT INTO portal.org (kind, status, name, region, bizno, representative, biz_type,
			contact_name, email, phone)
			SELECT 'supplier', 'approved', '(주)교환상사 ' || i, '11', bizno, '대표', 'manufacturer', '담당',
			'xbench' || i || '@bench.example', '02-555-0000' FROM s RETURNING id, bizno),
		u AS (INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
			SELECT 'xbench' || s.i, o.id, 'supplier', '입찰담당' || s.i, 'xbench' || s.i || '@bench.example',
			(SELECT pwhash FROM portal.users WHERE login = 'supplier') FROM s JOIN o USING (bizno)
			RETURNING id, org_id, login),
		x AS (INSERT INTO portal.session (token_hash, user_id, expires_at)
			SELECT decode(s.sh, 'hex'), u.id, now() + interval '1 day' FROM s JOIN u ON u.login = 'xbench' || s.i)
		INSERT INTO exchange.token (org_id, token_hash, label, created_by)
		SELECT u.org_id, decode(s.th, 'hex'), 'bench', u.id FROM s JOIN u ON u.login = 'xbench' || s.i;`);
	await pool(sup, 8, async (s) => {
		const cookie = `g2b_sid=${s.session}`;
		const csrf = JSON.parse(await (await fetch(`${srv.base}/api/csrf`, { headers: { cookie } })).text()).csrf;
		const user = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
		s.key = path.join(W, `k${s.i}.pem`);
		writeFileSync(s.key, user.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
		let r = await fetch(`${srv.base}/certificate`, { method: 'POST', headers: { cookie,
			'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
			body: new URLSearchParams({ csrf, spki: user.publicKey.export({ type: 'spki', format: 'pem' }) }).toString() });
		const j = await r.json();
		if (r.status !== 200) throw new Error(`certificate ${s.i}: ${r.status} ${JSON.stringify(j)}`);
		s.cert = path.join(W, `c${s.i}.pem`);
		writeFileSync(s.cert, j.certificate);
		const sys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		s.sysKey = path.join(W, `sk${s.i}.pem`);
		writeFileSync(s.sysKey, sys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
		r = await fetch(`${srv.base}/api/exchange/certificate`, { method: 'POST',
			body: JSON.stringify({ spki: sys.publicKey.export({ type: 'spki', format: 'pem' }) }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` } });
		if (r.status !== 201) throw new Error(`system certificate ${s.i}: ${r.status} ${await r.text()}`);
		s.sysCert = path.join(W, `sc${s.i}.pem`);
		writeFileSync(s.sysCert, await r.text());
	});
	return sup;
}

// The supplier's Tender: the bid made by `g2b prepare-bid` (what the
// browser posts), as a document signed with its system key.
async function tenderDoc(s, notice) {
	const out = path.join(W, `b${s.i}.txt`);
	const amount = 460000000 + randomInt(60000000);
	const a = 1 + randomInt(15);
	let b = 1 + randomInt(14);
	if (b >= a) b++;
	await run(G2B, ['prepare-bid', '--pubkey', notice.pub, '--notice', String(notice.id), '--notice-no', notice.no,
		'--order', String(notice.ord), '--key', s.key, '--cert', s.cert, '--amount', String(amount),
		'--picks', `${Math.min(a, b)},${Math.max(a, b)}`, '--out', out]);
	const p = Object.fromEntries(new URLSearchParams(readFileSync(out, 'utf8').trim()));
	const c = Object.fromEntries(p.canonical.trim().split('\n').slice(1).map((l) => l.split(/:(.*)/s).slice(0, 2)));
	const der = (await run('openssl', ['x509', '-outform', 'DER', '-in', s.cert], { encoding: 'buffer' })).stdout;
	const person = (await run('openssl', ['x509', '-noout', '-subject', '-nameopt', 'utf8,sep_multiline,lname',
		'-in', s.cert])).stdout.match(/^\s*commonName=(.*)$/m)[1].trim();
	const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Tender xmlns="urn:g2b:edoc:1">
	<CustomizationID>urn:g2b:edoc:1.0</CustomizationID>
	<ID>TND-BENCH-${process.pid}-${s.i}</ID>
	<IssueDateTime>${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</IssueDateTime>
	<ContractFolderID>${c['notice-no']}</ContractFolderID>
	<NoticeOrder>${c.order}</NoticeOrder>
	<TendererParty>
		<BusinessRegistrationNumber>${c.bizno}</BusinessRegistrationNumber>
		<Name>${s.company}</Name>
	</TendererParty>
	<SubmitterName>${person}</SubmitterName>
	<CertificateSerial>${c.cert}</CertificateSerial>
	<SealedTender>
		<EncryptionMethod>RSA-OAEP-SHA256+AES-256-GCM</EncryptionMethod>
		<CipherValue>${p.sealed}</CipherValue>
		<CipherValueHash>${c['sealed-sha256']}</CipherValueHash>
	</SealedTender>
	<Declarations>
		<IntegrityPledge>true</IntegrityPledge>
		<NoCollusion>true</NoCollusion>
	</Declarations>
	<Nonce>${c.nonce}</Nonce>
	<TenderSignature>
		<CanonicalTender>${Buffer.from(p.canonical).toString('base64')}</CanonicalTender>
		<SignatureMethod>ECDSA-P256-SHA256</SignatureMethod>
		<SignatureValue>${p.signature}</SignatureValue>
		<SignerCertificate>${der.toString('base64')}</SignerCertificate>
	</TenderSignature>
</Tender>
`;
	const inp = path.join(W, `t${s.i}.xml`);
	const sig = path.join(W, `t${s.i}.signed.xml`);
	writeFileSync(inp, xml);
	await run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', s.sysKey, '--cert', s.sysCert, inp, sig]);
	return readFileSync(sig);
}

function iso(days, hour) {
	const d = new Date(Date.now() + days * 86400e3);
	d.setUTCHours(hour, 0, 0, 0);
	return d.toISOString().replace(/\.000Z$/, 'Z');
}

function noticeDoc(i, code, cats) {
	const base = 10000000 + i * 1000;
	return `<?xml version="1.0" encoding="UTF-8"?>
<CallForTenders xmlns="urn:g2b:edoc:1">
	<CustomizationID>urn:g2b:edoc:1.0</CustomizationID>
	<ID>CFT-BENCH-${process.pid}-${i}</ID>
	<IssueDateTime>${iso(0, 0)}</IssueDateTime>
	<ContractFolderID>20261123456</ContractFolderID>
	<NoticeOrder>0</NoticeOrder>
	<Registration/>
	<ContractingParty>
		<AgencyCode>${code}</AgencyCode>
		<Name>서울특별시</Name>
		<Contact>
			<Name>박서연</Name>
			<Telephone>02-3999-1234</Telephone>
			<ElectronicMail>buyer@seoul.go.kr</ElectronicMail>
		</Contact>
	</ContractingParty>
	<ProcurementProject>
		<Name>벤치마크 물품 구매 ${i}: 사무용 노트북과 주변기기</Name>
		<ProcurementTypeCode>goods</ProcurementTypeCode>
		<BudgetAmount currencyID="KRW">${base + 500000}</BudgetAmount>
		<BaseAmount currencyID="KRW">${base}</BaseAmount>
		<ProcurementItem>
			<LineID>1</LineID>
			<CommodityCode>${cats[i % cats.length]}01</CommodityCode>
			<Quantity unitCode="EA">${10 + (i % 90)}</Quantity>
			<Description>노트북 컴퓨터, 14인치, 16GB 메모리</Description>
		</ProcurementItem>
		<ProcurementItem>
			<LineID>2</LineID>
			<CommodityCode>${cats[(i + 1) % cats.length]}</CommodityCode>
			<Quantity unitCode="SET">${1 + (i % 9)}</Quantity>
		</ProcurementItem>
	</ProcurementProject>
	<TenderingTerms>
		<PriceDecisionCode>multiple</PriceDecisionCode>
		<PreliminaryPriceRange>2</PreliminaryPriceRange>
		<PreliminaryPriceCount>15</PreliminaryPriceCount>
		<PicksPerBidder>2</PicksPerBidder>
		<RegionRestriction>11</RegionRestriction>
		<JointBidCode>none</JointBidCode>
	</TenderingTerms>
	<TenderingProcess>
		<ProcedureCode>${i % 2 ? 'open' : 'restricted'}</ProcedureCode>
		<AwardingMethodCode>lowest</AwardingMethodCode>
		<TenderSubmissionPeriod>
			<StartDateTime>${iso(2, 1)}</StartDateTime>
			<EndDateTime>${iso(9, 1)}</EndDateTime>
		</TenderSubmissionPeriod>
		<OpeningDateTime>${iso(9, 2)}</OpeningDateTime>
	</TenderingProcess>
</CallForTenders>
`;
}

function post(agent, port, token, body) {
	return new Promise((resolve, reject) => {
		const req = http.request({
			host: '127.0.0.1', port, path: '/api/edoc', method: 'POST', agent,
			headers: { 'content-type': 'application/xml', authorization: `Bearer ${token}`,
				'content-length': body.length },
		}, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

// The timed client: one keep-alive socket per connection, requests
// serialised before the clock starts, a minimal HTTP/1.1 response reader
// (status and Content-Length): the load generator shares the 2 cores with
// the server and the database, so it should cost as little as it can.
class LeanConn {
	constructor(port) {
		this.port = port;
		this.buf = Buffer.alloc(0);
		this.want = null;
	}

	open() {
		return new Promise((resolve, reject) => {
			this.sock = net.connect(this.port, '127.0.0.1', resolve);
			this.sock.setNoDelay(true);
			this.sock.on('error', (e) => (this.want ? this.want.reject(e) : reject(e)));
			this.sock.on('data', (d) => this.data(d));
		});
	}

	data(d) {
		this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
		const w = this.want;
		if (!w) return;
		const end = this.buf.indexOf('\r\n\r\n');
		if (end < 0) return;
		const head = this.buf.toString('latin1', 0, end);
		const m = head.match(/\r\ncontent-length:\s*(\d+)/i);
		if (!m) {
			w.reject(new Error(`no content-length: ${head}`));
			return;
		}
		const total = end + 4 + Number(m[1]);
		if (this.buf.length < total) return;
		const text = this.buf.toString('utf8', end + 4, total);
		this.buf = this.buf.subarray(total);
		this.want = null;
		w.resolve({ status: Number(head.slice(9, 12)), text });
	}

	send(req) {
		return new Promise((resolve, reject) => {
			this.want = { resolve, reject };
			this.sock.write(req);
		});
	}

	close() {
		this.sock.destroy();
	}
}

function request(port, token, body) {
	return Buffer.concat([Buffer.from(`POST /api/edoc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
		+ `Content-Type: application/xml\r\nAuthorization: Bearer ${token}\r\n`
		+ `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`), body]);
}

// CPU seconds (user + system) of the server's processes (Kore's process
// group) and of the database's backends, read from /proc.
function cpuOf(pids) {
	let t = 0;
	for (const pid of pids) {
		try {
			const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
			t += (Number(v[11]) + Number(v[12])) / 100;
		} catch { /* gone */ }
	}
	return t;
}

function serverPids(pgid) {
	return execFileSync('ps', ['-e', '-o', 'pid=,pgid='], { encoding: 'utf8' }).split('\n')
		.map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === String(pgid)).map((f) => f[0]);
}

function pgbenchN(db) {
	execFileSync('pgbench', ['-q', '-i', '-s', '1', '-h', pgStart(), '-U', 'g2b', db], { stdio: 'ignore' });
	const threads = String(Math.min(4, cpus().length));
	const out = execFileSync('pgbench', ['-N', '-M', 'prepared', '-c', String(CONNS), '-j', threads,
		'-T', String(SECONDS), '-h', pgStart(), '-U', 'g2b', db], { encoding: 'utf8' });
	return Number(out.match(/tps = ([\d.]+)/)[1]);
}

// EXCHANGE_BENCH_PROFILE=functions: the database's time per plpgsql
// function (track_functions, self and total) and the rows written per
// table during the timed run; =explain: also every statement's plan and
// time, nested ones included (auto_explain with ANALYZE, BUFFERS, in the
// cluster's server.log; it slows the run, so its rates mean nothing).
// Both set on a database of this run only.
const PROFILE = process.env.EXCHANGE_BENCH_PROFILE || '';
const PGLOG = path.join(OUT, 'pg/server.log');

function profileDb() {
	const db = `g2b_xprof${randomBytes(4).toString('hex')}`;
	psql('postgres', `CREATE DATABASE ${db} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
	psql('postgres', `ALTER DATABASE ${db} SET track_functions = 'pl'`);
	if (PROFILE === 'explain') {
		for (const q of ["session_preload_libraries = 'auto_explain'", 'auto_explain.log_min_duration = 0',
			'auto_explain.log_nested_statements = on', 'auto_explain.log_analyze = on',
			'auto_explain.log_buffers = on', "auto_explain.log_format = 'json'"])
			psql('postgres', `ALTER DATABASE ${db} SET ${q}`);
	}
	return db;
}

// Counters of the database, read after its backends flushed them (idle
// backends report within 10 s; the caller waits).
function profileSnap(db) {
	const f = Object.fromEntries(psql(db, `SELECT schemaname || '.' || funcname || '/' || funcid, calls, total_time, self_time
		FROM pg_stat_user_functions`).map(([k, c, t, s]) => [k, [Number(c), Number(t), Number(s)]]));
	const t = Object.fromEntries(psql(db, `SELECT s.schemaname || '.' || s.relname, s.n_tup_ins, s.n_tup_upd, s.n_tup_hot_upd,
		coalesce(t.n_tup_ins, 0) FROM pg_stat_user_tables s LEFT JOIN pg_class c ON c.oid = s.relid
		LEFT JOIN pg_stat_all_tables t ON t.relid = c.reltoastrelid`).map(([k, ...v]) => [k, v.map(Number)]));
	const x = psql(db, `SELECT xact_commit, xact_rollback, blks_hit, blks_read, tup_inserted, tup_updated
		FROM pg_stat_database WHERE datname = current_database()`)[0].map(Number);
	return { f, t, x };
}

function profileReport(a, b, n) {
	const rows = Object.keys(b.f).map((k) => {
		const [c0, t0, s0] = a.f[k] || [0, 0, 0];
		const [c1, t1, s1] = b.f[k];
		return [k.replace(/\/\d+$/, ''), c1 - c0, t1 - t0, s1 - s0];
	}).filter((r) => r[1] > 0).sort((p, q) => q[3] - p[3]);
	console.log(`  profile: plpgsql functions during the timed run (ms per document; calls per document)`);
	for (const [k, c, t, s] of rows)
		console.log(`    ${k.padEnd(44)} calls ${(c / n).toFixed(2).padStart(5)}  self ${(s / n).toFixed(3).padStart(7)}  total ${(t / n).toFixed(3).padStart(7)}`);
	console.log(`  profile: rows written per document (inserted, updated, HOT, toast rows)`);
	for (const k of Object.keys(b.t)) {
		const d = b.t[k].map((v, i) => v - ((a.t[k] || [])[i] || 0));
		if (d.some((v) => v > 0)) console.log(`    ${k.padEnd(44)} ${d.map((v) => (v / n).toFixed(2)).join(' / ')}`);
	}
	const d = b.x.map((v, i) => v - a.x[i]);
	console.log(`  profile: per document: commits ${(d[0] / n).toFixed(2)}, rollbacks ${(d[1] / n).toFixed(2)}, buffer hits ${(d[2] / n).toFixed(0)}, reads ${(d[3] / n).toFixed(1)}`);
}

// auto_explain's entries for this database since byte `from` of the
// cluster's log: time per statement text, summed (nested ones included).
function explainReport(db, from, n) {
	const buf = readFileSync(PGLOG);
	const log = buf.subarray(from).toString('utf8');
	const agg = new Map();
	for (const m of log.matchAll(/duration: ([\d.]+) ms {2}plan:\n([\s\S]*?)(?=\n\d{4}-\d\d-\d\d \d\d:|$)/g)) {
		let plan;
		try {
			plan = JSON.parse(m[2].replace(/^\t/gm, ''));
		} catch {
			continue;
		}
		const q = plan['Query Text'].replace(/\s+/g, ' ').slice(0, 110);
		const e = agg.get(q) || { n: 0, ms: 0, hit: 0, dirt: 0 };
		e.n++;
		e.ms += Number(m[1]);
		e.hit += plan.Plan['Shared Hit Blocks'] || 0;
		e.dirt += plan.Plan['Shared Dirtied Blocks'] || 0;
		agg.set(q, e);
	}
	console.log(`  explain (${db}): statements by total time (ms per document; executions per document; buffer hits per execution)`);
	for (const [q, e] of [...agg].sort((p, r) => r[1].ms - p[1].ms).slice(0, 40))
		console.log(`    ${(e.ms / n).toFixed(3).padStart(7)} ms  x${(e.n / n).toFixed(2)}  hits ${(e.hit / e.n).toFixed(0).padStart(4)}  ${q}`);
}

rmSync(W, { recursive: true, force: true });
mkdirSync(W, { recursive: true });
const pdb = PROFILE ? profileDb() : null;
const srv = await startServer({ demo: true, ...(pdb ? { db: pdb } : {}) });
let fail = false;
try {
	let bodies;
	let tokens;
	let notice;
	if (DOC === 'notice') {
		const cats = srv.sql('SELECT code FROM portal.category WHERE level = 4 ORDER BY code LIMIT 5').map((r) => r[0]);
		const [[code]] = srv.sql(`SELECT o.agency_code FROM portal.users u JOIN portal.org o ON o.id = u.org_id
			WHERE u.login = 'agency'`);

		// The agency system's token and certificate, as a real system gets them.
		const c = new Client(srv.base);
		await c.login('agency', 'Agency!2026');
		await c.get('/account/api-tokens');
		const made = await c.post('/account/api-tokens', { action: 'create', label: 'bench' });
		const token = made.text.match(/<code id="new-token">([^<]+)<\/code>/)[1];
		const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
		const key = path.join(W, 'key.pem');
		writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
		const cr = await fetch(`${srv.base}/api/exchange/certificate`, {
			method: 'POST', body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
		if (cr.status !== 201) throw new Error(`certificate: ${cr.status}`);
		const cert = path.join(W, 'cert.pem');
		writeFileSync(cert, await cr.text());

		// N distinct signed documents, made before the clock starts.
		bodies = await pool([...Array(N + WARM).keys()], 2, async (i) => {
			const inp = path.join(W, `n-${i}.xml`);
			const out = path.join(W, `s-${i}.xml`);
			writeFileSync(inp, noticeDoc(i, code, cats));
			await run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', key, '--cert', cert, inp, out]);
			return readFileSync(out);
		});
		tokens = bodies.map(() => token);
	} else {
		notice = await publishNotice(srv);
		const sup = await makeSuppliers(srv, N + WARM);
		bodies = await pool(sup, Math.max(2, cpus().length), (s) => tenderDoc(s, notice));
		tokens = sup.map((s) => s.token);
	}
	const warm = bodies.slice(0, WARM);
	const warmTokens = tokens.slice(0, WARM);
	bodies = bodies.slice(WARM);
	tokens = tokens.slice(WARM);
	const bytes = bodies.reduce((s, b) => s + b.length, 0);

	// Warm every worker (keys loaded, pool connections open, functions
	// compiled and their plans cached) with WARM documents, untimed.
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });
	await Promise.all(Array.from({ length: CONNS }, () => post(agent, srv.port, 'x'.repeat(43), Buffer.from('<x/>'))));
	const warmBad = (await pool(warm, CONNS, (b, i) => post(agent, srv.port, warmTokens[i], b)))
		.filter((r) => r.status !== 200 || !r.text.includes('<ResponseCode>Accepted</ResponseCode>'));
	if (warmBad.length) throw new Error(`warm-up: ${warmBad.length} not accepted: ${warmBad[0].status} ${warmBad[0].text.slice(0, 300)}`);

	agent.destroy();
	// (Before the connections open: Kore drops a connection idle too long.)
	let snap0 = null;
	let logFrom = 0;
	if (PROFILE) {
		await new Promise((r) => setTimeout(r, 11000));
		snap0 = profileSnap(srv.db);
		logFrom = readFileSync(PGLOG).length;
	}
	const reqs = bodies.map((b, i) => request(srv.port, tokens[i], b));
	const conns = Array.from({ length: CONNS }, () => new LeanConn(srv.port));
	await Promise.all(conns.map((c) => c.open()));

	const lat = [];
	const bad = [];
	let k = 0;
	const kpids = serverPids(srv.pid);
	const bpids = srv.sql(`SELECT pid FROM pg_stat_activity WHERE datname = '${srv.db}' AND pid <> pg_backend_pid()`).map((r) => r[0]);
	const cpu0 = [cpuOf(kpids), cpuOf(bpids)];
	// EXCHANGE_BENCH_PERF=FILE: perf record the server and the database
	// backends during the timed run only; with EXCHANGE_BENCH_PERF_DWARF=1
	// the server alone, with DWARF call graphs (Debian's libraries keep no
	// frame pointers, so -g stops at them).
	let perf = null;
	if (process.env.EXCHANGE_BENCH_PERF) {
		const p = spawn('perf', ['record', ...(process.env.EXCHANGE_BENCH_PERF_DWARF ? ['--call-graph', 'dwarf,16384', '-F', '499'] : ['-g', '-F', '999']),
			'-o', process.env.EXCHANGE_BENCH_PERF,
			'-p', (process.env.EXCHANGE_BENCH_PERF_DWARF ? kpids : [...kpids, ...bpids]).join(',')], { stdio: ['ignore', 'ignore', 'inherit'] });
		perf = { p, done: new Promise((r) => { p.on('exit', r); p.on('error', r); }) };
		await new Promise((r) => setTimeout(r, 1000));
	}
	const self0 = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	await Promise.all(conns.map(async (c) => {
		for (let i = k++; i < N; i = k++) {
			const s = process.hrtime.bigint();
			const r = await c.send(reqs[i]);
			lat.push(Number(process.hrtime.bigint() - s) / 1e6);
			if (r.status !== 200 || !r.text.includes('<ResponseCode>Accepted</ResponseCode>')) bad.push(r);
		}
	}));
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	const cpu = [cpuOf(kpids) - cpu0[0], cpuOf(bpids) - cpu0[1]];
	const self = process.cpuUsage(self0);
	if (perf) {
		perf.p.kill('SIGINT');
		await perf.done;
	}
	for (const c of conns) c.close();
	if (PROFILE) {
		await new Promise((r) => setTimeout(r, 11000));
		profileReport(snap0, profileSnap(srv.db), N);
		if (PROFILE === 'explain') explainReport(srv.db, logFrom, N);
	}
	lat.sort((a, b) => a - b);
	const dps = (N - bad.length) / secs;
	const tps = pgbenchN(srv.db);
	const what = DOC === 'notice' ? 'CallForTenders registrations' : `Tender documents (bids of ${N} suppliers on one notice)`;
	console.log(`exchange: ${N} signed ${what} (${(bytes / N / 1024).toFixed(1)} KB each) over ${CONNS} connections in ${secs.toFixed(2)} s (after ${WARM} untimed); ${bad.length} not accepted${bad.length ? ` (${bad.slice(0, 2).map((r) => `${r.status} ${r.text.slice(0, 300)}`).join(' | ')})` : ''}`);
	let stored;
	if (DOC === 'notice') {
		const [[rows, notices]] = srv.sql(`SELECT count(*), count(DISTINCT notice_id) FROM exchange.document
			WHERE direction = 'in' AND result = 'accepted' AND doc_id LIKE 'CFT-BENCH-${process.pid}-%'`);
		stored = `box rows ${rows}, draft notices ${notices}`;
		fail = Number(rows) !== N + WARM || Number(notices) !== N + WARM;
	} else {
		const [[rows]] = srv.sql(`SELECT count(*) FROM exchange.document
			WHERE direction = 'in' AND result = 'accepted' AND doc_id LIKE 'TND-BENCH-${process.pid}-%'`);
		const [[bids]] = srv.sql(`SELECT count(*) FROM bidding.bid WHERE notice_id = ${notice.id}`);
		stored = `box rows ${rows}, bids stored ${bids}`;
		fail = Number(rows) !== N + WARM || Number(bids) !== N + WARM;
	}
	console.log(`  documents/s ${dps.toFixed(1)}, p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(1)} ms; ${stored}`);
	console.log(`  CPU per document: server ${(cpu[0] / N * 1000).toFixed(2)} ms, database backends ${(cpu[1] / N * 1000).toFixed(2)} ms, this load generator ${((self.user + self.system) / 1000 / N).toFixed(2)} ms`);
	console.log(`  pgbench -N -M prepared, same database, ${CONNS} clients, ${SECONDS} s: ${tps.toFixed(0)} tps`);
	console.log(`  RATIO documents/s : pgbench -N tps = ${(dps / tps).toFixed(3)} (target >= 0.3)`);
	fail = fail || bad.length > 0;
} catch (e) {
	console.error(e);
	fail = true;
} finally {
	await srv.stop();
	if (pdb) psql('postgres', `DROP DATABASE IF EXISTS ${pdb} WITH (FORCE)`);
	rmSync(W, { recursive: true, force: true });
}
process.exit(fail ? 1 : 0);
