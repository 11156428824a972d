// The e-document exchange (issue 4) end to end: an agency's system gets an
// API token (shown once, stored hashed) and a system certificate from the
// portal CA for a key made here, posts a signed CallForTenders and gets a
// portal-signed Accepted answer (checked with xmlsec1 against the portal
// CA) and a draft notice with the mapped fields; the same bytes again get
// the same answer and no second row; every kind of bad input gets a
// precise error document and creates no notice; the document box lists and
// serves the documents to their organisation only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, OUT } from '../lib/harness.mjs';
import { boot, one, q, loginAs, DEMO, raw, tag, newSupplier } from './helpers.mjs';

const T = tag();
const EDOC = path.join(ROOT, 'build/g2b-edoc');
const SAMPLE = readFileSync(path.join(ROOT, 'xsd/samples/notice/valid-registration.xml'), 'utf8');

let srv;
let WORK;
let agency; // the demo agency user's browser session
let agencyCode;
let agencyOrg;
let token; // the agency system's API token
let keyFile; // its private key (PEM)
let certFile; // the certificate the portal CA issued for it
let caFile; // the portal CA certificate
let seq = 0;
let acceptedTitle; // the draft made from the first accepted document
let publishedId; // that notice, once published
let bidId; // the demo supplier's bid on it

function isoIn(days, hour) {
	const d = new Date(Date.now() + days * 86400e3);
	d.setUTCHours(hour, 0, 0, 0);
	return d.toISOString().replace(/\.000Z$/, 'Z');
}

// A fresh registration document of the demo agency (unique ID and title).
function notice(over = {}) {
	seq += 1;
	const title = over.title || `교환 테스트 공고 ${T}-${seq}`;
	let x = SAMPLE
		.replace('<ID>CFT-20261123456-00</ID>', `<ID>CFT-${T}-${seq}</ID>`)
		.replace('<AgencyCode>1230000</AgencyCode>', `<AgencyCode>${over.agencyCode || agencyCode}</AgencyCode>`)
		.replace('<Name>2027학년도 초등학교 교실 노트북 구매</Name>', `<Name>${title}</Name>`)
		.replace('<CommodityCode>4321150101</CommodityCode>', `<CommodityCode>${srv.cats[0]}01</CommodityCode>`)
		.replace('<CommodityCode>43211507</CommodityCode>', `<CommodityCode>${srv.cats[1]}</CommodityCode>`)
		.replace('<CategoryRestriction>4321</CategoryRestriction>', '')
		.replace(/<StartDateTime>[^<]+</, `<StartDateTime>${isoIn(2, 1)}<`)
		.replace(/<EndDateTime>[^<]+</, `<EndDateTime>${isoIn(9, 1)}<`)
		.replace(/<OpeningDateTime>[^<]+</, `<OpeningDateTime>${isoIn(9, 2)}<`)
		.replace(/\s*<Attachments>[\s\S]*<\/Attachments>/, '');
	if (over.edit) x = over.edit(x);
	return { xml: x, title };
}

// Run a command; resolves with its exit code and output (never throws).
async function run(cmd, args, env = process.env) {
	try {
		const { stdout, stderr } = await promisify(execFile)(cmd, args, { env });
		return { code: 0, stdout, stderr };
	} catch (e) {
		return { code: e.code, stdout: e.stdout || '', stderr: e.stderr || '' };
	}
}

function sign(xml, key = keyFile, cert = certFile) {
	const inp = path.join(WORK, `in-${seq}.xml`);
	const out = path.join(WORK, `out-${seq}.xml`);
	writeFileSync(inp, xml);
	execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', key, '--cert', cert, inp, out],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	return readFileSync(out);
}

function post(body, { tok = token, ctype = 'application/xml' } = {}) {
	const headers = { 'content-type': ctype };
	if (tok !== null) headers.authorization = `Bearer ${tok}`;
	return raw(srv, 'POST', '/api/edoc', { body, headers });
}

function code(xml) {
	const m = xml.match(/<ResponseCode>([^<]+)<\/ResponseCode>/);
	return m && m[1];
}

function problems(xml) {
	return [...xml.matchAll(/<Problem><Code>([^<]+)<\/Code><Description>([^<]*)<\/Description>(?:<LineNumber>(\d+)<\/LineNumber>)?/g)]
		.map((m) => ({ code: m[1], text: m[2], line: m[3] ? Number(m[3]) : 0 }));
}

// The answer is a valid ApplicationResponse signed by the portal.
function checkAnswer(xml, sha) {
	const f = path.join(WORK, `answer-${seq}-${Math.random().toString(36).slice(2)}.xml`);
	writeFileSync(f, xml);
	execFileSync('xmllint', ['--noout', '--schema', path.join(ROOT, 'xsd/edoc.xsd'), f], { stdio: 'pipe' });
	execFileSync('xmlsec1', ['--verify', '--trusted-pem', caFile, f], { stdio: 'pipe' });
	if (sha) assert.match(xml, new RegExp(`<DocumentHash>${sha}</DocumentHash>`));
}

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const drafts = (title) => one(srv, `SELECT count(*) FROM bidding.notice n JOIN bidding.notice_version v
	ON v.notice_id = n.id AND v.ord = 0 WHERE v.title = ${q(title)}`);
