// Bids from suppliers' systems through the e-document exchange (issue 4)
// end to end: a supplier's back office gets an API token and a system
// certificate, makes a bid with the command-line client's offline
// `g2b prepare-bid` (canonical text, sealed envelope, the supplier user's
// signature and certificate: what the browser posts), wraps it in a Tender
// document signed with its system key and posts it. The portal answers
// with a signed acknowledgement carrying the bid receipt (checked with
// xmlsec1 against the portal CA, and the receipt itself with openssl
// against the published receipt key); the bid is in bidding.bid once and
// opens with a bid made through the browser's endpoint. Every refusal
// (tampered sealed part, bad bid signature, fields that disagree, revoked
// certificate, region, sanction, late) gets an error document with its
// code and writes no bid. Then the contract the opening made is fetched as
// a signed Contract that validates and verifies with the command-line
// tools, by its two parties only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, OUT } from '../lib/harness.mjs';
import { boot, one, q, loginAs, DEMO, raw, tag, uniqueLogin, freshBizno } from './helpers.mjs';

const T = tag();
const HOUR = 3600e3;
const DAY = 24 * HOUR;
const PASS = `개찰암호-${T}-Open!2026`;
const KEYPASS = `키파일암호-${T}-Key!2026`;
const G2B = path.join(ROOT, 'build/g2b');
const EDOC = path.join(ROOT, 'build/g2b-edoc');
const SLOW = { timeout: 300e3 };

let srv;
let WORK;
let agency;
let officer;
let caFile;
let rkeyFile;
const ids = {};
const cat = {};
let seq = 0;

before(async () => {
	srv = await boot();
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-xbids-'));
	ids.officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	ids.demoSupplierOrg = await one(srv, "SELECT id FROM portal.org WHERE bizno = '1234567891'");
	const code = async (n) => one(srv,
		`SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' ORDER BY code OFFSET ${n} LIMIT 1`);
	cat.it1 = await code(0);
	cat.it2 = await code(1);
	[agency, officer] = await Promise.all([loginAs(srv, ...DEMO.agency), loginAs(srv, ...DEMO.officer)]);
	const ca = readFileSync(path.join(OUT, 'ca', 'ca.pem'), 'utf8');
	caFile = path.join(WORK, 'ca-cert.pem');
	writeFileSync(caFile, ca.slice(0, ca.indexOf('-----BEGIN ENCRYPTED PRIVATE KEY-----')));
	const rk = await raw(srv, 'GET', '/receipt-key.pem');
	assert.equal(rk.status, 200);
	rkeyFile = path.join(WORK, 'receipt-key.pem');
	writeFileSync(rkeyFile, rk.text);
});

