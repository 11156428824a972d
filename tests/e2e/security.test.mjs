// Security behaviour over HTTP: headers, CSRF, cookies, sessions, login
// throttling, logout, password change, role checks, redirects, error pages,
// methods and content types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { text } from '../lib/harness.mjs';
import {
	boot, one, q, newSupplier, staff, loginAs, Client, DEMO, PASSWORD, fieldErrors,
	sameOrigin, raw, tag, supplierFields, nonceOf, msg,
} from './helpers.mjs';

let srv;
let admin;
before(async () => {
	srv = await boot();
	admin = await staff(srv);
});
after(async () => { await srv?.shutdown(); });

const LOGIN_FAILED = msg('login.failed');
const LOGIN_LOCKED = msg('login.locked');

function loginError(html) {
	const m = html.match(/<p class="notice bad" role="alert">([^<]*)<\/p>/);
	return m ? m[1] : null;
}

// One login attempt from a fresh visitor; returns the response.
async function attempt(login, password, next) {
	const c = new Client(srv.base);
	await c.get('/login');
	const fields = { login, password };
	if (next !== undefined) fields.next = next;
	const r = await c.post('/login', fields);
	r.client = c;
	return r;
}

function sidOf(c) {
	return c.cookies.get('g2b_sid');
}

function sha256hex(s) {
	return createHash('sha256').update(s).digest('hex');
}

async function sessionsOf(login) {
	return Number(await one(srv, `SELECT count(*) FROM portal.session s JOIN portal.users u ON u.id = s.user_id
		WHERE u.login = ${q(login)} AND s.expires_at > now()`));
}

// A request sent exactly as written: fetch would normalise the path and
// always add a content type to a body.
function rawReq(method, p, headers = {}, body = undefined) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: srv.port, path: p, method, headers }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: body }));
		});
		req.on('error', reject);
		req.end(body);
	});
}

const rawGet = (p) => rawReq('GET', p);