const boxRows = (sha) => one(srv, `SELECT count(*) FROM exchange.document WHERE sha256 = '\\x${sha}'`);

before(async () => {
	srv = await boot();
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-exchange-'));
	agency = await loginAs(srv, ...DEMO.agency);
	[[agencyCode, agencyOrg]] = await srv.sql(`SELECT o.agency_code, o.id FROM portal.users u
		JOIN portal.org o ON o.id = u.org_id WHERE u.login = 'agency'`);
	const ca = readFileSync(path.join(OUT, 'ca', 'ca.pem'), 'utf8');
	caFile = path.join(WORK, 'ca-cert.pem');
	writeFileSync(caFile, ca.slice(0, ca.indexOf('-----BEGIN ENCRYPTED PRIVATE KEY-----')));
});

after(async () => {
	if (srv) await srv.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

test('an agency user makes an API token, shown once and stored as a hash', async () => {
	const page = await agency.get('/account/api-tokens');
	assert.equal(page.status, 200);
	const r = await agency.post('/account/api-tokens', { action: 'create', label: `ERP ${T}` });
	assert.equal(r.status, 201);
	const m = r.text.match(/<code id="new-token">([A-Za-z0-9_-]{43})<\/code>/);
	assert.ok(m, 'the new token is on the page');
	token = m[1];
	const stored = await one(srv, `SELECT encode(token_hash, 'hex') FROM exchange.token WHERE label = ${q(`ERP ${T}`)}`);
	assert.equal(stored, sha256(token));
	const again = await agency.get('/account/api-tokens');
	assert.ok(!again.text.includes(token), 'the token is never shown again');
	assert.ok(again.text.includes(`ERP ${T}`));
	// A label is required; nothing is made without one.
	const before = await one(srv, 'SELECT count(*) FROM exchange.token');
	const bad = await agency.post('/account/api-tokens', { action: 'create', label: '' });
	assert.equal(bad.status, 200);
	assert.match(bad.text, /class="err" id="e-label"/);
	assert.equal(await one(srv, 'SELECT count(*) FROM exchange.token'), before);
	// No CSRF token, no change.
	const forged = await agency.request('POST', '/account/api-tokens', { action: 'create', label: 'x' });
	assert.equal(forged.status, 403);
});

test('the system gets a certificate from the portal CA for its own key', async () => {
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const spki = publicKey.export({ type: 'spki', format: 'pem' });
	keyFile = path.join(WORK, 'system-key.pem');
	writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const noTok = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki }), headers: { 'content-type': 'application/json' } });
	assert.equal(noTok.status, 401);
	const bad = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki: 'nonsense' }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
	assert.equal(bad.status, 400);
	const r = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
	assert.equal(r.status, 201, r.text);
	assert.match(r.text, /^-----BEGIN CERTIFICATE-----/);
	certFile = path.join(WORK, 'system-cert.pem');
	writeFileSync(certFile, r.text);
	const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus', '-in', certFile]).toString();
	assert.match(subject, new RegExp(`serialNumber=000${agencyCode}`));
	execFileSync('openssl', ['verify', '-CAfile', caFile, '-purpose', 'smimesign', certFile], { stdio: 'pipe' });
	assert.equal(await one(srv, `SELECT count(*) FROM exchange.system_cert WHERE org_id = ${agencyOrg}`), '1');
	const page = await agency.get('/account/api-tokens');
	const serial = execFileSync('openssl', ['x509', '-noout', '-serial', '-in', certFile]).toString().trim().split('=')[1];
	assert.ok(page.text.includes(serial), 'the certificate is listed on the token page');
});

