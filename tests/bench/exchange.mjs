// Issue 4 benchmark: documents per second through the whole inbound path
// of the e-document exchange (POST /api/edoc: token check, duplicate
// check, safe parse, schema validation, XML signature verification
// against the sender's registered certificate, routing into a draft
// notice, the document and its portal-signed answer stored in one
// transaction, the signed acknowledgement sent), as a ratio to `pgbench -N`
// (simple write transactions) measured in the same run on the same
// database with the same number of clients. Target: >= 0.3.
//
// The documents are N distinct, typical CallForTenders registrations (one
// signature each, made beforehand with `build/g2b-edoc sign` by a key the
// portal CA certified for the demo agency's system), posted over CONNS
// keep-alive connections. Every answer must be a 200 Accepted and every
// document must be in the box exactly once with its draft notice.
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer, pgStart, OUT, ROOT, Client } from '../lib/harness.mjs';

const run = promisify(execFile);
const N = Number(process.env.EXCHANGE_BENCH_N || 400);
const CONNS = Number(process.env.EXCHANGE_BENCH_CONNS || 8);
const SECONDS = Number(process.env.EXCHANGE_BENCH_SECONDS || 10);
const W = path.join(OUT, 'bench-exchange');
const EDOC = path.join(ROOT, 'build/g2b-edoc');

function iso(days, hour) {
	const d = new Date(Date.now() + days * 86400e3);
	d.setUTCHours(hour, 0, 0, 0);
	return d.toISOString().replace(/\.000Z$/, 'Z');
}

function notice(i, code, cats) {
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

rmSync(W, { recursive: true, force: true });
mkdirSync(W, { recursive: true });
const srv = await startServer({ demo: true });
let fail = false;
try {
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
	const bodies = new Array(N);
	let next = 0;
	await Promise.all(Array.from({ length: 2 }, async () => {
		for (let i = next++; i < N; i = next++) {
			const inp = path.join(W, `n-${i}.xml`);
			const out = path.join(W, `s-${i}.xml`);
			writeFileSync(inp, notice(i, code, cats));
			await run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', key, '--cert', cert, inp, out]);
			bodies[i] = readFileSync(out);
		}
	}));
	const bytes = bodies.reduce((s, b) => s + b.length, 0);

	// Warm every worker (keys loaded, pool connections open).
	const agent = new http.Agent({ keepAlive: true, maxSockets: CONNS });
	await Promise.all(Array.from({ length: CONNS }, () => post(agent, srv.port, 'x'.repeat(43), Buffer.from('<x/>'))));

	const lat = [];
	const bad = [];
	let k = 0;
	const kpids = serverPids(srv.pid);
	const bpids = srv.sql(`SELECT pid FROM pg_stat_activity WHERE datname = '${srv.db}'`).map((r) => r[0]);
	const cpu0 = [cpuOf(kpids), cpuOf(bpids)];
	const t0 = process.hrtime.bigint();
	await Promise.all(Array.from({ length: CONNS }, async () => {
		for (let i = k++; i < N; i = k++) {
			const s = process.hrtime.bigint();
			const r = await post(agent, srv.port, token, bodies[i]);
			lat.push(Number(process.hrtime.bigint() - s) / 1e6);
			if (r.status !== 200 || !r.text.includes('<ResponseCode>Accepted</ResponseCode>')) bad.push(r);
		}
	}));
	const secs = Number(process.hrtime.bigint() - t0) / 1e9;
	const cpu = [cpuOf(kpids) - cpu0[0], cpuOf(bpids) - cpu0[1]];
	agent.destroy();
	lat.sort((a, b) => a - b);
	const dps = (N - bad.length) / secs;
	const [[rows, notices]] = srv.sql(`SELECT count(*), count(DISTINCT notice_id) FROM exchange.document
		WHERE direction = 'in' AND result = 'accepted' AND doc_id LIKE 'CFT-BENCH-${process.pid}-%'`);
	const tps = pgbenchN(srv.db);
	console.log(`exchange: ${N} signed CallForTenders (${(bytes / N / 1024).toFixed(1)} KB each) over ${CONNS} connections in ${secs.toFixed(2)} s; ${bad.length} not accepted${bad.length ? ` (${bad.slice(0, 2).map((r) => `${r.status} ${r.text.slice(0, 300)}`).join(' | ')})` : ''}`);
	console.log(`  documents/s ${dps.toFixed(1)}, p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(1)} ms; box rows ${rows}, draft notices ${notices}`);
	console.log(`  CPU per document: server ${(cpu[0] / N * 1000).toFixed(2)} ms, database backends ${(cpu[1] / N * 1000).toFixed(2)} ms`);
	console.log(`  pgbench -N -M prepared, same database, ${CONNS} clients, ${SECONDS} s: ${tps.toFixed(0)} tps`);
	console.log(`  RATIO documents/s : pgbench -N tps = ${(dps / tps).toFixed(3)} (target >= 0.3)`);
	fail = bad.length > 0 || Number(rows) !== N || Number(notices) !== N;
} catch (e) {
	console.error(e);
	fail = true;
} finally {
	await srv.stop();
	rmSync(W, { recursive: true, force: true });
}
process.exit(fail ? 1 : 0);