function checkSecurityHeaders(h, where) {
	const get = (k) => (typeof h.get === 'function' ? h.get(k) : h[k]);
	const csp = get('content-security-policy');
	assert.ok(csp, `${where}: has a CSP`);
	const dir = Object.fromEntries(csp.split(';').map((d) => d.trim()).filter(Boolean)
		.map((d) => { const [k, ...v] = d.split(/\s+/); return [k.toLowerCase(), v.join(' ')]; }));
	const scripts = dir['script-src'] ?? dir['default-src'];
	assert.ok(scripts, `${where}: CSP restricts scripts`);
	assert.ok(!/'unsafe-inline'|'unsafe-eval'|\*/.test(scripts), `${where}: no inline/eval/wildcard scripts: ${scripts}`);
	assert.equal(dir['frame-ancestors'], "'none'", `${where}: frame-ancestors 'none'`);
	assert.equal(dir['object-src'], "'none'", `${where}: object-src 'none'`);
	assert.equal(get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
	assert.match(get('referrer-policy') || '', /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/,
		`${where}: referrer-policy`);
	assert.equal(get('x-frame-options'), 'DENY', `${where}: x-frame-options`);
}

test('security headers on HTML, JSON, redirect, error and static responses', async () => {
	const c = new Client(srv.base);
	const css = await c.get('/static/style.css');
	const cases = [
		['HTML page', await c.get('/'), 200],
		['login form', await c.get('/login'), 200],
		['JSON health', await c.get('/health'), 200],
		['liveness', await c.get('/health/live'), 200],
		['404 page', await c.get('/no/such/page'), 404],
		['static CSS', css, 200],
		['static 304', await c.request('GET', '/static/style.css', undefined, { 'if-none-match': css.headers.get('etag') }), 304],
		['redirect', await c.get('/admin'), 303],
		['405', await c.request('PUT', '/login', ''), 405],
		['415', await c.request('POST', '/login', '{}', { 'content-type': 'application/json' }), 415],
		['403', await c.request('POST', '/login', { login: 'x', password: 'y' }), 403],
	];
	for (const [where, r, status] of cases) {
		assert.equal(r.status, status, where);
		checkSecurityHeaders(r.headers, where);
	}
	assert.match(cases[2][1].headers.get('content-type'), /^application\/json/);
});

test('pages carry no inline script, event handler or inline style (the CSP would block them)', async () => {
	const sup = await loginAs(srv, ...DEMO.supplier);
	const pages = [
		await new Client(srv.base).get('/'),
		await new Client(srv.base).get('/register'),
		await new Client(srv.base).get('/login'),
		await sup.get('/account'),
		await sup.get('/account/org'),
		await admin.get('/admin'),
		await admin.get('/admin/suppliers'),
		await admin.get('/admin/audit'),
	];
	for (const p of pages) {
		assert.equal(p.status, 200);
		for (const m of p.text.matchAll(/<script\b[^>]*>/g)) assert.match(m[0], /\bsrc=/, 'scripts are external files');
		assert.ok(!/\son[a-z]+\s*=/i.test(p.text.replace(/<textarea[\s\S]*?<\/textarea>/g, '')), 'no on*= handlers');
		assert.ok(!/<[a-z][^>]*\sstyle\s*=/i.test(p.text), 'no style= attributes');
		assert.ok(!/<style\b/i.test(p.text), 'no <style> blocks');
	}
});

test('a POST without a CSRF token is refused with 403 and changes nothing', async () => {
	const c = new Client(srv.base);
	await c.get('/login');
	const visitorToken = c.csrf();
	const before = await sessionsOf('supplier');
	const r = await c.request('POST', '/login', { login: DEMO.supplier[0], password: DEMO.supplier[1] });
	assert.equal(r.status, 403);
	assert.equal(r.headers.getSetCookie().filter((x) => x.startsWith('g2b_sid=')).length, 0, 'no session cookie');
	assert.equal(await sessionsOf('supplier'), before, 'no session created');

	// A logged-in staff member's form post without a token does nothing either.
	const agencies = await one(srv, "SELECT count(*) FROM portal.org WHERE kind = 'agency'");
	const s = await admin.request('POST', '/admin/agencies', { code: '9990001', name: '토큰없는기관', kind: 'central', region: '11' });
	assert.equal(s.status, 403);
	assert.equal(await one(srv, "SELECT count(*) FROM portal.org WHERE kind = 'agency'"), agencies);
	// Nor does a wrong token, or a brand-new visitor who copies a valid-looking one.
	const w = await admin.request('POST', '/admin/agencies', { csrf: 'A'.repeat(43), code: '9990002', name: '가짜토큰기관', kind: 'central', region: '11' });
	assert.equal(w.status, 403);
	const fresh = await raw(srv, 'POST', '/login', {
		body: new URLSearchParams({ csrf: visitorToken, login: DEMO.supplier[0], password: DEMO.supplier[1] }).toString(),
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	});
	assert.equal(fresh.status, 403, 'a token is bound to its own visitor cookie');
	assert.equal(await one(srv, "SELECT count(*) FROM portal.org WHERE kind = 'agency'"), agencies);
});

test("a CSRF token from another session is refused and changes nothing", async () => {
	const { f: fa } = await newSupplier(srv);
	const { f: fb } = await newSupplier(srv);
	const a = await loginAs(srv, fa.login, PASSWORD);
	const b = await loginAs(srv, fb.login, PASSWORD);
	await a.get('/account/password');
	const tokenA = a.csrf();
	await b.get('/account/password');
	assert.notEqual(b.csrf(), tokenA, 'tokens differ per session');
	const hashB = await one(srv, `SELECT pwhash FROM portal.users WHERE login = ${q(fb.login)}`);
	const r = await b.request('POST', '/account/password', { csrf: tokenA, current: PASSWORD, password: 'Another!Pass2027', password2: 'Another!Pass2027' });
	assert.equal(r.status, 403);
	assert.equal(await one(srv, `SELECT pwhash FROM portal.users WHERE login = ${q(fb.login)}`), hashB, 'password unchanged');
	const l = await b.request('POST', '/logout', { csrf: tokenA });
	assert.equal(l.status, 403);
	assert.equal((await b.get('/account')).status, 200, 'still logged in');

	// The token of the anonymous visit before logging in no longer works after it.
	const c = new Client(srv.base);
	await c.get('/login');
	const visitorToken = c.csrf();
	const li = await c.post('/login', { login: fa.login, password: PASSWORD });
	assert.equal(li.status, 303);
	const p = await c.request('POST', '/logout', { csrf: visitorToken });
	assert.equal(p.status, 403);
});

test('cookies are HttpOnly and SameSite; the session cookie is only stored as its SHA-256', async () => {
	const first = await raw(srv, 'GET', '/');
	const visitor = first.headers.getSetCookie().find((x) => x.startsWith('g2b_v='));
	assert.ok(visitor, 'a visitor cookie is set');
	assert.match(visitor, /;\s*HttpOnly/i);
	assert.match(visitor, /;\s*SameSite=(Lax|Strict)/i);
	assert.match(visitor, /;\s*Path=\//i);

	const { f } = await newSupplier(srv);
	const c = new Client(srv.base);
	await c.get('/login');
	const r = await c.post('/login', { login: f.login, password: PASSWORD });
	assert.equal(r.status, 303);
	const sidCookie = r.headers.getSetCookie().find((x) => x.startsWith('g2b_sid='));
	assert.ok(sidCookie, 'a session cookie is set at login');
	assert.match(sidCookie, /;\s*HttpOnly/i);
	assert.match(sidCookie, /;\s*SameSite=(Lax|Strict)/i);
	const sid = sidOf(c);
	assert.match(sid, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit random token');
	const lang = (await raw(srv, 'GET', '/lang?to=en&next=/')).headers.getSetCookie().find((x) => x.startsWith('g2b_lang='));
	assert.match(lang, /;\s*SameSite=(Lax|Strict)/i);

	const rows = await srv.sql(`SELECT encode(s.token_hash, 'hex'), s::text FROM portal.session s
		JOIN portal.users u ON u.id = s.user_id WHERE u.login = ${q(f.login)}`);
	assert.equal(rows.length, 1);
	assert.equal(rows[0][0], sha256hex(sid), 'stored: SHA-256 of the cookie value');
	assert.ok(!rows[0][1].includes(sid), 'the token itself is not in the row');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.session s WHERE s::text LIKE ${q(`%${sid}%`)}
		OR position(convert_to(${q(sid)}, 'UTF8') in s.token_hash) > 0`), '0');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit a WHERE a::text LIKE ${q(`%${sid}%`)}`), '0');
	// A cookie whose hash is not stored does not log anyone in.
	const forged = new Client(srv.base);
	forged.cookies.set('g2b_sid', sha256hex(sid).slice(0, 43));
	const g = await forged.get('/account');
	assert.equal(g.status, 303);
});

test('five wrong passwords lock the account; then even the right password gets 429 with the lock message', async () => {
	const { f } = await newSupplier(srv);
	for (let i = 1; i <= 4; i++) {
		const r = await attempt(f.login, `Wrong!pass${i}x`);
		assert.equal(r.status, 401, `attempt ${i}`);
		assert.equal(loginError(r.text), LOGIN_FAILED);
	}
	const fifth = await attempt(f.login, 'Wrong!pass5x');
	assert.ok([401, 429].includes(fifth.status), `fifth wrong attempt: ${fifth.status}`);
	const sixth = await attempt(f.login, PASSWORD);
	assert.equal(sixth.status, 429);
	assert.equal(loginError(sixth.text), LOGIN_LOCKED);
	assert.ok(!sixth.headers.getSetCookie().some((x) => x.startsWith('g2b_sid=')), 'no session cookie');
	assert.equal(await sessionsOf(f.login), 0, 'no session created');
	const events = (await srv.sql(`SELECT a.event FROM portal.audit a JOIN portal.users u ON u.id = a.actor
		WHERE u.login = ${q(f.login)} AND a.event LIKE 'login.%' ORDER BY a.id`)).map((x) => x[0]);
	assert.equal(events.filter((e) => e === 'login.failure').length, 5);
	assert.equal(events.filter((e) => e === 'login.lock').length, 1);
	assert.ok(events.includes('login.locked'), 'the refused attempt while locked is audited');
	assert.ok(!events.includes('login.success'));
	assert.equal(await one(srv, `SELECT locked_until > now() + interval '14 minutes' FROM portal.users WHERE login = ${q(f.login)}`), 't');
	// The lock is per account: others still log in.
	assert.equal((await attempt(DEMO.agent[0], DEMO.agent[1])).status, 303);
});

test('a successful login resets the failure count', async () => {
	const { f } = await newSupplier(srv);
	for (let i = 0; i < 4; i++) assert.equal((await attempt(f.login, `Nope!nope${i}x`)).status, 401);
	assert.equal((await attempt(f.login, PASSWORD)).status, 303);
	for (let i = 0; i < 4; i++) assert.equal((await attempt(f.login, `Nope!again${i}x`)).status, 401);
	assert.equal((await attempt(f.login, PASSWORD)).status, 303, 'not locked: the count started again');
});

test('an unknown login gets the same answer as a wrong password', async () => {
	const wrong = await attempt(DEMO.officer[0], 'Definitely!Wrong1');
	const unknown = await attempt(`nobody${tag()}`, 'Definitely!Wrong1');
	assert.equal(unknown.status, wrong.status);
	assert.equal(unknown.status, 401);
	assert.equal(loginError(unknown.text), LOGIN_FAILED);
	assert.equal(loginError(wrong.text), LOGIN_FAILED);
	const strip = (r) => text(r.text).replace(/officer|nobody[0-9a-f]+/g, 'X');
	assert.equal(strip(unknown), strip(wrong), 'the pages read the same');
	assert.ok(Number(await one(srv, "SELECT count(*) FROM portal.audit WHERE event = 'login.unknown'")) >= 1);
	// Missing fields are a 400 with their own message.
	const missing = await attempt('', '');
	assert.equal(missing.status, 400);
	assert.equal(loginError(missing.text), msg('login.missing'));
});

test('logout ends the session: the old cookie no longer works', async () => {
	const { f } = await newSupplier(srv);
	const c = await loginAs(srv, f.login, PASSWORD);
	const sid = sidOf(c);
	assert.equal(await sessionsOf(f.login), 1);
	assert.equal((await c.request('GET', '/logout')).status, 405, 'logout is a POST');
	await c.get('/account');
	const r = await c.post('/logout');
	assert.equal(r.status, 303);
	assert.equal(r.location, '/');
	assert.ok(r.headers.getSetCookie().some((x) => /^g2b_sid=;/.test(x) && /Max-Age=0/i.test(x)), 'cookie cleared');
	assert.equal(await sessionsOf(f.login), 0, 'session row deleted');
	const replay = new Client(srv.base);
	replay.cookies.set('g2b_sid', sid);
	const g = await replay.get('/account');
	assert.equal(g.status, 303);
	assert.match(g.location, /^\/login\?next=/);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit a JOIN portal.users u ON u.id = a.actor
		WHERE u.login = ${q(f.login)} AND a.event = 'logout'`), '1');
});

test('an expired session is not accepted', async () => {
	const { f } = await newSupplier(srv);
	const c = await loginAs(srv, f.login, PASSWORD);
	assert.equal((await c.get('/account')).status, 200);
	await srv.sql(`UPDATE portal.session SET expires_at = now() - interval '1 second'
		WHERE user_id = (SELECT id FROM portal.users WHERE login = ${q(f.login)})`);
	const r = await c.get('/account');
	assert.equal(r.status, 303);
	assert.match(r.location, /^\/login\?next=/);
});

test('password change: wrong current refused; success ends other sessions but not this one', async () => {
	const { f } = await newSupplier(srv);
	const a = await loginAs(srv, f.login, PASSWORD);
	const b = await loginAs(srv, f.login, PASSWORD);
	const hash = await one(srv, `SELECT pwhash FROM portal.users WHERE login = ${q(f.login)}`);
	const NEW = 'Brand!New2027pw';
	const form = await a.get('/account/password');
	assert.equal(form.status, 200);

	const wrong = await a.post('/account/password', { current: 'Not!TheCurrent1', password: NEW, password2: NEW });
	assert.equal(wrong.status, 400);
	assert.equal(fieldErrors(wrong.text).current, msg('err.current_password'));
	const weak = await a.post('/account/password', { current: PASSWORD, password: 'weak', password2: 'weak' });
	assert.equal(weak.status, 400);
	assert.equal(fieldErrors(weak.text).password, msg('err.password'));
	const mismatch = await a.post('/account/password', { current: PASSWORD, password: NEW, password2: `${NEW}x` });
	assert.equal(mismatch.status, 400);
	assert.equal(fieldErrors(mismatch.text).password2, msg('err.password2'));
	for (const r of [wrong, weak, mismatch]) assert.ok(!r.text.includes(NEW) && !r.text.includes(PASSWORD), 'passwords not echoed');
	assert.equal(await one(srv, `SELECT pwhash FROM portal.users WHERE login = ${q(f.login)}`), hash, 'unchanged so far');
	assert.equal((await b.get('/account')).status, 200);

	const ok = await a.post('/account/password', { current: PASSWORD, password: NEW, password2: NEW });
	assert.equal(ok.status, 303);
	assert.equal(ok.location, '/account?ok=password');
	const page = await a.follow(ok);
	assert.equal(page.status, 200, 'this session goes on');
	assert.ok(text(page.text).includes(msg('flash.password')));
	const other = await b.get('/account');
	assert.equal(other.status, 303, 'the other session was ended');
	assert.match(other.location, /^\/login/);
	assert.equal((await attempt(f.login, PASSWORD)).status, 401, 'old password no longer works');
	assert.equal((await attempt(f.login, NEW)).status, 303, 'new password works');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit a JOIN portal.users u ON u.id = a.actor
		WHERE u.login = ${q(f.login)} AND a.event = 'password.change'`), '1');
});