after(async () => {
	await srv?.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

// ------------------------------------------------------------ helpers

async function run(cmd, args, env = {}) {
	for (let attempt = 0; ; attempt++) {
		const r = await new Promise((resolve) => {
			execFile(cmd, args, { cwd: WORK, env: { ...process.env, ...env }, timeout: 120e3, encoding: 'utf8' },
				(err, stdout, stderr) => {
					const c = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
					resolve({ code: c, stdout: stdout || '', stderr: stderr || '', spawnError: c === -1 ? err.code : null });
				});
		});
		if (!['ETXTBSY', 'ENOENT', 'EACCES'].includes(r.spawnError) || attempt >= 20) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

const g2b = (args, who) => run(G2B, args, { G2B_PASSWORD: who ? who.password : '', G2B_KEY_PASSWORD: KEYPASS });
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const b64 = (b) => Buffer.from(b).toString('base64');

function fields(out) {
	const o = {};
	for (const l of out.split('\n')) {
		const m = l.match(/^([a-z0-9-]+): (.*)$/);
		if (m && !(m[1] in o)) o[m[1]] = m[2];
	}
	return o;
}

// A datetime-local value in Korea time, `ms` from now.
function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

// A notice drafted by the agency user and published by the officer.
async function published(title) {
	const f = {
		title, family: 'goods', base_amount: '125,000,000', budget: '130,000,000', contract_method: 'open',
		award_method: 'lowest', range: '2', region_limit: '', category_limit: '', bid_start: kst(DAY),
		bid_close: kst(8 * DAY), opening_at: kst(8 * DAY + HOUR), officer: ids.officer,
		item_code: [cat.it1, cat.it2, '', '', ''], item_qty: ['10', '2.5', '', '', ''], item_unit: ['대', '식', '', '', ''],
	};
	assert.equal((await agency.get('/notices/new')).status, 200);
	const r = await agency.post('/notices/new', f);
	assert.equal(r.status, 303, 'draft saved');
	const id = r.location.match(/^\/notices\/(\d+)\?ok=saved$/)[1];
	await officer.get(`/notices/${id}/publish`);
	const p = await officer.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
	assert.equal(p.status, 303, 'published');
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute'
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
	return id;
}

async function bidinfo(id) {
	const r = await raw(srv, 'GET', `/api/notices/${id}/bidinfo`);
	assert.equal(r.status, 200);
	return JSON.parse(r.text);
}

// An approved supplier (a copy of the demo supplier with a fresh number)
// with a g2b key file and a certificate of the portal CA for its user.
async function bidder(label, region = '11') {
	const login = uniqueLogin('xb');
	const bizno = freshBizno();
	const company = `(주)${label} ${T}`;
	const [[orgId, userId]] = await srv.sql(`WITH d AS (SELECT * FROM portal.org WHERE id = ${ids.demoSupplierOrg}),
		o AS (INSERT INTO portal.org (kind, status, name, region, address, bizno, representative, biz_type, licences,
			contact_name, email, phone, reviewed_at)
			SELECT kind, 'approved', ${q(company)}, ${q(region)}, address, ${q(bizno)}, representative, biz_type, licences,
			contact_name, ${q(`${login}@test.example`)}, phone, now() FROM d RETURNING id),
		c AS (INSERT INTO portal.org_category (org_id, code)
			SELECT o.id, x.code FROM o, portal.org_category x WHERE x.org_id = ${ids.demoSupplierOrg}),
		u AS (INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
			SELECT ${q(login)}, o.id, 'supplier', '입찰담당', ${q(`${login}@test.example`)},
			(SELECT pwhash FROM portal.users WHERE login = 'supplier') FROM o RETURNING id, org_id)
		SELECT org_id, id FROM u`);
	const b = { login, password: DEMO.supplier[1], orgId, userId, bizno, company, label };
	await newCert(b);
	return b;
}

async function newCert(b) {
	const n = tag();
	b.key = path.join(WORK, `${b.login}-key-${n}.json`);
	b.cert = path.join(WORK, `${b.login}-cert-${n}.pem`);
	const k = await g2b(['keygen', '--out', b.key, '--iterations', '1000'], b);
	assert.equal(k.code, 0, k.stderr);
	const c = await g2b(['cert', '--server', srv.base, '--user', b.login, '--key', b.key, '--out', b.cert], b);
	assert.equal(c.code, 0, c.stderr);
	b.serial = fields(c.stdout).serial;
	b.person = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'utf8,sep_multiline,lname', '-in', b.cert])
		.toString().match(/^\s*commonName=(.*)$/m)[1].trim();
	return b;
}

// The supplier's back office: an API token of its user and a system
// certificate for a key of its own.
async function backOffice(b) {
	const c = await loginAs(srv, b.login, b.password);
	await c.get('/account/api-tokens');
	const made = await c.post('/account/api-tokens', { action: 'create', label: `ERP ${b.login}` });
	assert.equal(made.status, 201);
	b.token = made.text.match(/<code id="new-token">([^<]+)<\/code>/)[1];
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	b.sysKey = path.join(WORK, `${b.login}-system-key.pem`);
	b.sysCert = path.join(WORK, `${b.login}-system-cert.pem`);
	writeFileSync(b.sysKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const r = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${b.token}` } });
	assert.equal(r.status, 201, r.text);
	writeFileSync(b.sysCert, r.text);
	b.session = c;
	return b;
}

// What the browser would post for a bid (g2b prepare-bid, offline).
async function prepared(b, notice, amount, picks = [1, 2]) {
	const info = await bidinfo(notice);
	const pub = path.join(WORK, `notice-${notice}-${tag()}.pem`);
	writeFileSync(pub, info.public_key);
	const r = await g2b(['prepare-bid', '--pubkey', pub, '--notice', String(notice), '--notice-no', info.notice_no,
		'--order', String(info.order), '--key', b.key, '--cert', b.cert, '--amount', String(amount),
		'--picks', picks.join(','), '--out', '-'], b);
	assert.equal(r.code, 0, r.stderr);
	return Object.fromEntries(new URLSearchParams(r.stdout.trim()));
}

// The Tender document of a prepared bid (`edit` may change the XML).
function tender(b, p, edit = (x) => x) {
	seq += 1;
	const c = Object.fromEntries(p.canonical.trim().split('\n').slice(1).map((l) => l.split(/:(.*)/s).slice(0, 2)));
	const der = execFileSync('openssl', ['x509', '-outform', 'DER'], { input: p.certificate });
	const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Tender xmlns="urn:g2b:edoc:1">
	<CustomizationID>urn:g2b:edoc:1.0</CustomizationID>
	<ID>TND-${b.bizno}-${T}-${seq}</ID>
	<IssueDateTime>${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}</IssueDateTime>
	<ContractFolderID>${c['notice-no']}</ContractFolderID>
	<NoticeOrder>${c.order}</NoticeOrder>
	<TendererParty>
		<BusinessRegistrationNumber>${c.bizno}</BusinessRegistrationNumber>
		<Name>${b.company}</Name>
	</TendererParty>
	<SubmitterName>${b.person}</SubmitterName>
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
		<CanonicalTender>${b64(p.canonical)}</CanonicalTender>
		<SignatureMethod>ECDSA-P256-SHA256</SignatureMethod>
		<SignatureValue>${p.signature}</SignatureValue>
		<SignerCertificate>${der.toString('base64')}</SignerCertificate>
	</TenderSignature>
</Tender>
`;
	return edit(xml);
}

// Signed with the back office's system key by g2b-edoc.
function signed(b, xml) {
	const inp = path.join(WORK, `t-${seq}.xml`);
	const out = path.join(WORK, `t-${seq}.signed.xml`);
	writeFileSync(inp, xml);
	execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', b.sysKey, '--cert', b.sysCert, inp, out],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	return readFileSync(out);
}

function post(b, body) {
	return raw(srv, 'POST', '/api/edoc', {
		body, headers: { 'content-type': 'application/xml', authorization: `Bearer ${b.token}` } });
}

const code = (xml) => (xml.match(/<ResponseCode>([^<]+)<\/ResponseCode>/) || [])[1];
const problems = (xml) => [...xml.matchAll(/<Problem><Code>([^<]+)<\/Code><Description>([^<]*)<\/Description>(?:<LineNumber>(\d+)<\/LineNumber>)?/g)]
	.map((m) => ({ code: m[1], text: m[2], line: m[3] ? Number(m[3]) : 0 }));

// Valid under the schemas and signed by a certificate of the portal CA.
function checkSigned(xml, schema = 'edoc.xsd') {
	const f = path.join(WORK, `doc-${tag()}.xml`);
	writeFileSync(f, xml);
	execFileSync('xmllint', ['--noout', '--nonet', '--schema', path.join(ROOT, 'xsd', schema), f], { stdio: 'pipe' });
	execFileSync('xmlsec1', ['--verify', '--trusted-pem', caFile, f], { stdio: 'pipe' });
}

async function writes() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.bid), (SELECT count(*) FROM bidding.bid_chain),
		(SELECT count(*) FROM portal.audit WHERE event LIKE 'bid.%')`))[0];
}

// A refusal: the status, the problem code, a signed Rejected answer, no bid.
async function refused(b, body, status, pcode) {
	const w = await writes();
	const r = await post(b, body);
	assert.equal(r.status, status, r.text);
	assert.equal(code(r.text), 'Rejected');
	checkSigned(r.text);
	const p = problems(r.text);
	assert.ok(p.some((x) => x.code === pcode), `${pcode} in ${JSON.stringify(p)}`);
	assert.deepEqual(await writes(), w, `${pcode}: nothing written`);
	const [[res, http]] = await srv.sql(`SELECT result, http_status FROM exchange.document
		WHERE sha256 = '\\x${sha256(body)}' ORDER BY id DESC LIMIT 1`);
	assert.deepEqual([res, http], ['rejected', String(status)]);
	return p;
}

// ------------------------------------------------------------ tests

let X; // the bidder through the exchange
let B; // a bidder through the browser's endpoint
let notice;
let accepted; // { body, answer, hash, receipt }

test('a supplier system posts a signed Tender: a signed acknowledgement with the receipt; one bid', SLOW, async () => {
	[X, B] = await Promise.all([bidder('교환'), bidder('브라우저')]);
	await backOffice(X);
	notice = await published(`교환 입찰 ${T}`);
	const p = await prepared(X, notice, 121000000, [3, 9]);
	const body = signed(X, tender(X, p));
	const w = await writes();
	const r = await post(X, body);
	assert.equal(r.status, 200, r.text);
	assert.equal(code(r.text), 'Accepted');
	checkSigned(r.text);
	checkSigned(r.text, 'response.xsd');
	assert.match(r.text, new RegExp(`<DocumentHash>${sha256(body)}</DocumentHash>`));

	// The bid, once, as the browser's path stores it.
	const hash = sha256(p.canonical);
	const rows = await srv.sql(`SELECT b.id, b.receipt_no, b.org_id, b.user_id,
		encode(convert_to(b.canonical, 'UTF8'), 'hex'), encode(b.sealed, 'hex'), b.status, c.serial
		FROM bidding.bid b JOIN bidding.cert c ON c.id = b.cert_id WHERE b.bid_hash = '\\x${hash}'`);
	assert.equal(rows.length, 1);
	const [bidId, receiptNo, org, user, canonical, sealed, status, serial] = rows[0];
	assert.deepEqual([org, user, canonical, sealed, status, serial], [X.orgId, X.userId,
		Buffer.from(p.canonical).toString('hex'), Buffer.from(p.sealed, 'base64').toString('hex'), 'live', X.serial]);
	const after = await writes();
	assert.deepEqual(after.map(Number), w.map((n) => Number(n) + 1), 'one bid, one chain entry, one audit row');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit WHERE event = 'bid.submit'
		AND detail->>'receipt' = ${q(receiptNo)}`), '1');

	// The receipt in the answer: number, time, hash, and the receipt key's
	// signature, which openssl checks offline.
	const rc = r.text.match(/<TenderReceipt>([\s\S]*)<\/TenderReceipt>/)[1];
	assert.match(rc, new RegExp(`<ReceiptNumber>${receiptNo}</ReceiptNumber>`));
	assert.match(rc, new RegExp(`<DocumentHash>${hash}</DocumentHash>`));
	assert.match(rc, new RegExp(`<ID>BID-${bidId}</ID>`));
	const text = Buffer.from(rc.match(/<ReceiptText>([^<]+)</)[1], 'base64');
	const sig = Buffer.from(rc.match(/<ReceiptSignature>[\s\S]*<SignatureValue>([^<]+)</)[1], 'base64');
	const received = await one(srv, `SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
		FROM bidding.bid WHERE id = ${bidId}`);
	const info = await bidinfo(notice);
	assert.equal(text.toString(), `g2b-receipt-v1\nreceipt:${receiptNo}\nnotice-no:${info.notice_no}\norder:${info.order}\n`
		+ `bizno:${X.bizno}\nbid-sha256:${hash}\nreceived:${received}\n`);
	const tf = path.join(WORK, 'receipt.txt');
	const sf = path.join(WORK, 'receipt.sig');
	writeFileSync(tf, text);
	writeFileSync(sf, sig);
	assert.match(execFileSync('openssl', ['dgst', '-sha256', '-verify', rkeyFile, '-signature', sf, tf]).toString(), /Verified OK/);
	const v = await g2b(['verify-receipt', '--receipt', tf, '--sig', sf, '--pubkey', rkeyFile]);
	assert.equal(v.code, 0, v.stderr);

	// The document box: accepted, verified, linked to the notice.
	const [box] = await srv.sql(`SELECT doc_type, sig_status, result, http_status, notice_id, sender_org, receiver_org IS NULL
		FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`);
	assert.deepEqual(box, ['Tender', 'verified', 'accepted', '200', String(notice), X.orgId, 't']);

	// The same document again: the first answer, byte for byte; no new bid.
	const again = await post(X, body);
	assert.equal(again.status, 200);
	assert.equal(again.text, r.text);
	assert.deepEqual(await writes(), after);
	assert.equal(await one(srv, `SELECT count(*) FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`), '1');
	// Another document carrying the same signed bid, made, signed and sent
	// by g2b-edoc (tender, sign, send): the first receipt.
	const form = path.join(WORK, 'bid.form');
	writeFileSync(form, `${new URLSearchParams(p).toString()}\n`);
	const xsd = ['--xsd', path.join(ROOT, 'xsd')];
	const made = execFileSync(EDOC, [...xsd, 'tender', '--name', X.company, form, path.join(WORK, 'cli-tender.xml')]).toString();
	assert.match(made, new RegExp(`bid-sha256 ${hash}`));
	execFileSync(EDOC, [...xsd, 'sign', '--key', X.sysKey, '--cert', X.sysCert, path.join(WORK, 'cli-tender.xml'),
		path.join(WORK, 'cli-tender.signed.xml')], { stdio: 'pipe' });
	const sent = await run(EDOC, [...xsd, 'send', '--server', srv.base, '--ca', caFile, path.join(WORK, 'cli-tender.signed.xml'),
		path.join(WORK, 'cli-answer.xml')], { G2B_TOKEN: X.token });
	assert.equal(sent.code, 0, sent.stdout + sent.stderr);
	const r2 = readFileSync(path.join(WORK, 'cli-answer.xml'), 'utf8');
	assert.match(r2, new RegExp(`<ReceiptNumber>${receiptNo}</ReceiptNumber>`));
	assert.deepEqual(await writes(), after);

	// The outbound receipt carries the same signed text.
	const out = await X.session.get(`/api/edoc/receipts/${bidId}`);
	assert.equal(out.status, 200);
	checkSigned(out.text, 'receipt.xsd');
	assert.equal(out.text.match(/<ReceiptText>([^<]+)</)[1], b64(text));
	accepted = { body, hash, receiptNo, bidId, amount: 121000000 };
});

