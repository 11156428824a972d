// TLS: nginx terminates HTTPS in front of Kore (conf/tls.sh, the set-up
// `make run` uses when G2B_TLS_CERT and G2B_TLS_KEY are set). The portal
// answers over HTTPS with HSTS and Secure cookies, and a login through the
// proxy records the client address the proxy saw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startServer, freePort, ROOT, OUT } from '../lib/harness.mjs';

let srv, tlsPort, ca;
const dir = path.join(OUT, 'tls');

function get(p, headers = {}, method = 'GET', body) {
	return new Promise((resolve, reject) => {
		const req = https.request({ host: '127.0.0.1', port: tlsPort, path: p, method, headers,
			ca, servername: 'localhost' }, (res) => {
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

before(async () => {
	mkdirSync(dir, { recursive: true });
	execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
		'-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
		'-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
	ca = readFileSync(path.join(dir, 'cert.pem'));
	srv = await startServer({ env: { G2B_SECURE_COOKIES: '1', G2B_TRUSTED_PROXY: '127.0.0.1' } });
	tlsPort = await freePort();
	execFileSync('sh', [path.join(ROOT, 'conf/tls.sh'), 'start', '127.0.0.1', String(tlsPort),
		'127.0.0.1', String(srv.port), path.join(dir, 'cert.pem'), path.join(dir, 'key.pem')]);
});

after(async () => {
	if (tlsPort) execFileSync('sh', [path.join(ROOT, 'conf/tls.sh'), 'stop', String(tlsPort)]);
	await srv?.stop();
});

test('the portal answers over HTTPS with HSTS and the security headers', async () => {
	const r = await get('/health');
	assert.equal(r.status, 200);
	assert.equal(JSON.parse(r.text).database, 'ok');
	assert.match(r.headers['strict-transport-security'], /max-age=31536000/);
	assert.match(r.headers['content-security-policy'], /frame-ancestors 'none'/);
});

test('cookies are Secure under TLS and a login works through the proxy', async () => {
	const page = await get('/login');
	const visitor = page.headers['set-cookie'].find((c) => c.startsWith('g2b_v='));
	assert.match(visitor, /; Secure/);
	assert.match(visitor, /HttpOnly/);
	const csrf = page.text.match(/name="csrf" value="([^"]+)"/)[1];
	const body = new URLSearchParams({ csrf, login: 'admin', password: 'Admin!2026', next: '/admin' }).toString();
	const r = await get('/login', {
		cookie: visitor.split(';')[0],
		'content-type': 'application/x-www-form-urlencoded',
		'content-length': Buffer.byteLength(body),
	}, 'POST', body);
	assert.equal(r.status, 303);
	const sid = r.headers['set-cookie'].find((c) => c.startsWith('g2b_sid='));
	assert.match(sid, /; Secure/);
	const admin = await get('/admin', { cookie: sid.split(';')[0] });
	assert.equal(admin.status, 200);
	const rows = srv.sql("SELECT host(ip) FROM portal.audit WHERE event = 'login.success' ORDER BY id DESC LIMIT 1");
	assert.equal(rows[0][0], '127.0.0.1');
});