test('anonymous visitors are sent to the login page and come back after logging in', async () => {
	for (const path of ['/admin', '/admin/suppliers', '/admin/agencies', '/admin/audit', '/account',
		'/account/org', '/account/password', '/notifications']) {
		const r = await new Client(srv.base).get(path);
		assert.equal(r.status, 303, path);
		const u = new URL(r.location, srv.base);
		assert.equal(u.pathname, '/login', path);
		assert.equal(u.searchParams.get('next'), path, path);
	}
	const c = new Client(srv.base);
	const r = await c.get('/admin');
	const form = await c.follow(r);
	assert.match(form.text, /name="next" value="\/admin"/);
	const li = await c.post('/login', { login: DEMO.admin[0], password: DEMO.admin[1], next: '/admin' });
	assert.equal(li.status, 303);
	assert.equal(li.location, '/admin');
	// Anonymous form posts are refused outright.
	const anon = new Client(srv.base);
	await anon.get('/login');
	const p = await anon.post('/admin/agencies', { code: '9990003', name: '익명기관', kind: 'central', region: '11' });
	assert.ok([401, 403].includes(p.status), `anonymous POST: ${p.status}`);
	assert.equal(await one(srv, "SELECT count(*) FROM portal.org WHERE agency_code = '9990003'"), '0');
});