test('refusals: each a precise problem code, a signed error document, and no bid', SLOW, async () => {
	// The sealed part changed after signing (its hash kept).
	let p = await prepared(X, notice, 119000000);
	const env = Buffer.from(p.sealed, 'base64');
	env[env.length - 1] ^= 1;
	await refused(X, signed(X, tender(X, p, (x) => x.replace(p.sealed, env.toString('base64')))), 422, 'sealed-hash');
	// The bid signature of another bid.
	const p2 = await prepared(X, notice, 118000000);
	await refused(X, signed(X, tender(X, p, (x) => x.replace(p.signature, p2.signature))), 422, 'bid-signature');
	// The document says another amount of nothing but its own nonce.
	const pr = await refused(X, signed(X, tender(X, p, (x) => x.replace(/<Nonce>[0-9a-f]+</, '<Nonce>00000000000000000000000000000000<'))),
		422, 'canonical-mismatch');
	assert.ok(pr[0].line > 0, 'the problem has its line');
	// Without TenderSignature.
	await refused(X, signed(X, tender(X, p, (x) => x.replace(/\s*<TenderSignature>[\s\S]*<\/TenderSignature>/, ''))),
		422, 'tender-signature');
	// SubmitterName is not the person of the bid's certificate: read
	// once the certificate's chain is checked (no other problem).
	await refused(X, signed(X, tender(X, p, (x) => x.replace(/<SubmitterName>[^<]*</, '<SubmitterName>다른 사람<'))),
		422, 'party-mismatch');
	// SignerCertificate is not a certificate: one DER element of
	// nothing (read in the same place), then bytes that are not DER.
	const seq = Buffer.concat([Buffer.from([0x30, 0x76]), Buffer.alloc(118, 0x41)]);
	for (const junk of [seq.toString('base64'), Buffer.alloc(120).toString('base64')]) {
		await refused(X, signed(X, tender(X, p, (x) => x.replace(/<SignerCertificate>[^<]*</,
			`<SignerCertificate>${junk}<`))), 422, 'certificate-invalid');
	}
	// Another supplier's bid, sent by this supplier's system.
	const pb = await prepared(B, notice, 117000000);
	await refused(X, signed(X, tender(B, pb)), 422, 'party-mismatch');

	// A revoked certificate of the bidding user.
	const revoked = await newCert({ ...X });
	p = await prepared(revoked, notice, 116000000);
	await srv.sql(`UPDATE bidding.cert SET revoked_at = now(), revoked_by = ${X.userId} WHERE serial = ${q(revoked.serial)}`);
	await refused(X, signed(X, tender(revoked, p)), 403, 'certificate-revoked');

	// Not eligible: the notice restricted to another region.
	p = await prepared(X, notice, 115000000);
	const ord = `ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${notice})`;
	await srv.sql(`UPDATE bidding.notice_version SET region_limit = '26' WHERE notice_id = ${notice} AND ${ord}`);
	await refused(X, signed(X, tender(X, p)), 403, 'not-eligible-region');
	await srv.sql(`UPDATE bidding.notice_version SET region_limit = NULL WHERE notice_id = ${notice} AND ${ord}`);

	// Sanctioned today.
	const sid = await one(srv, `INSERT INTO bidding.sanction (org_id, starts, ends, reason, created_by)
		VALUES (${X.orgId}, current_date - 1, current_date + 30, '입찰 담합', ${ids.officer}) RETURNING id`);
	await refused(X, signed(X, tender(X, p)), 403, 'sanctioned');
	await srv.sql(`UPDATE bidding.sanction SET lifted_at = now(), lifted_by = ${ids.officer} WHERE id = ${sid}`);

	// One live bid per bidder: the first must be withdrawn first.
	await refused(X, signed(X, tender(X, p)), 409, 'live-bid-exists');
});