test('a signed CallForTenders makes a draft notice; a duplicate gets the first answer', async () => {
	const n = notice();
	const body = sign(n.xml);
	const sha = sha256(body);
	const r = await post(body);
	acceptedTitle = n.title;
	assert.equal(r.status, 200, r.text);
	assert.equal(code(r.text), 'Accepted');
	assert.match(r.headers.get('content-type'), /^application\/xml/);
	checkAnswer(r.text, sha);

	const [row] = await srv.sql(`SELECT v.family, v.base_amount, v.budget, v.contract_method, v.award_method,
		v.range_milli, coalesce(v.region_limit, ''), v.officer_id IS NULL, n.status, n.agency_id,
		(SELECT string_agg(code || ':' || quantity::text || ':' || unit, ',' ORDER BY line) FROM bidding.notice_item i
		  WHERE i.notice_id = n.id AND i.ord = 0)
		FROM bidding.notice n JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = 0
		WHERE v.title = ${q(n.title)}`);
	assert.deepEqual(row, ['goods', '495000000', '520000000', 'restricted', 'qualification', '2000', '11', 't',
		'draft', String(agencyOrg), `${srv.cats[0]}:450.000:EA,${srv.cats[1]}:15.000:SET`]);
	const [box] = await srv.sql(`SELECT direction, doc_type, doc_id, sig_status, result, http_status,
		notice_id IS NOT NULL, sender_org FROM exchange.document WHERE sha256 = '\\x${sha}'`);
	assert.deepEqual(box, ['in', 'CallForTenders', `CFT-${T}-${seq}`, 'verified', 'accepted', '200', 't', String(agencyOrg)]);
	// The box row keeps its sender, token and user (bidding/sql/014, in
	// place of keys): none of them can be deleted under it.
	const [tok, usr] = (await srv.sql(`SELECT token_id, user_id FROM exchange.document WHERE sha256 = '\\x${sha}'`))[0];
	await assert.rejects(srv.sql(`DELETE FROM exchange.token WHERE id = ${tok}`),
		/still referenced by exchange\.document\.token_id/);
	await assert.rejects(srv.sql(`DELETE FROM portal.org WHERE id = ${agencyOrg}`), /still referenced by/);
	await assert.rejects(srv.sql(`DELETE FROM portal.users WHERE id = ${usr}`), /still referenced by/);

	const again = await post(body);
	assert.equal(again.status, 200);
	assert.equal(again.text, r.text, 'the same answer, byte for byte');
	assert.equal(await boxRows(sha), '1');
	assert.equal(await drafts(n.title), '1');

	// The agency's document box lists it and serves both files.
	const page = await agency.get('/edoc');
	assert.equal(page.status, 200);
	assert.ok(page.text.includes(`CFT-${T}-${seq}`));
	const id = await one(srv, `SELECT id FROM exchange.document WHERE sha256 = '\\x${sha}'`);
	const doc = await agency.get(`/edoc/${id}/document.xml`);
	assert.equal(doc.status, 200);
	assert.equal(sha256(Buffer.from(doc.text)), sha);
	const ans = await agency.get(`/edoc/${id}/answer.xml`);
	assert.equal(ans.text, r.text);
	// Another organisation cannot see it.
	const other = await loginAs(srv, ...DEMO.supplier);
	assert.equal((await other.get(`/edoc/${id}/document.xml`)).status, 404);
	assert.ok(!(await other.get('/edoc')).text.includes(`CFT-${T}-${seq}`));
});

// Each bad document: status, the first problem code, no draft, and the
// answer is a valid, portal-signed error document.
async function refused(body, status, first, { title, stored = true, ...opts } = {}) {
	const r = await post(body, opts);
	assert.equal(r.status, status, r.text);
	assert.equal(code(r.text), 'Rejected');
	const p = problems(r.text);
	assert.ok(p.length > 0);
	assert.equal(p[0].code, first, JSON.stringify(p));
	checkAnswer(r.text, sha256(Buffer.from(body)));
	if (title) assert.equal(await drafts(title), '0');
	assert.equal(await boxRows(sha256(Buffer.from(body))), stored ? '1' : '0');
	return p;
}