// Regression test (fixed): the page asked for loses its query string on the way through the login
// page: st_dispatch (portal/web.c) builds next= from req->path only, so
// /admin/suppliers?status=rejected comes back as /admin/suppliers.
test('after logging in the user lands on the exact page asked for, query string included', async () => {
	const c = new Client(srv.base);
	const r = await c.get('/admin/suppliers?status=rejected');
	assert.equal(r.status, 303);
	assert.equal(new URL(r.location, srv.base).searchParams.get('next'), '/admin/suppliers?status=rejected');
});

test('suppliers get 403 on every admin page and action', async () => {
	const sup = await loginAs(srv, ...DEMO.supplier);
	const pendingId = await one(srv, "SELECT id FROM portal.org WHERE bizno = '2068600053'");
	const agencyId = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	for (const path of ['/admin', '/admin/suppliers', '/admin/suppliers?status=approved', `/admin/suppliers/${pendingId}`,
		'/admin/agencies', `/admin/agencies/${agencyId}`, '/admin/audit']) {
		const r = await sup.get(path);
		assert.equal(r.status, 403, path);
		assert.ok(!text(r.text).includes('한새봄'), 'no data of the page leaks');
	}
	await sup.get('/account');
	const p = await sup.post(`/admin/suppliers/${pendingId}`, { action: 'approve', reason: '' });
	assert.equal(p.status, 403);
	assert.equal(await one(srv, `SELECT status FROM portal.org WHERE id = ${pendingId}`), 'pending');
	const a = await sup.post('/admin/agencies', { code: '9990004', name: '업체가만든기관', kind: 'central', region: '11' });
	assert.equal(a.status, 403);
	assert.equal(await one(srv, "SELECT count(*) FROM portal.org WHERE agency_code = '9990004'"), '0');
	const u = await sup.post(`/admin/agencies/${agencyId}`, { action: 'add_user', role: 'officer', login: `x${tag()}`,
		name: '침입자', email: 'x@test.example', password: 'Intruder!2026' });
	assert.equal(u.status, 403);
	assert.equal(await one(srv, "SELECT count(*) FROM portal.users WHERE name = '침입자'"), '0');
});

