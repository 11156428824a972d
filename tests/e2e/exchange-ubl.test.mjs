// An OASIS UBL 2.3 ContractNotice (EU eForms) through the e-document
// exchange (issue 4): an agency's system signs it (here with xmlsec1's
// command-line tool, as a foreign system would) and posts it; the portal
// maps it (portal/ubl.c) and routes the mapped CallForTenders like a
// registration: a draft notice, and a signed Accepted answer. A notice
// the mapping refuses gets an error document with the mapping's problem
// codes and lines and makes nothing; a supplier's system may not send one;
// a ContractNotice with a broken signature is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, OUT } from '../lib/harness.mjs';
import { boot, one, q, loginAs, DEMO, raw, tag } from './helpers.mjs';

const T = tag();
const SAMPLES = path.join(ROOT, 'xsd/ubl-samples');
const SIG = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
	+ '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
	+ '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>'
	+ '<ds:Reference URI=""><ds:Transforms>'
	+ '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
	+ '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
	+ '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>'
	+ '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data>'
	+ '</ds:KeyInfo></ds:Signature>';

let srv;
let WORK;
let caFile;
let agencyCode;
let seq = 0;

const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const code = (xml) => (xml.match(/<ResponseCode>([^<]+)<\/ResponseCode>/) || [])[1];
const problems = (xml) => [...xml.matchAll(/<Problem><Code>([^<]+)<\/Code><Description>([^<]*)<\/Description>(?:<LineNumber>(\d+)<\/LineNumber>)?/g)]
	.map((m) => ({ code: m[1], text: m[2], line: m[3] ? Number(m[3]) : 0 }));