test('the command-line client sends a signed document and trusts only an answer the portal CA signed', async () => {
	// The CA certificate is public.
	const ca = await raw(srv, 'GET', '/ca.pem');
	assert.equal(ca.status, 200);
	assert.equal(ca.text, readFileSync(caFile, 'utf8'));
	const n = notice();
	const doc = path.join(WORK, `cli-${seq}.xml`);
	writeFileSync(doc, sign(n.xml));
	const answer = path.join(WORK, `cli-${seq}-answer.xml`);
	const env = { ...process.env, G2B_TOKEN: token };
	const edoc = (args, e = env) => run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), ...args], e);
	let r = await edoc(['send', '--server', srv.base, '--ca', caFile, doc, answer]);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stderr, /HTTP 200 Accepted/);
	assert.match(readFileSync(answer, 'utf8'), /<ResponseCode>Accepted<\/ResponseCode>/);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice_version WHERE title = ${q(n.title)}`), '1');
	// A tampered document: the portal's signed Rejected answer, exit 1.
	const bad = readFileSync(doc, 'utf8').replace(n.title, `${n.title} 변조`);
	writeFileSync(doc, bad);
	r = await edoc(['send', '--server', srv.base, '--ca', caFile, doc, answer]);
	assert.equal(r.code, 1, r.stderr);
	assert.match(r.stderr, /HTTP 422 Rejected/);
	// Another CA: the answer is not trusted (exit 3), whatever it says.
	const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const otherKey = path.join(WORK, 'other-ca.key');
	const otherCa = path.join(WORK, 'other-ca.pem');
	writeFileSync(otherKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	execFileSync('openssl', ['req', '-x509', '-key', otherKey, '-subj', '/CN=Other CA', '-days', '2', '-out', otherCa]);
	writeFileSync(doc, sign(notice().xml));
	r = await edoc(['send', '--server', srv.base, '--ca', otherCa, doc, answer]);
	assert.equal(r.code, 3, r.stderr);
	assert.match(r.stderr, /not signed by a certificate of the portal CA/);
	// No token: refused before anything is sent.
	const noTok = { ...process.env };
	delete noTok.G2B_TOKEN;
	r = await edoc(['send', '--server', srv.base, '--ca', caFile, doc, answer], noTok);
	assert.equal(r.code, 2);
});

test('bad documents get precise error documents and create nothing', async () => {
	// Changed after signing.
	let n = notice();
	let body = sign(n.xml).toString().replace(n.title, `${n.title}X`);
	await refused(body, 422, 'signature-digest', { title: `${n.title}X` });

	// Not signed.
	n = notice();
	await refused(n.xml, 422, 'signature-missing', { title: n.title });

	// Signed by a key the portal never certified for this agency.
	n = notice();
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const otherKey = path.join(WORK, 'other-key.pem');
	writeFileSync(otherKey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const selfCert = path.join(WORK, 'other-cert.pem');
	execFileSync('openssl', ['req', '-new', '-x509', '-key', otherKey, '-subj', '/CN=other', '-days', '1', '-out', selfCert]);
	void publicKey;
	await refused(sign(n.xml, otherKey, selfCert), 422, 'signature-certificate', { title: n.title });

	// An entity bomb: any DOCTYPE is refused before anything is expanded.
	const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
		+ '<CallForTenders xmlns="urn:g2b:edoc:1">&lol2;</CallForTenders>';
	await refused(bomb, 422, 'doctype');

	// The wrong namespace.
	n = notice({ edit: (x) => x.replace('xmlns="urn:g2b:edoc:1"', 'xmlns="urn:example:other"') });
	await refused(n.xml, 422, 'namespace', { title: n.title });

	// Schema-invalid, with the line of the problem.
	n = notice({ edit: (x) => x.replace('<ProcurementTypeCode>goods</ProcurementTypeCode>',
		'<ProcurementTypeCode>toys</ProcurementTypeCode>') });
	const p = await refused(sign(n.xml.replace('toys', 'goods')).toString().replace('>goods<', '>toys<'), 422, 'schema',
		{ title: n.title });
	const line = n.xml.split('\n').findIndex((l) => l.includes('toys')) + 1;
	assert.ok(p.some((x) => x.code === 'schema' && x.line === line), JSON.stringify(p));

	// Another agency named as the contracting party.
	n = notice({ agencyCode: '1230000' });
	await refused(sign(n.xml), 422, 'party-mismatch', { title: n.title });

	// An amendment of a notice that is not the agency's.
	n = notice({ edit: (x) => x.replace('<NoticeOrder>0</NoticeOrder>\n\t<Registration/>',
		'<NoticeOrder>1</NoticeOrder>\n\t<Amendment><Reason>일정 변경</Reason><RebidRequired>false</RebidRequired></Amendment>') });
	await refused(sign(n.xml), 422, 'notice-not-found', { title: n.title });

	// Over EDOC_SIZE_MAX (4 MiB): a 413 error document, nothing stored.
	const big = Buffer.alloc(4 * 1024 * 1024 + 100, 0x20);
	const r = await post(big);
	assert.equal(r.status, 413);
	assert.match(r.text, /too-large/);
	assert.equal(await boxRows(sha256(big)), '0');
	// Far over it: refused before the body is read.
	const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
	assert.equal((await post(huge)).status, 413);
});

test('no token, a bad token or a revoked token: 401 with an error document; wrong role: 403', async () => {
	const n = notice();
	const body = sign(n.xml);
	await refused(body, 401, 'unauthorized', { tok: null, title: n.title, stored: false });
	await refused(body, 401, 'unauthorized', { tok: 'A'.repeat(43), title: n.title, stored: false });
	await refused(body, 401, 'unauthorized', { tok: 'short', title: n.title, stored: false });
	await refused(body, 415, 'content-type', { ctype: 'text/plain', title: n.title, stored: false });

	// A supplier's token may not send a CallForTenders.
	const sup = await loginAs(srv, ...DEMO.supplier);
	await sup.get('/account/api-tokens');
	const made = await sup.post('/account/api-tokens', { action: 'create', label: `supplier ${T}` });
	const stok = made.text.match(/<code id="new-token">([^<]+)<\/code>/)[1];
	const r = await post(body, { tok: stok });
	assert.equal(r.status, 403);
	assert.ok(problems(r.text).some((x) => x.code === 'forbidden'));
	checkAnswer(r.text);
	assert.equal(await drafts(n.title), '0');

	// Revoke the supplier token: 401 from then on.
	await sup.get('/account/api-tokens');
	const id = await one(srv, `SELECT id FROM exchange.token WHERE label = ${q(`supplier ${T}`)}`);
	const rv = await sup.post('/account/api-tokens', { action: 'revoke', id });
	assert.equal(rv.status, 303);
	assert.equal((await post(body, { tok: stok })).status, 401);
	// Another organisation's user cannot revoke the agency's token.
	const aid = await one(srv, `SELECT id FROM exchange.token WHERE label = ${q(`ERP ${T}`)}`);
	await sup.get('/account/api-tokens');
	assert.equal((await sup.post('/account/api-tokens', { action: 'revoke', id: aid })).status, 404);
	assert.equal(await one(srv, `SELECT revoked_at IS NULL FROM exchange.token WHERE id = ${aid}`), 't');
});

test('a revoked system certificate no longer verifies', async () => {
	await agency.get('/account/api-tokens');
	const id = await one(srv, `SELECT id FROM exchange.system_cert WHERE org_id = ${agencyOrg}`);
	const r = await agency.post('/account/api-tokens', { action: 'revoke_cert', id });
	assert.equal(r.status, 303);
	const n = notice();
	await refused(sign(n.xml), 422, 'no-certificate', { title: n.title });
});

test('outbound CallForTenders: valid, signed by the portal, recorded in the box', async () => {
	// The draft the agency system sent, given its bid officer in the portal
	// and published by the officer (the exchange leaves both to people).
	const nid = await one(srv, `SELECT notice_id FROM bidding.notice_version WHERE title = ${q(acceptedTitle)}`);
	await srv.sql(`UPDATE bidding.notice_version SET officer_id = (SELECT id FROM portal.users WHERE login = 'officer')
		WHERE notice_id = ${nid} AND ord = 0`);
	const officer = await loginAs(srv, ...DEMO.officer);
	await officer.get(`/notices/${nid}/publish`);
	const pass = `교환-${T}-Open!2026`;
	const pub = await officer.post(`/notices/${nid}/publish`, { passphrase: pass, passphrase2: pass });
	assert.equal(pub.status, 303, pub.text.slice(0, 2000));
	const ids = [nid];
	publishedId = nid;
	const sup = await loginAs(srv, ...DEMO.supplier);
	const supOrg = await one(srv, "SELECT org_id FROM portal.users WHERE login = 'supplier'");
	for (const id of ids) {
		// With the agency system's token, and in a supplier's session.
		const r = await raw(srv, 'GET', `/api/edoc/notices/${id}`, { headers: { authorization: `Bearer ${token}` } });
		assert.equal(r.status, 200, r.text);
		checkAnswer(r.text);
		const [no, ord, title] = (await srv.sql(`SELECT n.notice_no, n.cur_ord, v.title FROM bidding.notice n
			JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = n.cur_ord WHERE n.id = ${id}`))[0];
		assert.match(r.text, new RegExp(`<ContractFolderID>${no}</ContractFolderID><NoticeOrder>${ord}</NoticeOrder>`));
		assert.ok(r.text.includes(`<Name>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Name>`));
		// What came in comes back out.
		for (const part of ['<Registration/>', `<AgencyCode>${agencyCode}</AgencyCode>`,
			'<BudgetAmount currencyID="KRW">520000000</BudgetAmount>',
			`<CommodityCode>${srv.cats[0]}</CommodityCode><Quantity unitCode="EA">450</Quantity>`,
			'<ProcedureCode>restricted</ProcedureCode>', '<RegionRestriction>11</RegionRestriction>',
			'<PreliminaryPriceRange>2</PreliminaryPriceRange>', '<OpeningPublicKey>MII']) {
			assert.ok(r.text.includes(part), `${part} in ${r.text}`);
		}
		const s = await sup.get(`/api/edoc/notices/${id}`);
		assert.equal(s.status, 200);
		checkAnswer(s.text);
		const [row] = await srv.sql(`SELECT direction, doc_type, sig_status, result, receiver_org, notice_id
			FROM exchange.document WHERE sha256 = '\\x${sha256(Buffer.from(s.text))}'`);
		assert.deepEqual(row, ['out', 'CallForTenders', 'portal', 'sent', String(supOrg), String(id)]);
	}
	const supBox = await sup.get('/edoc');
	assert.ok(supBox.text.includes(`CFT-`), 'the supplier sees what it received');
	// Not signed in and no token: 401; a draft is no public document: 404.
	assert.equal((await raw(srv, 'GET', `/api/edoc/notices/${ids[0]}`)).status, 401);
	const draft = await one(srv, "SELECT id FROM bidding.notice WHERE status = 'draft' LIMIT 1");
	assert.equal((await raw(srv, 'GET', `/api/edoc/notices/${draft}`, { headers: { authorization: `Bearer ${token}` } })).status, 404);
	assert.equal((await raw(srv, 'GET', '/api/edoc/notices/999999999', { headers: { authorization: `Bearer ${token}` } })).status, 404);
});

test('outbound TenderReceipt: the bidder only', async () => {
	const run = promisify(execFile);
	const G2B = path.join(ROOT, 'build/g2b');
	const env = { ...process.env, G2B_PASSWORD: DEMO.supplier[1], G2B_KEY_PASSWORD: `키파일-${T}-Key!2026` };
	const key = path.join(WORK, 'bidder-key.json');
	const cert = path.join(WORK, 'bidder-cert.pem');
	await run(G2B, ['keygen', '--out', key, '--iterations', '1000'], { env });
	await run(G2B, ['cert', '--server', srv.base, '--user', 'supplier', '--key', key, '--out', cert], { env });
	// Open the bid window now (time travel on the test database).
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute', region_limit = NULL
		WHERE notice_id = ${publishedId} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${publishedId})`);
	const b = await run(G2B, ['bid', '--server', srv.base, '--user', 'supplier', '--key', key, '--cert', cert,
		'--notice', String(publishedId), '--amount', '500000000', '--picks', '3,9',
		'--receipt-out', path.join(WORK, 'receipt')], { env });
	bidId = b.stdout.match(/^bid-id: (\d+)$/m)[1];
	const [rno, hash] = (await srv.sql(`SELECT receipt_no, encode(bid_hash, 'hex') FROM bidding.bid WHERE id = ${bidId}`))[0];

	const sup = await loginAs(srv, ...DEMO.supplier);
	const r = await sup.get(`/api/edoc/receipts/${bidId}`);
	assert.equal(r.status, 200, r.text);
	checkAnswer(r.text);
	assert.ok(r.text.includes(`<ReceiptNumber>${rno}</ReceiptNumber>`));
	assert.ok(r.text.includes(`<DocumentHash>${hash}</DocumentHash>`));
	const [row] = await srv.sql(`SELECT doc_type, doc_id, notice_id FROM exchange.document
		WHERE sha256 = '\\x${sha256(Buffer.from(r.text))}'`);
	assert.deepEqual(row, ['TenderReceipt', `RCP-${rno}`, String(publishedId)]);
	// Not the bidder: the agency's system, another supplier, nobody.
	assert.equal((await raw(srv, 'GET', `/api/edoc/receipts/${bidId}`, { headers: { authorization: `Bearer ${token}` } })).status, 404);
	assert.equal((await raw(srv, 'GET', `/api/edoc/receipts/${bidId}`)).status, 401);
});