test('agency users, bid officers, agents and staff cannot use the supplier profile page', async () => {
	for (const who of ['agency', 'officer', 'agent', 'admin']) {
		const c = await loginAs(srv, ...DEMO[who]);
		assert.equal((await c.get('/account/org')).status, 403, `${who} GET`);
		await c.get('/account');
		const r = await c.post('/account/org', { ...supplierFields(srv), bizno: '123-45-67891' });
		assert.equal(r.status, 403, `${who} POST`);
	}
	for (const who of ['agency', 'officer', 'agent']) {
		const c = await loginAs(srv, ...DEMO[who]);
		assert.equal((await c.get('/admin')).status, 403, `${who} on /admin`);
	}
	assert.equal(await one(srv, "SELECT name FROM portal.org WHERE bizno = '1234567891'"), '(주)한빛정보통신', 'unchanged');
});

test('a pending supplier can log in but is shown as not yet approved', async () => {
	const c = new Client(srv.base);
	await c.get('/login');
	const r = await c.post('/login', { login: DEMO.pending[0], password: DEMO.pending[1] });
	assert.equal(r.status, 303);
	const acc = await c.get('/account');
	assert.equal(acc.status, 200);
	assert.ok(text(acc.text).includes(`${msg('account.org_status')}: ${msg('status.pending')}`));
	assert.ok(!text(acc.text).includes(`${msg('account.org_status')}: ${msg('status.approved')}`));
	assert.equal(await one(srv, "SELECT status FROM portal.org WHERE bizno = '2068600053'"), 'pending');
	assert.equal((await c.get('/admin')).status, 403);
});