// A system of the organisation of `login`: its token, key and certificate.
async function system(login, password) {
	const c = await loginAs(srv, login, password);
	await c.get('/account/api-tokens');
	const made = await c.post('/account/api-tokens', { action: 'create', label: `UBL ${login} ${T}` });
	assert.equal(made.status, 201);
	const s = { token: made.text.match(/<code id="new-token">([^<]+)<\/code>/)[1] };
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	s.key = path.join(WORK, `${login}-key.pem`);
	s.cert = path.join(WORK, `${login}-cert.pem`);
	writeFileSync(s.key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
	const r = await raw(srv, 'POST', '/api/exchange/certificate', {
		body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
		headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` } });
	assert.equal(r.status, 201, r.text);
	writeFileSync(s.cert, r.text);
	return s;
}

// Korea date and time parts `ms` from now, as UBL writes them.
function kst(ms) {
	const d = new Date(Date.now() + ms + 9 * 3600e3).toISOString();
	return { date: `${d.slice(0, 10)}+09:00`, time: `${d.slice(11, 19)}+09:00` };
}

// A sample with the demo agency, a known category, future dates, a title.
function notice(file, title) {
	seq += 1;
	const issue = kst(3600e3);
	const end = kst(9 * 86400e3);
	const open = kst(9 * 86400e3 + 3600e3);
	return readFileSync(path.join(SAMPLES, file), 'utf8')
		.replace(/<cbc:ID schemeName="g2b-agency">\d+</, `<cbc:ID schemeName="g2b-agency">${agencyCode}<`)
		.replace(/<cbc:ID schemeName="notice-id">[^<]+</, `<cbc:ID schemeName="notice-id">ubl-${T}-${seq}<`)
		.replace(/listName="unspsc">\d{8}</g, `listName="unspsc">${srv.cats[0]}<`)
		.replace(/<cbc:IssueDate>[^<]+</, `<cbc:IssueDate>${issue.date}<`)
		.replace(/<cbc:IssueTime>[^<]+</, `<cbc:IssueTime>${issue.time}<`)
		.replace(/<cbc:EndDate>[^<]+</, `<cbc:EndDate>${end.date}<`)
		.replace(/<cbc:EndTime>[^<]+</, `<cbc:EndTime>${end.time}<`)
		.replace(/<cbc:OccurrenceDate>[^<]+</, `<cbc:OccurrenceDate>${open.date}<`)
		.replace(/<cbc:OccurrenceTime>[^<]+</, `<cbc:OccurrenceTime>${open.time}<`)
		.replaceAll('2027학년도 초등학교 교실 노트북 구매', title);
}

// Signed with xmlsec1 (enveloped, exclusive C14N, ECDSA-SHA256).
function signed(s, xml) {
	const t = path.join(WORK, `ubl-${seq}.tmpl.xml`);
	const o = path.join(WORK, `ubl-${seq}.xml`);
	writeFileSync(t, xml.replace(/<\/ContractNotice>\s*$/, `${SIG}</ContractNotice>\n`));
	execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${s.key},${s.cert}`, '--output', o, t], { stdio: 'pipe' });
	return readFileSync(o);
}

function post(s, body) {
	return raw(srv, 'POST', '/api/edoc', {
		body, headers: { 'content-type': 'application/xml', authorization: `Bearer ${s.token}` } });
}

function checkSigned(xml) {
	const f = path.join(WORK, `answer-${tag()}.xml`);
	writeFileSync(f, xml);
	execFileSync('xmllint', ['--noout', '--nonet', '--schema', path.join(ROOT, 'xsd/edoc.xsd'), f], { stdio: 'pipe' });
	execFileSync('xmlsec1', ['--verify', '--trusted-pem', caFile, f], { stdio: 'pipe' });
}

const drafts = (title) => one(srv, `SELECT count(*) FROM bidding.notice_version WHERE title = ${q(title)}`);

let agencySys;

before(async () => {
	srv = await boot();
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-xubl-'));
	agencyCode = await one(srv, `SELECT o.agency_code FROM portal.users u JOIN portal.org o ON o.id = u.org_id
		WHERE u.login = 'agency'`);
	const ca = readFileSync(path.join(OUT, 'ca', 'ca.pem'), 'utf8');
	caFile = path.join(WORK, 'ca-cert.pem');
	writeFileSync(caFile, ca.slice(0, ca.indexOf('-----BEGIN ENCRYPTED PRIVATE KEY-----')));
	agencySys = await system(...DEMO.agency);
});

after(async () => {
	await srv?.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

test('a signed UBL ContractNotice becomes a draft notice of the agency; the same bytes get the first answer', async () => {
	const title = `UBL 노트북 구매 ${T}`;
	const body = signed(agencySys, notice('valid-contract-notice.xml', title));
	const r = await post(agencySys, body);
	assert.equal(r.status, 200, r.text);
	assert.equal(code(r.text), 'Accepted');
	checkSigned(r.text);
	assert.match(r.text, new RegExp(`<DocumentHash>${sha256(body)}</DocumentHash>`));
	assert.match(r.text, new RegExp(`<ID>ubl-${T}-${seq}</ID>`));
	const [row] = await srv.sql(`SELECT v.family, v.base_amount, v.contract_method, v.award_method, v.range_milli,
		n.status, o.agency_code,
		(SELECT string_agg(code || ':' || quantity::text || ':' || unit, ',') FROM bidding.notice_item i
		  WHERE i.notice_id = n.id AND i.ord = 0)
		FROM bidding.notice n JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = 0
		JOIN portal.org o ON o.id = n.agency_id WHERE v.title = ${q(title)}`);
	assert.deepEqual(row, ['goods', '495000000', 'open', 'lowest', '3000', 'draft', agencyCode,
		`${srv.cats[0]}:450.000:EA`]);
	const [box] = await srv.sql(`SELECT doc_type, doc_id, sig_status, result, notice_id IS NOT NULL
		FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`);
	assert.deepEqual(box, ['ContractNotice', `ubl-${T}-${seq}`, 'verified', 'accepted', 't']);
	const again = await post(agencySys, body);
	assert.equal(again.text, r.text);
	assert.equal(await drafts(title), '1');
});

test('what the mapping refuses: its problem codes and lines in the error document, nothing made', async () => {
	for (const [file, pcode] of [['invalid-cpv.xml', 'not-mapped'], ['invalid-two-lots.xml', 'not-mapped'],
		['invalid-missing-deadline.xml', 'ubl-missing'], ['invalid-eur-currency.xml', 'not-mapped']]) {
		const title = `UBL 거부 ${T} ${file}`;
		const body = signed(agencySys, notice(file, title));
		const r = await post(agencySys, body);
		assert.equal(r.status, 422, `${file}: ${r.text}`);
		assert.equal(code(r.text), 'Rejected');
		checkSigned(r.text);
		const p = problems(r.text);
		assert.ok(p.some((x) => x.code === pcode && x.line > 0), `${file}: ${JSON.stringify(p)}`);
		assert.equal(await drafts(title), '0');
		assert.equal(await one(srv, `SELECT result FROM exchange.document WHERE sha256 = '\\x${sha256(body)}'`), 'rejected');
	}
});

test('a broken signature and a supplier sender are refused', async () => {
	const title = `UBL 서명 ${T}`;
	const body = signed(agencySys, notice('valid-contract-notice.xml', title)).toString()
		.replace('<cbc:VersionID>01</cbc:VersionID>', '<cbc:VersionID>02</cbc:VersionID>');
	const r = await post(agencySys, body);
	assert.equal(r.status, 422, r.text);
	assert.ok(problems(r.text).some((x) => x.code === 'signature-digest'), r.text);
	assert.equal(await drafts(title), '0');

	const sup = await system(...DEMO.supplier);
	const title2 = `UBL 업체 ${T}`;
	const r2 = await post(sup, signed(sup, notice('valid-contract-notice.xml', title2)));
	assert.equal(r2.status, 403, r2.text);
	assert.ok(problems(r2.text).some((x) => x.code === 'forbidden'));
	assert.equal(await drafts(title2), '0');
});

test('g2b-edoc signs and verifies a ContractNotice the portal maps, and refuses one it does not', async () => {
	const EDOC = path.join(ROOT, 'build/g2b-edoc');
	const title = `UBL g2b-edoc ${T}`;
	const inp = path.join(WORK, 'cli-in.xml');
	const out = path.join(WORK, 'cli-out.xml');
	writeFileSync(inp, notice('valid-contract-notice.xml', title));
	const s = execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', agencySys.key, '--cert', agencySys.cert,
		inp, out]).toString();
	assert.match(s, /signed ContractNotice/);
	const v = execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'verify', '--cert', agencySys.cert, out]).toString();
	assert.match(v, /ContractNotice the portal maps, signature verified/);
	const r = await post(agencySys, readFileSync(out));
	assert.equal(r.status, 200, r.text);
	assert.equal(await drafts(title), '1');
	writeFileSync(inp, notice('invalid-cpv.xml', `${title} cpv`));
	let failed;
	try {
		execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', agencySys.key, '--cert', agencySys.cert,
			inp, path.join(WORK, 'cli-bad.xml')], { stdio: 'pipe' });
	} catch (e) {
		failed = e;
	}
	assert.ok(failed, 'refused');
	assert.equal(failed.status, 1);
	assert.match(failed.stdout.toString(), /:\d+: not-mapped: /);
});