test('the exchange bid opens with a bid made through the browser endpoint; late is refused', SLOW, async () => {
	const br = await g2b(['bid', '--server', srv.base, '--user', B.login, '--key', B.key, '--cert', B.cert,
		'--notice', String(notice), '--amount', '123000000', '--picks', '2,7', '--receipt-out', path.join(WORK, 'b-receipt')], B);
	assert.equal(br.code, 0, br.stderr);
	const browserBid = fields(br.stdout)['bid-id'];

	// Late: the period ended a moment ago (by the server's clock).
	const late = await prepared(X, notice, 114000000);
	await srv.sql(`UPDATE bidding.notice_version SET bid_close = now() - interval '2 seconds',
		opening_at = now() - interval '1 second'
		WHERE notice_id = ${notice} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${notice})`);
	await refused(X, signed(X, tender(X, late)), 422, 'closed');

	const c = await loginAs(srv, ...DEMO.officer);
	const csrf = JSON.parse((await c.get('/api/csrf')).text).csrf;
	const opened = await c.request('POST', `/notices/${notice}/open`, { csrf, passphrase: PASS });
	assert.equal(opened.status, 303, `opening refused (${opened.status})`);
	const res = await srv.sql(`SELECT b.id, r.amount, r.valid, r.rank FROM bidding.bid_result r
		JOIN bidding.bid b ON b.id = r.bid_id WHERE r.notice_id = ${notice} ORDER BY b.id`);
	assert.deepEqual(res.map((x) => x.slice(0, 3)), [
		[accepted.bidId, String(accepted.amount), 't'], [browserBid, '123000000', 't']]);
	assert.equal(await one(srv, `SELECT status FROM bidding.bid WHERE id = ${accepted.bidId}`), 'opened');
});