const EVIL = ['//evil.example', '//evil.example/path', '/\\evil.example', '\\\\evil.example', 'https://evil.example/',
	'http:evil.example', 'javascript:alert(1)', '/\t/evil.example', '/\n/evil.example', '///evil.example'];

// Regression test (fixed): "/<TAB>/evil.example" passes safe_next (portal/account.c) and the check
// in lang_get (portal/pages.c): both refuse "//", "/\" and CR/LF but not TAB,
// and browsers drop TAB from URLs, so Location "/\t/evil.example" sends the
// user to //evil.example (an open redirect after login and on /lang).
test('the login page never redirects off-site (next=)', async () => {
	const offsite = [];
	for (const next of EVIL) {
		const c = new Client(srv.base);
		const g = await c.get(`/login?next=${encodeURIComponent(next)}`);
		assert.equal(g.status, 200);
		const hidden = g.text.match(/name="next" value="([^"]*)"/)[1];
		if (!sameOrigin(srv, hidden)) offsite.push(`form keeps next=${JSON.stringify(hidden)}`);
		// Logging in costs a password hash: follow through for the trickiest values.
		if (!['//evil.example', '/\\evil.example', '/\t/evil.example', 'https://evil.example/'].includes(next)) continue;
		const r = await c.post('/login', { login: DEMO.agent[0], password: DEMO.agent[1], next });
		assert.equal(r.status, 303);
		if (!sameOrigin(srv, r.location)) offsite.push(`next=${JSON.stringify(next)} → Location ${JSON.stringify(r.location)}`);
	}
	assert.deepEqual(offsite, [], 'redirects that a browser follows to another site');
});

test('the language switch never redirects off-site (next=)', async () => {
	const offsite = [];
	for (const next of EVIL) {
		const r = await raw(srv, 'GET', `/lang?to=en&next=${encodeURIComponent(next)}`);
		assert.equal(r.status, 303);
		if (!sameOrigin(srv, r.location)) offsite.push(`next=${JSON.stringify(next)} → Location ${JSON.stringify(r.location)}`);
	}
	assert.deepEqual(offsite, [], 'redirects that a browser follows to another site');
});

