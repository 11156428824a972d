// The e-document exchange over TLS with client certificates (issue 4): on
// the exchange port (conf/tls.sh ... XPORT, conf/nginx-exchange.conf.in) a
// system presents the system certificate the portal issued for its key as
// its TLS client certificate and sends documents with no API token. The
// portal believes X-G2B-Client-Cert only from the trusted proxy and only
// for a registered, unrevoked certificate (pinned by the SHA-256 of its
// DER); the main TLS port blanks the header.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { ROOT, OUT, freePort } from '../lib/harness.mjs';
import { boot, one, q, loginAs, DEMO, raw, tag } from './helpers.mjs';

const T = tag();
const EDOC = path.join(ROOT, 'build/g2b-edoc');
const SAMPLE = readFileSync(path.join(ROOT, 'xsd/samples/notice/valid-registration.xml'), 'utf8');

let srv, WORK, agency, agencyCode, agencyOrg, token, tlsPort, xPort, serverCa;
let seq = 0;
const sys = []; // registered systems: { key, cert, keyFile, certFile, id }

function isoIn(days, hour) {
	const d = new Date(Date.now() + days * 86400e3);
	d.setUTCHours(hour, 0, 0, 0);
	return d.toISOString().replace(/\.000Z$/, 'Z');
}

function notice() {
	seq += 1;
	const title = `TLS 교환 공고 ${T}-${seq}`;
	const xml = SAMPLE
		.replace('<ID>CFT-20261123456-00</ID>', `<ID>CFT-TLS-${T}-${seq}</ID>`)
		.replace('<AgencyCode>1230000</AgencyCode>', `<AgencyCode>${agencyCode}</AgencyCode>`)
		.replace('<Name>2027학년도 초등학교 교실 노트북 구매</Name>', `<Name>${title}</Name>`)
		.replace('<CommodityCode>4321150101</CommodityCode>', `<CommodityCode>${srv.cats[0]}01</CommodityCode>`)
		.replace('<CommodityCode>43211507</CommodityCode>', `<CommodityCode>${srv.cats[1]}</CommodityCode>`)
		.replace('<CategoryRestriction>4321</CategoryRestriction>', '')
		.replace(/<StartDateTime>[^<]+</, `<StartDateTime>${isoIn(2, 1)}<`)
		.replace(/<EndDateTime>[^<]+</, `<EndDateTime>${isoIn(9, 1)}<`)
		.replace(/<OpeningDateTime>[^<]+</, `<OpeningDateTime>${isoIn(9, 2)}<`)
		.replace(/\s*<Attachments>[\s\S]*<\/Attachments>/, '');
	return { xml, title };
}

