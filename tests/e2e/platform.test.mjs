// Platform pages: health checks, the home page, static files and the
// notification inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { text, ROOT } from '../lib/harness.mjs';
import {
	boot, one, q, newSupplier, staff, review, loginAs, Client, DEMO, unreadBadge, uniqueLogin, Psql, raw, PSQL_APP, msg,
} from './helpers.mjs';

let srv;
let admin;
before(async () => {
	srv = await boot();
	admin = await staff(srv);
});
after(async () => { await srv?.shutdown(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('/health answers JSON with the database status', async () => {
	const r = await raw(srv, 'GET', '/health');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^application\/json/);
	assert.equal(r.headers.get('cache-control'), 'no-store');
	const body = JSON.parse(r.text);
	assert.equal(body.status, 'ok');
	assert.equal(body.database, 'ok');
	assert.equal(body.migrations, Number(await one(srv, 'SELECT count(*) FROM public.schema_migrations')));
	assert.ok(body.migrations >= 3);
	const live = await raw(srv, 'GET', '/health/live');
	assert.equal(live.status, 200);
	assert.deepEqual(JSON.parse(live.text), { status: 'ok' });
});

// Regression test (fixed): after PostgreSQL drops the portal's connections (a restart, a
// failover, an idle-connection kill) a worker keeps reusing its dead pooled
// connection and answers 503 to every request needing the database, for good,
// until the server is restarted ("no connection to the server" in the log).
// Kore 4.1's pgsql layer puts the broken connection back on the free list, and
// the shared state machine (st_wait in portal/web.c) never checks
// PQstatus(...) == CONNECTION_BAD to reset or drop it.
test('when the database is down /health says so (503) and pages fail politely; both recover', async () => {
	// Its own server: this test breaks the database connections on purpose.
	const own = await boot();
	const fresh = (p) => new Promise((resolve, reject) => {
		// A new TCP connection each time, so that both workers are exercised.
		const req = http.request({ host: '127.0.0.1', port: own.port, path: p, agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode, text: body }));
		});
		req.on('error', reject);
		req.end();
	});
	const pg = new Psql('postgres');
	try {
		// Pooled connections in every worker before the outage, as in real life.
		const warm = await Promise.all(Array.from({ length: 12 }, () => fresh('/health')));
		assert.ok(warm.every((r) => r.status === 200));
		await pg.query(`ALTER DATABASE ${own.db} ALLOW_CONNECTIONS false`);
		await pg.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = ${q(own.db)} AND application_name <> ${q(PSQL_APP)}`);
		const h = await fresh('/health');
		assert.equal(h.status, 503);
		assert.deepEqual(JSON.parse(h.text), { status: 'error', database: 'unreachable' });
		const page = await fresh('/');
		assert.equal(page.status, 503);
		assert.ok(page.text.includes(msg('error.503.title')));
		assert.ok(!/FATAL|terminating|accepting connections|socket|g2b_t/.test(page.text), 'no database message leaks');
		assert.equal((await fresh('/health/live')).status, 200, 'liveness does not need the database');
		await pg.query(`ALTER DATABASE ${own.db} ALLOW_CONNECTIONS true`);
		const seen = [];
		let ok = 0;
		for (let i = 0; i < 40 && ok < 10; i++) {
			const r = await fresh('/health');
			seen.push(r.status);
			ok = r.status === 200 ? ok + 1 : 0;
			if (ok === 0) await sleep(100);
		}
		assert.equal(ok, 10, `the server reconnects by itself once the database is back (saw ${seen.join(' ')})`);
		assert.equal((await fresh('/')).status, 200);
	} finally {
		await pg.query(`ALTER DATABASE ${own.db} ALLOW_CONNECTIONS true`).catch(() => {});
		await pg.close();
		await own.shutdown();
	}
});

test('the home page shows the agencies and the approved suppliers, not pending ones', async () => {
	const r = await new Client(srv.base).get('/');
	assert.equal(r.status, 200);
	assert.match(r.text, /<html lang="ko">/, 'Korean by default');
	const t = text(r.text);
	for (const name of ['조달청', '국토교통부', '서울특별시', '부산광역시', '한국도로공사', '서울특별시교육청']) {
		assert.ok(t.includes(name), `agency ${name}`);
	}
	for (const k of ['agency_kind.central', 'agency_kind.local', 'agency_kind.corporation', 'agency_kind.education', 'region.30']) {
		assert.ok(t.includes(msg(k)), k);
	}
	for (const name of ['(주)한빛정보통신', '대한건설(주)', '미래사무기기', '(주)청정환경']) assert.ok(t.includes(name), `supplier ${name}`);
	assert.ok(!t.includes('(주)새봄소프트'), 'a pending supplier is not shown');
	const [agencies, suppliers] = (await srv.sql(`SELECT count(*) FILTER (WHERE kind = 'agency'),
		count(*) FILTER (WHERE kind = 'supplier' AND status = 'approved') FROM portal.org`))[0];
	const stats = [...r.text.matchAll(/<dd>(\d+)<\/dd>/g)].map((m) => m[1]);
	assert.deepEqual(stats, [agencies, suppliers]);
	// Newest registrations first.
	const order = ['(주)청정환경', '미래사무기기', '대한건설(주)', '(주)한빛정보통신'].map((n) => t.indexOf(n));
	assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

test('a newly approved supplier appears on the home page', async () => {
	const { f, orgId } = await newSupplier(srv);
	assert.ok(!text((await new Client(srv.base).get('/')).text).includes(f.company), 'not while pending');
	const r = await review(admin, orgId, 'approve');
	assert.equal(r.status, 303);
	const home = await new Client(srv.base).get('/');
	const t = text(home.text);
	assert.ok(t.includes(f.company), 'shown once approved');
	assert.ok(t.indexOf(f.company) < t.indexOf('(주)청정환경'), 'as the most recent');
});

test('static CSS is served with an ETag and answers 304 to If-None-Match', async () => {
	const file = readFileSync(path.join(ROOT, 'portal/static/style.css'), 'utf8');
	const r = await raw(srv, 'GET', '/static/style.css');
	assert.equal(r.status, 200);
	assert.match(r.headers.get('content-type'), /^text\/css/);
	assert.equal(r.text, file);
	const etag = r.headers.get('etag');
	assert.match(etag, /^"[^"]+"$/);
	assert.match(r.headers.get('cache-control'), /max-age=\d+/);
	const again = await raw(srv, 'GET', '/static/style.css', { headers: { 'if-none-match': etag } });
	assert.equal(again.status, 304);
	assert.equal(again.text, '');
	assert.equal(again.headers.get('etag'), etag);
	const stale = await raw(srv, 'GET', '/static/style.css', { headers: { 'if-none-match': '"0000"' } });
	assert.equal(stale.status, 200);
	assert.equal(stale.text, file);
	assert.equal((await raw(srv, 'GET', '/static/missing.css')).status, 404);
	const home = await raw(srv, 'GET', '/');
	assert.match(home.text, /<link rel="stylesheet" href="\/static\/style.css">/);
});

// A second staff member, so that "mark all read" can be seen not to touch
// anybody else's inbox. Same password hash as the demo admin.
async function secondStaff() {
	const login = uniqueLogin('staff');
	await srv.sql(`INSERT INTO portal.users (login, role, name, pwhash)
		SELECT ${q(login)}, 'staff', '두번째담당', pwhash FROM portal.users WHERE login = 'admin'`);
	return loginAs(srv, login, DEMO.admin[1]).then((c) => ({ c, login }));
}

async function unreadOf(login) {
	return Number(await one(srv, `SELECT count(*) FROM portal.notification n JOIN portal.users u ON u.id = n.user_id
		WHERE u.login = ${q(login)} AND n.read_at IS NULL`));
}

test('notifications can be marked read one at a time and all at once; the unread count drops', async () => {
	const other = await secondStaff();
	const { c: s, login } = await secondStaff();
	assert.equal(unreadBadge((await s.get('/notifications')).text), 0);
	assert.ok(text((await s.get('/notifications')).text).includes(msg('notif.empty')));

	const regs = [];
	for (let i = 0; i < 3; i++) regs.push(await newSupplier(srv));
	let inbox = await s.get('/notifications');
	assert.equal(unreadBadge(inbox.text), 3, 'three new registrations');
	const items = [...inbox.text.matchAll(/<li class="unread">[\s\S]*?<\/li>/g)].map((m) => m[0]);
	assert.equal(items.length, 3);
	assert.ok(text(items[0]).includes(regs[2].f.company), 'newest first');
	for (const { orgId } of regs) assert.ok(inbox.text.includes(`href="/admin/suppliers/${orgId}"`), 'each links to its review page');
	assert.ok(inbox.text.includes(msg('notif.mark_all')));

	// One.
	const id = items[0].match(/name="id" value="(\d+)"/)[1];
	const r = await s.post('/notifications', { id });
	assert.equal(r.status, 303);
	assert.equal(r.location, '/notifications');
	inbox = await s.follow(r);
	assert.equal(unreadBadge(inbox.text), 2);
	assert.equal([...inbox.text.matchAll(/<li class="unread">/g)].length, 2);
	assert.equal(await one(srv, `SELECT read_at IS NOT NULL FROM portal.notification WHERE id = ${id}`), 't');
	assert.equal(await unreadOf(login), 2);
	assert.equal(await unreadOf(other.login), 3, "another staff member's inbox is untouched");

	// Someone else's notification cannot be marked by id.
	const theirs = await one(srv, `SELECT n.id FROM portal.notification n JOIN portal.users u ON u.id = n.user_id
		WHERE u.login = ${q(other.login)} AND n.read_at IS NULL ORDER BY n.id LIMIT 1`);
	await s.get('/notifications');
	await s.post('/notifications', { id: theirs });
	assert.equal(await one(srv, `SELECT read_at IS NULL FROM portal.notification WHERE id = ${theirs}`), 't');

	// All.
	await s.get('/notifications');
	const all = await s.post('/notifications', {});
	assert.equal(all.status, 303);
	inbox = await s.follow(all);
	assert.equal(unreadBadge(inbox.text), 0);
	assert.match(inbox.text, /class="badge zero"/);
	assert.ok(!inbox.text.includes(msg('notif.mark_all')), 'nothing left to mark');
	assert.equal([...inbox.text.matchAll(/<li class="">/g)].length, 3, 'read notifications stay listed');
	assert.equal(await unreadOf(login), 0);
	assert.equal(await unreadOf(other.login), 3, "another staff member's inbox is untouched");
	assert.equal(unreadBadge((await other.c.get('/')).text), 3);
});

// Regression test (fixed): a malformed id (e.g. "abc" or "0") marks ALL of the user's
// notifications read instead of being refused: notif_post (portal/pages.c)
// falls through to the mark-all query whenever the id is not valid.
test('a malformed notification id changes nothing', async () => {
	const { c: s, login } = await secondStaff();
	await newSupplier(srv);
	assert.equal(await unreadOf(login), 1);
	await s.get('/notifications');
	for (const id of ['abc', '0', '-1']) {
		const r = await s.post('/notifications', { id });
		assert.ok(r.status === 400 || r.status === 303, `id ${id}: ${r.status}`);
		assert.equal(await unreadOf(login), 1, `id=${id} must not mark everything read`);
		await s.get('/notifications');
	}
});

test('the inbox is for logged-in users only', async () => {
	const c = new Client(srv.base);
	const r = await c.get('/notifications');
	assert.equal(r.status, 303);
	assert.match(r.location, /^\/login\?next=/);
	await c.get('/login');
	const p = await c.post('/notifications', {});
	assert.ok([401, 403].includes(p.status));
});