const LEAKS = [/\/work\//, /\/usr\//, /portal\//, /\.c\b/, /\bSELECT\b/i, /\bERROR\b/, /syntax/i, /pgsql|libpq|postgres/i,
	/kore/i, /stack|trace|line \d+/i, /bigint/i];

// The page minus links (the language switch link carries the requested path,
// URL-encoded, back to the same page: that is not a leak).
function noLeak(r, where) {
	const page = r.text.replace(/href="[^"]*"/g, '');
	for (const re of LEAKS) assert.ok(!re.test(page), `${where}: leaks ${re}`);
}

test('odd paths get the plain 404 page and leak nothing', async () => {
	const paths = ['/no-such-page', '/../../etc/passwd', '/static/../portal/web.c', '/static/..%2f..%2fportal%2fweb.c',
		'/admin/suppliers/0', '/%27%20OR%201=1--', '/<script>alert(1)</script>', '/.git/config', '/%00', '/a%ZZ',
		'/static/style.css%00.txt', '/static/.env', '/index.php', '//evil.example/x', '/static/'];
	for (const p of paths) {
		const r = await rawGet(p);
		assert.equal(r.status, 404, p);
		assert.ok(r.text.includes(msg('error.404.title')), p);
		assert.ok(!r.text.includes('<script>alert'), `${p}: path not reflected raw`);
		noLeak(r, p);
		checkSecurityHeaders({ get: (k) => r.headers[k] }, p);
	}
});

test('a staff request for an id that does not exist is a 404 that leaks nothing', async () => {
	for (const p of ['/admin/suppliers/999999999999999999', '/admin/agencies/999999999999999']) {
		const r = await admin.get(p);
		noLeak(r, p);
		assert.equal(r.status, 404, p);
	}
});

test('wrong methods get 405 with an Allow header', async () => {
	const c = new Client(srv.base);
	const cases = [['PUT', '/login', /POST/], ['DELETE', '/account', /GET/], ['PATCH', '/register', /POST/],
		['POST', '/health', /GET/], ['GET', '/logout', /POST/], ['POST', '/', /GET/], ['DELETE', '/admin/audit', /GET/]];
	for (const [m, p, allow] of cases) {
		const r = await c.request(m, p, m === 'GET' ? undefined : '');
		assert.equal(r.status, 405, `${m} ${p}`);
		assert.match(r.headers.get('allow') || '', allow, `${m} ${p} Allow`);
		assert.ok(!(r.headers.get('allow') || '').includes(m), `${m} not allowed on ${p}`);
	}
});

test('POSTs that are not url-encoded forms get 415 and change nothing', async () => {
	const c = new Client(srv.base);
	await c.get('/login');
	const csrf = c.csrf();
	const before = await sessionsOf('agent');
	const bodies = [
		['application/json', JSON.stringify({ csrf, login: 'agent', password: DEMO.agent[1] })],
		['text/plain', `csrf=${csrf}&login=agent&password=${encodeURIComponent(DEMO.agent[1])}`],
		['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="login"\r\n\r\nagent\r\n--x--\r\n`],
		[undefined, `csrf=${csrf}&login=agent&password=${encodeURIComponent(DEMO.agent[1])}`],
	];
	for (const [type, body] of bodies) {
		const headers = { cookie: c.cookieHeader(), 'content-length': Buffer.byteLength(body) };
		if (type) headers['content-type'] = type;
		const r = await rawReq('POST', '/login', headers, body);
		assert.equal(r.status, 415, String(type));
	}
	assert.equal(await sessionsOf('agent'), before);
	// The registration form is no different.
	const g = await c.get('/register');
	const f = supplierFields(srv);
	const r = await raw(srv, 'POST', '/register', {
		body: JSON.stringify({ csrf: c.csrf(), nonce: nonceOf(g.text), ...f }),
		headers: { 'content-type': 'application/json', cookie: c.cookieHeader() },
	});
	assert.equal(r.status, 415);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.users WHERE login = ${q(f.login)}`), '0');
});