test('an Amendment and a Cancellation of the published notice become its next orders', async () => {
	const [[no, ord]] = await srv.sql(`SELECT notice_no, cur_ord FROM bidding.notice WHERE id = ${publishedId}`);
	const amend = (order, reason, title) => notice({ title, edit: (x) => x
		.replace('<ContractFolderID>20261123456</ContractFolderID>', `<ContractFolderID>${no}</ContractFolderID>`)
		.replace('<NoticeOrder>0</NoticeOrder>\n\t<Registration/>',
			`<NoticeOrder>${order}</NoticeOrder>\n\t<Amendment><Reason>${reason}</Reason><RebidRequired>false</RebidRequired></Amendment>`) });
	// The system certificate was revoked above: register a new one.
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const c = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
	assert.equal(c.status, 201);
	writeFileSync(certFile, c.text);

	const a = amend(Number(ord) + 1, '규격 설명 보완', `정정된 교환 공고 ${T}`);
	const body = sign(a.xml);
	const r = await post(body);
	assert.equal(r.status, 200, r.text);
	assert.equal(code(r.text), 'Accepted');
	const [[cur, kind, reason, title]] = await srv.sql(`SELECT n.cur_ord, v.kind, v.reason, v.title FROM bidding.notice n
		JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = n.cur_ord WHERE n.id = ${publishedId}`);
	assert.deepEqual([cur, kind, reason, title], [String(Number(ord) + 1), 'amend', '규격 설명 보완', a.title]);
	// Sent again: the first answer, no third order.
	assert.equal((await post(body)).text, r.text);
	assert.equal(await one(srv, `SELECT cur_ord FROM bidding.notice WHERE id = ${publishedId}`), cur);
	// A stale order is refused and changes nothing.
	const stale = amend(Number(ord) + 1, '다시', `또 정정 ${T}`);
	await refused(sign(stale.xml), 422, 'order-mismatch');
	assert.equal(await one(srv, `SELECT cur_ord FROM bidding.notice WHERE id = ${publishedId}`), cur);
	const out = await raw(srv, 'GET', `/api/edoc/notices/${publishedId}`, { headers: { authorization: `Bearer ${token}` } });
	checkAnswer(out.text);
	assert.ok(out.text.includes(`<NoticeOrder>${cur}</NoticeOrder><Amendment><Reason>규격 설명 보완</Reason>`), out.text);

	const x = amend(Number(cur) + 1, 'x', `취소 ${T}`).xml
		.replace(/<Amendment>.*<\/Amendment>/, '<Cancellation><Reason>예산 사정으로 사업 취소</Reason></Cancellation>');
	const k = await post(sign(x));
	assert.equal(k.status, 200, k.text);
	const [[st, kind2]] = await srv.sql(`SELECT n.status, v.kind FROM bidding.notice n
		JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = n.cur_ord WHERE n.id = ${publishedId}`);
	assert.deepEqual([st, kind2], ['cancelled', 'cancel']);
	const out2 = await raw(srv, 'GET', `/api/edoc/notices/${publishedId}`, { headers: { authorization: `Bearer ${token}` } });
	checkAnswer(out2.text);
	assert.match(out2.text, /<Cancellation><Reason>예산 사정으로 사업 취소<\/Reason><\/Cancellation>/);
});

