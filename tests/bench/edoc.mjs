// Issue 4 benchmark: the portal's XML validation step (safe parse + XSD
// validation, portal/edoc.c, through `build/g2b-edoc validate`) against the
// baseline `xmllint --noout --schema xsd/bid.xsd` validating the same files
// in one invocation. Target: at least 1.0x xmllint's rate.
//
// N typical bid documents (입찰서, EDOC_BENCH_N, default 2000) are generated
// with varied content and a real enveloped signature block (made once by
// `g2b-edoc sign`; the validation step does not verify it, only its
// schema); every 20th is broken in one of several ways, so the two
// validators' verdicts are compared file by file (any disagreement fails
// the benchmark).
//
// Rates: each tool runs ROUNDS times, alternating, and the best run of each
// counts. The machine's 2 cores are shared with other work (load averages
// of 8 are usual while the other suites run), so a process's wall time is
// mostly time spent waiting for a core; the rate is therefore taken from
// CPU time (user + system, GNU time), the work each validator does, and
// the wall-clock rates are printed beside it. The whole invocation counts
// for both (start-up and schema loading included: g2b-edoc loads all nine
// document schemas, xmllint only bid.xsd). g2b-edoc's own figure for the
// checks alone (--stats: without start-up and schema loading, what a
// portal worker with its schema loaded once pays) is printed too.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.EDOC_BENCH_N || 2000);
const ROUNDS = Number(process.env.EDOC_BENCH_ROUNDS || 5);
const edoc = path.join(root, 'build/g2b-edoc');
const dir = path.join(root, 'tests/out/edoc-bench');

function bizno(i) {
	// 사업자등록번호 with a correct check digit (domain.md).
	const d = String(100000000 + ((i * 7919) % 899999999)).split('').map(Number);
	const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
	let sum = d.reduce((s, v, k) => s + v * w[k], 0) + Math.floor((d[8] * 5) / 10);
	return d.join('') + String((10 - (sum % 10)) % 10);
}

const companies = ['(주)한빛정보통신', '대한사무기기(주)', '미래에듀테크', '스마트교육솔루션(주)',
	'(주)서울건설', '부산해양기술', '한국소프트웨어(주)', '청운전자'];
const people = ['김민준', '이서연', '박도윤', '최지우', '정하준', '강서윤'];

function bid(i, sig) {
	const notice = `2026112${String(3456 + (i % 500)).padStart(4, '0')}`;
	const hex = (n) => randomBytes(n).toString('hex');
	let doc = `<?xml version="1.0" encoding="UTF-8"?>
<Tender xmlns="urn:g2b:edoc:1">
	<CustomizationID>urn:g2b:edoc:1.0</CustomizationID>
	<ID>TND-${bizno(i)}-20261125-${i}</ID>
	<IssueDateTime>2026-11-25T${String(9 + (i % 8)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:10+09:00</IssueDateTime>
	<ContractFolderID>${notice}</ContractFolderID>
	<NoticeOrder>${i % 3}</NoticeOrder>
	<TendererParty>
		<BusinessRegistrationNumber>${bizno(i)}</BusinessRegistrationNumber>
		<Name>${companies[i % companies.length]}</Name>
		<RepresentativeName>${people[(i + 3) % people.length]}</RepresentativeName>
		<RegionCode>${['11', '26', '41', '48'][i % 4]}</RegionCode>
		<Contact>
			<Telephone>02-${1000 + (i % 9000)}-${String(i % 10000).padStart(4, '0')}</Telephone>
			<ElectronicMail>bid${i}@example.co.kr</ElectronicMail>
		</Contact>
	</TendererParty>
	<SubmitterName>${people[i % people.length]}</SubmitterName>
	<CertificateSerial>${hex(16).toUpperCase()}</CertificateSerial>
	<SealedTender>
		<EncryptionMethod>RSA-OAEP-SHA256+AES-256-GCM</EncryptionMethod>
		<CipherValue>${randomBytes(384 + 44).toString('base64')}</CipherValue>
		<CipherValueHash>${hex(32)}</CipherValueHash>
	</SealedTender>
	<Declarations>
		<IntegrityPledge>true</IntegrityPledge>
		<NoCollusion>true</NoCollusion>
	</Declarations>
	<Nonce>${hex(16)}</Nonce>
${sig}</Tender>
`;
	if (i % 20 === 19) {
		// One broken rule per broken document, several kinds.
		const breaks = [
			(d) => d.replace(/<BusinessRegistrationNumber>(\d{9})\d/, '<BusinessRegistrationNumber>$1'),
			(d) => d.replace(/\t<Nonce>.*<\/Nonce>\n/, ''),
			(d) => d.replace('<NoCollusion>true', '<NoCollusion>false'),
			(d) => d.replace('+09:00</IssueDateTime>', '</IssueDateTime>'),
			(d) => d.replace('</TendererParty>', '</TenderParty>'),
		];
		doc = breaks[Math.floor(i / 20) % breaks.length](doc);
	}
	return doc;
}