test('outbound Contract: valid under contract.xsd, signed by the portal, to its two parties only', async () => {
	const [[cid, cno, supplier, amount]] = await srv.sql(`SELECT id, contract_no, supplier_id, amount
		FROM bidding.contract WHERE notice_id = ${notice}`);
	const r = await agency.get(`/api/edoc/contracts/${cid}`);
	assert.equal(r.status, 200, r.text);
	assert.match(r.headers.get('content-type'), /^application\/xml/);
	checkSigned(r.text, 'contract.xsd');
	assert.match(r.text, new RegExp(`<ContractID>${cno}</ContractID>`));
	assert.match(r.text, new RegExp(`<LumpSumAmount currencyID="KRW">${amount}</LumpSumAmount>`));
	assert.equal([...r.text.matchAll(/<ContractItem>/g)].length, 2, 'the notice items');
	assert.ok(!r.text.includes('<UnitPrice'), 'a lump-sum contract has no unit prices');
	const [[dir, type, docId, cref]] = await srv.sql(`SELECT direction, doc_type, doc_id, contract_id FROM exchange.document
		WHERE direction = 'out' AND doc_type = 'Contract' ORDER BY id DESC LIMIT 1`);
	assert.deepEqual([dir, type, docId, cref], ['out', 'Contract', `CTR-${cno}`, cid]);
	// The winning supplier's system, with its token.
	const winner = supplier === X.orgId ? X : B;
	const loser = winner === X ? B : X;
	if (!winner.token) await backOffice(winner);
	const w = await raw(srv, 'GET', `/api/edoc/contracts/${cid}`, { headers: { authorization: `Bearer ${winner.token}` } });
	assert.equal(w.status, 200);
	checkSigned(w.text, 'contract.xsd');
	// Anyone else: not found; nobody: 401.
	if (!loser.token) await backOffice(loser);
	const l = await raw(srv, 'GET', `/api/edoc/contracts/${cid}`, { headers: { authorization: `Bearer ${loser.token}` } });
	assert.equal(l.status, 404);
	assert.equal((await raw(srv, 'GET', `/api/edoc/contracts/${cid}`)).status, 401);
});