test('a supplier system: an Invoice attaches to its own contract; an incomplete Tender is refused clearly', async () => {
	const sup = await loginAs(srv, ...DEMO.supplier);
	const [[supOrg, bizno]] = await srv.sql("SELECT o.id, o.bizno FROM portal.users u JOIN portal.org o ON o.id = u.org_id WHERE u.login = 'supplier'");
	await sup.get('/account/api-tokens');
	const made = await sup.post('/account/api-tokens', { action: 'create', label: `back office ${T}` });
	const stok = made.text.match(/<code id="new-token">([^<]+)<\/code>/)[1];
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const skey = path.join(WORK, 'supplier-system-key.pem');
	const scert = path.join(WORK, 'supplier-system-cert.pem');
	writeFileSync(skey, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const c = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${stok}` } });
	assert.equal(c.status, 201);
	writeFileSync(scert, c.text);

	// The contract of the bid (made here in SQL: awarding is bidding's test).
	const cno = `C-2026-${String(Date.now() % 1e6).padStart(6, '0')}`;
	const contract = await one(srv, `INSERT INTO bidding.contract (contract_no, notice_id, bid_id, agency_id, supplier_id, amount)
		VALUES (${q(cno)}, ${publishedId}, ${bidId}, ${agencyOrg}, ${supOrg}, 178000000) RETURNING id`);
	const invoice = (no) => readFileSync(path.join(ROOT, 'xsd/samples/invoice/valid-invoice.xml'), 'utf8')
		.replace(/C-2026-000042/g, no).replace(/<BusinessRegistrationNumber>1018204566</, `<BusinessRegistrationNumber>${bizno}<`)
		.replace('<AgencyCode>1230000</AgencyCode>', `<AgencyCode>${agencyCode}</AgencyCode>`);
	seq += 1;
	const body = sign(invoice(cno), skey, scert);
	const r = await post(body, { tok: stok });
	assert.equal(r.status, 200, r.text);
	checkAnswer(r.text, sha256(body));
	const [row] = await srv.sql(`SELECT doc_type, contract_id, receiver_org, result FROM exchange.document
		WHERE sha256 = '\\x${sha256(body)}'`);
	assert.deepEqual(row, ['Invoice', contract, String(agencyOrg), 'accepted']);
	// The agency receives it in its box.
	const box = await agency.get('/edoc');
	assert.ok(box.text.includes(`INV-${cno}-1`), 'the agency sees the invoice');

	// Another contract number: refused, stored as rejected only.
	seq += 1;
	const other = sign(invoice('C-1999-000001'), skey, scert);
	const p = await refused(other, 422, 'contract-not-found', { tok: stok });
	assert.equal(p.length, 1);

	// A Tender without the bid as its user signed it (TenderSignature):
	// refused (exchange-bids.test.mjs takes complete bids).
	seq += 1;
	const tender = readFileSync(path.join(ROOT, 'xsd/samples/bid/valid-bid.xml'), 'utf8')
		.replace(/1208147521/g, bizno);
	const t = await refused(sign(tender, skey, scert), 422, 'tender-signature', { tok: stok });
	assert.match(t[0].text, /TenderSignature/);
	// An agency may not send an Invoice.
	seq += 1;
	const fromAgency = await post(sign(invoice(cno)), {});
	assert.equal(fromAgency.status, 403);
});

test('OCDS release package feed: tender, amendment, cancellation, award and contract; cursor pages', async () => {
	const get = async (qs) => {
		const r = await raw(srv, 'GET', `/api/ocds/releases${qs}`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		return JSON.parse(r.text);
	};
	const all = await get('?limit=500');
	assert.equal(all.version, '1.1');
	assert.ok(all.uri.endsWith('/api/ocds/releases?limit=500'));
	assert.match(all.publishedDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
	assert.equal(all.links, undefined, 'one page holds everything');
	const [[no, cno, amount, title]] = await srv.sql(`SELECT n.notice_no, c.contract_no, c.amount, v.title
		FROM bidding.notice n JOIN bidding.contract c ON c.notice_id = n.id
		JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = 1 WHERE n.id = ${publishedId}`);
	const mine = all.releases.filter((r) => r.ocid === `ocds-g2bkr-${no}`);
	assert.deepEqual(mine.map((r) => r.tag.join(',')),
		['tender', 'tenderAmendment', 'tenderCancellation', 'award,contract']);
	const t = mine[0];
	assert.equal(t.id, `${no}-01`);
	assert.equal(t.tender.title, title);
	assert.equal(t.tender.status, 'active');
	assert.deepEqual(t.tender.value, { amount: 520000000, currency: 'KRW' });
	assert.equal(t.tender.procurementMethod, 'selective');
	assert.equal(t.tender.mainProcurementCategory, 'goods');
	assert.deepEqual(t.tender.items[0], { id: '1', classification: { scheme: 'UNSPSC', id: srv.cats[0] },
		quantity: 450, unit: { name: 'EA' } });
	assert.deepEqual(t.buyer, { id: `KR-AGENCY-${agencyCode}`, name: t.parties[0].name });
	assert.equal(mine[1].tender.amendments[0].rationale, '규격 설명 보완');
	assert.equal(mine[2].tender.status, 'cancelled');
	const k = mine[3];
	assert.equal(k.contracts[0].id, cno);
	assert.equal(k.awards[0].value.amount, Number(amount));
	assert.equal(k.contracts[0].awardID, k.awards[0].id);
	assert.deepEqual(k.awards[0].suppliers.map((s) => s.id), [k.parties[1].id]);
	// Every published order and every contract, no draft (order 0).
	const expected = await one(srv, `SELECT (SELECT count(*) FROM bidding.notice_version WHERE ord >= 1)
		+ (SELECT count(*) FROM bidding.contract)`);
	assert.equal(all.releases.length, Number(expected));

	// Page by page with the cursor: the same releases, once each, in order.
	const seen = [];
	let url = '?limit=2';
	for (let i = 0; i < 500 && url; i++) {
		const p = await get(url);
		assert.ok(p.releases.length <= 2);
		seen.push(...p.releases.map((r) => `${r.ocid}/${r.id}`));
		url = p.links ? p.links.next.slice(p.links.next.indexOf('?')) : null;
	}
	assert.deepEqual(seen, all.releases.map((r) => `${r.ocid}/${r.id}`));
	for (const bad of ['?cursor=x', '?cursor=1.2.3', '?cursor=1..2.3', '?limit=0', '?limit=501', '?limit=1e2']) {
		assert.equal((await raw(srv, 'GET', `/api/ocds/releases${bad}`)).status, 400, bad);
	}
});

test('outbound ContractAwardNotice: public once awarded', async () => {
	// The opening result of the bid the contract above was made from
	// (fixtures in SQL: the opening itself is bidding's test).
	const officerId = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	await srv.sql(`INSERT INTO bidding.opening (notice_id, ord, opened_by, prices, counts, chosen, planned,
		floor_rate_milli, floor_amount, lot_seed, ranked, bids)
		VALUES (${publishedId}, 1, ${officerId}, array_fill(495000000::bigint, ARRAY[15]), array_fill(0, ARRAY[15]),
		ARRAY[1, 2, 3, 4], 491234567, 84245, 413840000, '\\x00', 1, 1)`);
	await srv.sql(`INSERT INTO bidding.bid_result (bid_id, notice_id, amount, pick_a, pick_b, ratio_milli, valid, excluded, rank)
		VALUES (${bidId}, ${publishedId}, 500000000, 3, 9, 101784, true, false, 1)`);
	const [[no, cno, rno, bizno]] = await srv.sql(`SELECT n.notice_no, c.contract_no, b.receipt_no, o.bizno
		FROM bidding.contract c JOIN bidding.notice n ON n.id = c.notice_id JOIN bidding.bid b ON b.id = c.bid_id
		JOIN portal.org o ON o.id = c.supplier_id WHERE n.id = ${publishedId}`);
	// A result the schema cannot express (a ratio over 100%) is a server
	// error: logged (the worker's log is buffered, so not checked here),
	// never sent, not in the box.
	const boxed = await one(srv, "SELECT count(*) FROM exchange.document WHERE doc_type = 'ContractAwardNotice'");
	const bad = await raw(srv, 'GET', `/api/edoc/awards/${publishedId}`, { headers: { authorization: `Bearer ${token}` } });
	assert.equal(bad.status, 500);
	assert.ok(!bad.text.includes('ContractAwardNotice'));
	assert.equal(await one(srv, "SELECT count(*) FROM exchange.document WHERE doc_type = 'ContractAwardNotice'"), boxed);
	await srv.sql(`UPDATE bidding.bid_result SET amount = 485000000, ratio_milli = 98731 WHERE bid_id = ${bidId}`);

	const r = await raw(srv, 'GET', `/api/edoc/awards/${publishedId}`, { headers: { authorization: `Bearer ${token}` } });
	assert.equal(r.status, 200, r.text);
	checkAnswer(r.text);
	for (const part of [`<ContractFolderID>${no}</ContractFolderID>`, `<BusinessRegistrationNumber>${bizno}</BusinessRegistrationNumber>`,
		`<ReceiptNumber>${rno}</ReceiptNumber>`, '<PlannedPrice currencyID="KRW">491234567</PlannedPrice>',
		'<Ratio>98.731</Ratio><Rank>1</Rank><QualificationReview/>', `<ContractID>${cno}</ContractID>`]) {
		assert.ok(r.text.includes(part), `${part} in ${r.text}`);
	}
	assert.equal(await one(srv, `SELECT doc_type FROM exchange.document WHERE sha256 = '\\x${sha256(Buffer.from(r.text))}'`),
		'ContractAwardNotice');
	// Another organisation's user sees it too; nobody unauthenticated; no award, no document.
	const other = await loginAs(srv, ...DEMO.officer);
	assert.equal((await other.get(`/api/edoc/awards/${publishedId}`)).status, 200);
	assert.equal((await raw(srv, 'GET', `/api/edoc/awards/${publishedId}`)).status, 401);
	const none = await one(srv, 'SELECT id FROM bidding.notice WHERE id NOT IN (SELECT notice_id FROM bidding.contract) LIMIT 1');
	assert.equal((await raw(srv, 'GET', `/api/edoc/awards/${none}`, { headers: { authorization: `Bearer ${token}` } })).status, 404);
});

test('the command-line client fetches an outbound document and checks it against the portal CA', async () => {
	assert.ok(publishedId, 'a published notice from the outbound test');
	const out = path.join(WORK, 'fetched.xml');
	const env = { ...process.env, G2B_TOKEN: token };
	let r = await run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'fetch', '--server', srv.base, '--ca', caFile,
		`/api/edoc/notices/${publishedId}`, out], env);
	assert.equal(r.code, 0, r.stderr);
	assert.match(r.stdout, /CallForTenders, signed by the portal/);
	assert.match(readFileSync(out, 'utf8'), /<CallForTenders xmlns="urn:g2b:edoc:1">/);
	r = await run(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'fetch', '--server', srv.base, '--ca', caFile,
		'/api/edoc/notices/999999999', out], env);
	assert.equal(r.code, 1);
});