function sign(xml, s) {
	const inp = path.join(WORK, `in-${seq}.xml`);
	const out = path.join(WORK, `out-${seq}.xml`);
	writeFileSync(inp, xml);
	execFileSync(EDOC, ['--xsd', path.join(ROOT, 'xsd'), 'sign', '--key', s.keyFile, '--cert', s.certFile, inp, out],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	return readFileSync(out);
}

// An HTTPS request to port, optionally presenting a client certificate.
function tls(port, p, { method = 'GET', body, headers = {}, client } = {}) {
	return new Promise((resolve, reject) => {
		const req = https.request({ host: '127.0.0.1', port, path: p, method, headers, ca: serverCa,
			servername: 'localhost', ...(client ? { cert: client.cert, key: client.key } : {}) }, (res) => {
			let data = '';
			res.setEncoding('utf8');
			res.on('data', (c) => { data += c; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: data }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

const postDoc = (port, body, client, headers = {}) => tls(port, '/api/edoc', { method: 'POST', body, client,
	headers: { 'content-type': 'application/xml', 'content-length': body.length, ...headers } });
const code = (xml) => (xml.match(/<ResponseCode>([^<]+)<\/ResponseCode>/) || [])[1];
const firstProblem = (xml) => (xml.match(/<Problem><Code>([^<]+)<\/Code><Description>([^<]*)</) || []).slice(1);
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const drafts = (title) => one(srv, `SELECT count(*) FROM bidding.notice n JOIN bidding.notice_version v
	ON v.notice_id = n.id AND v.ord = 0 WHERE v.title = ${q(title)}`);
// What nginx sends in X-G2B-Client-Cert ($ssl_client_escaped_cert).
const escaped = (pem) => encodeURIComponent(pem);

// A key pair and a certificate for it, issued by the portal CA when
// registered with the agency's API token, else self-signed.
async function system(register = true) {
	const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const s = { key: privateKey.export({ type: 'pkcs8', format: 'pem' }) };
	s.keyFile = path.join(WORK, `key-${sys.length}.pem`);
	s.certFile = path.join(WORK, `cert-${sys.length}.pem`);
	writeFileSync(s.keyFile, s.key);
	if (register) {
		const r = await raw(srv, 'POST', '/api/exchange/certificate', {
			body: JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) }),
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
		assert.equal(r.status, 201, r.text);
		s.cert = r.text;
		writeFileSync(s.certFile, s.cert);
		const serial = new X509Certificate(s.cert).serialNumber.replace(/^0+/, '');
		s.id = await one(srv, `SELECT id FROM exchange.system_cert WHERE ltrim(serial, '0') = ${q(serial)}`);
		assert.ok(s.id, 'the certificate is registered');
	} else {
		execFileSync('openssl', ['req', '-x509', '-new', '-key', s.keyFile, '-days', '2', '-subj', '/CN=intruder',
			'-out', s.certFile], { stdio: 'ignore' });
		s.cert = readFileSync(s.certFile, 'utf8');
	}
	sys.push(s);
	return s;
}

before(async () => {
	srv = await boot({ env: { G2B_TRUSTED_PROXY: '127.0.0.1' } });
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-exchange-tls-'));
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
		'-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
		'-keyout', path.join(WORK, 'tls-key.pem'), '-out', path.join(WORK, 'tls-cert.pem')], { stdio: 'ignore' });
	serverCa = readFileSync(path.join(WORK, 'tls-cert.pem'));
	tlsPort = await freePort();
	xPort = await freePort();
	execFileSync('sh', [path.join(ROOT, 'conf/tls.sh'), 'start', '127.0.0.1', String(tlsPort), '127.0.0.1',
		String(srv.port), path.join(WORK, 'tls-cert.pem'), path.join(WORK, 'tls-key.pem'), String(xPort)]);
	agency = await loginAs(srv, ...DEMO.agency);
	[[agencyCode, agencyOrg]] = await srv.sql(`SELECT o.agency_code, o.id FROM portal.users u
		JOIN portal.org o ON o.id = u.org_id WHERE u.login = 'agency'`);
	await agency.get('/account/api-tokens');
	const r = await agency.post('/account/api-tokens', { action: 'create', label: `TLS ${T}` });
	assert.equal(r.status, 201);
	token = r.text.match(/<code id="new-token">([A-Za-z0-9_-]{43})<\/code>/)[1];
});

after(async () => {
	if (tlsPort) execFileSync('sh', [path.join(ROOT, 'conf/tls.sh'), 'stop', String(tlsPort)]);
	if (srv) await srv.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

test('a registered system certificate authenticates a signed notice with no token', async () => {
	const s = await system();
	const n = notice();
	const body = sign(n.xml, s);
	const r = await postDoc(xPort, body, s);
	assert.equal(r.status, 200, r.text);
	assert.equal(code(r.text), 'Accepted', r.text);
	assert.equal(await drafts(n.title), '1');
	const [row] = await srv.sql(`SELECT d.sender_org, d.sig_status, t.label, u.login FROM exchange.document d
		JOIN exchange.token t ON t.id = d.token_id JOIN portal.users u ON u.id = d.user_id
		WHERE d.sha256 = '\\x${sha256(body)}'`);
	// It acts with the token that registered the certificate, for its maker.
	assert.deepEqual(row, [String(agencyOrg), 'verified', `TLS ${T}`, 'agency']);
	// A repeat gets the first answer.
	const again = await postDoc(xPort, body, s);
	assert.equal(again.status, 200);
	assert.equal(again.text, r.text);
	// The outbound GETs take the certificate too: authenticated, an unknown
	// notice is 404; without credentials, 401.
	assert.equal((await tls(xPort, '/api/edoc/notices/999999999')).status, 401);
	const out = await tls(xPort, '/api/edoc/notices/999999999', { client: s });
	assert.equal(out.status, 404, out.text);
	// And the certificate registration: a system renews its certificate.
	const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const spki = JSON.stringify({ spki: publicKey.export({ type: 'spki', format: 'pem' }) });
	const renew = await tls(xPort, '/api/exchange/certificate', { method: 'POST', body: spki, client: s,
		headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(spki) } });
	assert.equal(renew.status, 201, renew.text);
	assert.match(renew.text, /^-----BEGIN CERTIFICATE-----/);
});

test('an unregistered certificate is refused 401 with the error document', async () => {
	const s = await system(false);
	const n = notice();
	const r = await postDoc(xPort, sign(n.xml, sys[0]), s);
	assert.equal(r.status, 401, r.text);
	assert.equal(code(r.text), 'Rejected');
	assert.deepEqual(firstProblem(r.text), ['unauthorized', 'unknown, revoked or expired system certificate']);
	assert.equal(await drafts(n.title), '0');
	// No certificate at all on the exchange port: no credentials.
	const r2 = await postDoc(xPort, sign(notice().xml, sys[0]));
	assert.equal(r2.status, 401);
	assert.equal(firstProblem(r2.text)[0], 'unauthorized');
});

test('a revoked certificate is refused; the others still work', async () => {
	const s = await system();
	let n = notice();
	assert.equal((await postDoc(xPort, sign(n.xml, s), s)).status, 200);
	await agency.get('/account/api-tokens');
	assert.equal((await agency.post('/account/api-tokens', { action: 'revoke_cert', id: s.id })).status, 303);
	n = notice();
	const r = await postDoc(xPort, sign(n.xml, sys[0]), s);
	assert.equal(r.status, 401, r.text);
	assert.equal(firstProblem(r.text)[1], 'unknown, revoked or expired system certificate');
	assert.equal(await drafts(n.title), '0');
	// The first certificate still works.
	n = notice();
	assert.equal((await postDoc(xPort, sign(n.xml, sys[0]), sys[0])).status, 200);
});

// A request straight to Kore's port from a loopback address that is not
// the trusted proxy (127.0.0.1).
function direct(method, p, { body, headers = {} } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: srv.port, localAddress: '127.0.0.2', path: p, method,
			headers: body ? { ...headers, 'content-length': body.length } : headers }, (res) => {
			let data = '';
			res.setEncoding('utf8');
			res.on('data', (c) => { data += c; });
			res.on('end', () => resolve({ status: res.statusCode, text: data }));
		});
		req.on('error', reject);
		if (body) req.write(body);
		req.end();
	});
}

test('a forged X-G2B-Client-Cert sent straight to Kore is not believed', async () => {
	const n = notice();
	const body = sign(n.xml, sys[0]);
	const h = { 'content-type': 'application/xml', 'x-g2b-client-cert': escaped(sys[0].cert) };
	const r = await direct('POST', '/api/edoc', { body, headers: h });
	assert.equal(r.status, 401, r.text);
	assert.equal(firstProblem(r.text)[0], 'unauthorized');
	assert.equal(await drafts(n.title), '0');
	assert.equal((await direct('GET', '/api/edoc/notices/999999999', { headers: h })).status, 401);
	// Not even with a forwarded address claiming to come from the proxy.
	const r2 = await direct('POST', '/api/edoc', { body, headers: { ...h, 'x-forwarded-for': '127.0.0.1' } });
	assert.equal(r2.status, 401, r2.text);
	// The same header from the proxy's address is what the proxy vouches for
	// (the control: the test above is refused for the peer, not the header).
	const r3 = await raw(srv, 'POST', '/api/edoc', { body, headers: h });
	assert.equal(r3.status, 200, r3.text);
	assert.equal(await drafts(n.title), '1');
});

test('the main TLS port blanks the header; the exchange port replaces a forged one', async () => {
	const n = notice();
	const body = sign(n.xml, sys[0]);
	const h = { 'x-g2b-client-cert': escaped(sys[0].cert) };
	const main = await postDoc(tlsPort, body, null, h);
	assert.equal(main.status, 401, main.text);
	// A client certificate is not asked for on the main port either.
	const mainCert = await postDoc(tlsPort, body, sys[0]);
	assert.equal(mainCert.status, 401, mainCert.text);
	// On the exchange port without a certificate, a forged header is dropped.
	const x = await postDoc(xPort, body, null, h);
	assert.equal(x.status, 401, x.text);
	// With an unregistered certificate, the header is the presented one.
	const x2 = await postDoc(xPort, body, sys[1], h);
	assert.equal(x2.status, 401, x2.text);
	assert.equal(await drafts(n.title), '0');
	// The exchange port serves the API only.
	assert.equal((await tls(xPort, '/login')).status, 404);
});

test('revoking the API token that registered a certificate ends the certificate too', async () => {
	const tid = await one(srv, `SELECT id FROM exchange.token WHERE label = ${q(`TLS ${T}`)}`);
	await agency.get('/account/api-tokens');
	assert.equal((await agency.post('/account/api-tokens', { action: 'revoke', id: tid })).status, 303);
	const n = notice();
	const r = await postDoc(xPort, sign(n.xml, sys[0]), sys[0]);
	assert.equal(r.status, 401, r.text);
	assert.equal(await drafts(n.title), '0');
});