test('a crash between the bid and its answer: the row waits and the same document completes it; identical documents at once get one answer', SLOW, async () => {
	const [Y, Z] = await Promise.all([bidder('복구'), bidder('동시')]);
	await Promise.all([backOffice(Y), backOffice(Z)]);
	const n2 = await published(`교환 입찰 복구 ${T}`);
	const docRows = async (body) => one(srv, `SELECT count(*) FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`);
	const audits = async (body) => one(srv, `SELECT count(*) FROM portal.audit a JOIN exchange.document d
		ON d.id = (a.detail->>'document')::bigint WHERE a.event = 'edoc.accepted' AND d.sha256 = '\\x${sha256(body)}'`);

	// The bid, its row (linked to the notice, audited) and the token's use.
	const p = await prepared(Y, n2, 122000000, [4, 11]);
	const body = signed(Y, tender(Y, p));
	await srv.sql(`UPDATE exchange.token SET last_used_at = NULL WHERE org_id = ${Y.orgId}`);
	const first = await post(Y, body);
	assert.equal(first.status, 200, first.text);
	assert.equal(code(first.text), 'Accepted');
	const receipt = first.text.match(/<ReceiptNumber>([^<]+)</)[1];
	assert.equal(await one(srv, `SELECT last_used_at > now() - interval '1 minute' FROM exchange.token
		WHERE org_id = ${Y.orgId}`), 't', 'the transaction of the document stamps the token');
	const [row] = await srv.sql(`SELECT id, result, http_status, notice_id, convert_from(answer, 'UTF8') = ${q(first.text)}
		FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`);
	assert.deepEqual(row.slice(1), ['accepted', '200', String(n2), 't']);
	assert.equal(await audits(body), '1');

	// What a crash after the bid's commit and before the answer's leaves: the
	// row without its answer. The box offers no answer to download, and the
	// document sent again gets the first receipt, completes the row and
	// writes no second bid, row or audit entry.
	assert.equal((await Y.session.get(`/edoc/${row[0]}/answer.xml`)).status, 200);
	await srv.sql(`UPDATE exchange.document SET answer = NULL WHERE id = ${row[0]}`);
	assert.equal((await Y.session.get(`/edoc/${row[0]}/answer.xml`)).status, 404);
	const w = await writes();
	const again = await post(Y, body);
	assert.equal(again.status, 200, again.text);
	assert.equal(code(again.text), 'Accepted');
	checkSigned(again.text, 'response.xsd');
	assert.equal(again.text.match(/<ReceiptNumber>([^<]+)</)[1], receipt);
	assert.deepEqual(await writes(), w);
	assert.equal(await docRows(body), '1');
	assert.equal(await audits(body), '1');
	assert.equal(await one(srv, `SELECT convert_from(answer, 'UTF8') = ${q(again.text)} FROM exchange.document
		WHERE id = ${row[0]}`), 't');
	// From now on that answer, byte for byte.
	assert.equal((await post(Y, body)).text, again.text);

	// The same document four times at once: one bid, one row, one answer.
	const pz = await prepared(Z, n2, 124000000, [5, 6]);
	const bz = signed(Z, tender(Z, pz));
	const wz = await writes();
	const rs = await Promise.all([1, 2, 3, 4].map(() => post(Z, bz)));
	for (const r of rs) {
		assert.equal(r.status, 200, r.text);
		assert.equal(r.text, rs[0].text);
	}
	assert.equal(code(rs[0].text), 'Accepted');
	assert.deepEqual((await writes()).map(Number), wz.map((x) => Number(x) + 1));
	assert.equal(await docRows(bz), '1');
	assert.equal(await audits(bz), '1');
});