function signatureBlock() {
	const key = path.join(dir, 'key.pem');
	const cert = path.join(dir, 'cert.pem');
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
		'-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=bench', '-days', '1'], { stdio: 'ignore' });
	const tmpl = path.join(dir, 'template.xml');
	const signed = path.join(dir, 'template-signed.xml');
	writeFileSync(tmpl, bid(0, ''));
	execFileSync(edoc, ['--xsd', path.join(root, 'xsd'), 'sign', '--key', key, '--cert', cert, tmpl, signed],
		{ stdio: 'ignore' });
	const s = readFileSync(signed, 'utf8');
	const sig = s.slice(s.indexOf('<ds:Signature'), s.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
	if (!sig.startsWith('<ds:Signature')) throw new Error('no signature made');
	rmSync(tmpl);
	rmSync(signed);
	return sig + '\n';
}

const timeFile = path.join(dir, 'time.out');

// Wall and CPU (user + system) milliseconds of one run, by GNU time.
function timed(cmd, args) {
	const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timeFile, cmd, ...args],
		{ encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
	if (r.error) throw r.error;
	const t = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
	if (t.length !== 3 || t.some((v) => !Number.isFinite(v))) throw new Error(`GNU time said ${t}`);
	return { wall: t[0] * 1000, cpu: (t[1] + t[2]) * 1000, out: r.stdout, err: r.stderr, status: r.status };
}

rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const sig = signatureBlock();
const files = [];
let bytes = 0;
for (let i = 0; i < N; i++) {
	const f = path.join(dir, `bid-${String(i).padStart(5, '0')}.xml`);
	const d = bid(i, sig);
	writeFileSync(f, d);
	bytes += Buffer.byteLength(d);
	files.push(f);
}

const ours = { cpu: Infinity, wall: Infinity, inCpu: Infinity, inWall: Infinity };
const base = { cpu: Infinity, wall: Infinity };
let oursVerdict, baseVerdict;
for (let r = 0; r < ROUNDS; r++) {
	const a = timed(edoc, ['--xsd', path.join(root, 'xsd'), 'validate', '--stats', ...files]);
	ours.cpu = Math.min(ours.cpu, a.cpu);
	ours.wall = Math.min(ours.wall, a.wall);
	const m = a.err.match(/checked (\d+) files in ([\d.]+) ms \(cpu ([\d.]+) ms\)/);
	if (!m || Number(m[1]) !== N) throw new Error(`g2b-edoc printed no stats: ${a.err}`);
	ours.inWall = Math.min(ours.inWall, Number(m[2]));
	ours.inCpu = Math.min(ours.inCpu, Number(m[3]));
	oursVerdict = new Map();
	for (const line of a.out.split('\n')) {
		const v = line.match(/^(.*\.xml): (valid|invalid)/);
		if (v) oursVerdict.set(v[1], v[2] === 'valid');
	}
	const b = timed('xmllint', ['--noout', '--nonet', '--schema', path.join(root, 'xsd/bid.xsd'), ...files]);
	base.cpu = Math.min(base.cpu, b.cpu);
	base.wall = Math.min(base.wall, b.wall);
	baseVerdict = new Map(files.map((f) => [f, false]));
	for (const line of b.err.split('\n')) {
		const v = line.match(/^(.*\.xml) validates$/);
		if (v) baseVerdict.set(v[1], true);
	}
}

let disagree = 0, valid = 0;
for (const f of files) {
	if (!oursVerdict.has(f)) throw new Error(`g2b-edoc said nothing about ${f}`);
	if (oursVerdict.get(f) !== baseVerdict.get(f)) {
		disagree++;
		if (disagree <= 5) console.log(`DISAGREE ${f}: g2b-edoc ${oursVerdict.get(f)}, xmllint ${baseVerdict.get(f)}`);
	}
	if (oursVerdict.get(f)) valid++;
}

const rate = (ms) => N / (Math.max(ms, 1) / 1000);
const line = (name, t) => console.log(`  ${name.padEnd(44)} ${rate(t.cpu).toFixed(0).padStart(6)} docs/s CPU ` +
	`(${t.cpu.toFixed(0)} ms), ${rate(t.wall).toFixed(0).padStart(6)} docs/s wall (${t.wall.toFixed(0)} ms)`);
console.log(`edoc validation bench: ${new Date().toISOString()}, N=${N} bid documents ` +
	`(${(bytes / N / 1024).toFixed(1)} KiB average, ${valid} valid, ${N - valid} invalid), best of ${ROUNDS}`);
line('xmllint --schema xsd/bid.xsd (baseline)', base);
line('g2b-edoc validate (one invocation)', ours);
line('g2b-edoc checks alone (in-process)', { cpu: ours.inCpu, wall: ours.inWall });
const ratio = rate(ours.cpu) / rate(base.cpu);
console.log(`  ratio g2b-edoc / xmllint (CPU): ${ratio.toFixed(2)}x; in-process: ` +
	`${(rate(ours.inCpu) / rate(base.cpu)).toFixed(2)}x; wall: ${(rate(ours.wall) / rate(base.wall)).toFixed(2)}x; ` +
	`target >= 1.0x: ${ratio >= 1.0 ? 'met' : 'NOT met'}`);
if (!process.env.EDOC_BENCH_KEEP)
	rmSync(dir, { recursive: true, force: true });
if (disagree > 0) {
	console.log(`FAIL: ${disagree} verdicts differ between g2b-edoc and xmllint`);
	process.exit(1);
}
console.log('verdicts agree on every document');