test('an address that sends 20 unknown tokens is throttled: 429 with Retry-After, good tokens included', async () => {
	const { randomBytes } = await import('node:crypto');
	await srv.sql('DELETE FROM exchange.auth_failure');
	const body = readFileSync(path.join(ROOT, 'xsd/samples/bid/valid-bid.xml'));
	const bad = () => raw(srv, 'POST', '/api/edoc', {
		body, headers: { 'content-type': 'application/xml', authorization: `Bearer ${randomBytes(32).toString('base64url')}` } });
	for (let i = 0; i < 20; i++) assert.equal((await bad()).status, 401);
	assert.equal(await one(srv, "SELECT failures FROM exchange.auth_failure WHERE ip = '127.0.0.1'"), '20');
	const r = await bad();
	assert.equal(r.status, 429);
	const after = Number(r.headers.get('retry-after'));
	assert.ok(after > 0 && after <= 600, `Retry-After ${r.headers.get('retry-after')}`);
	assert.equal(code(r.text), 'Rejected');
	checkSigned(r.text);
	assert.deepEqual(problems(r.text).map((p) => p.code), ['throttled']);
	// Good tokens from that address too, on every exchange endpoint.
	assert.equal((await post(X, body)).status, 429);
	const out = await raw(srv, 'GET', `/api/edoc/receipts/${accepted.bidId}`, { headers: { authorization: `Bearer ${X.token}` } });
	assert.equal(out.status, 429);
	assert.ok(Number(out.headers.get('retry-after')) > 0);
	const cert = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: '{"spki":"-----BEGIN PUBLIC KEY-----"}', headers: { 'content-type': 'application/json', authorization: `Bearer ${X.token}` } });
	assert.equal(cert.status, 429);
	// Throttled requests are not counted; once the window has passed the
	// address is served again.
	assert.equal(await one(srv, "SELECT failures FROM exchange.auth_failure WHERE ip = '127.0.0.1'"), '20');
	await srv.sql("UPDATE exchange.auth_failure SET window_start = now() - interval '11 minutes'");
	const ok = await raw(srv, 'GET', `/api/edoc/receipts/${accepted.bidId}`, { headers: { authorization: `Bearer ${X.token}` } });
	assert.equal(ok.status, 200);
	assert.equal((await bad()).status, 401);
	assert.equal(await one(srv, "SELECT failures FROM exchange.auth_failure WHERE ip = '127.0.0.1'"), '1');
});
