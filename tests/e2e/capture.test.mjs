// Usage capture over HTTP (issue 6): every request yields exactly one u1
// usage event with who asked, the route and the timing, written by the
// workers without loss on a clean shutdown; and Kore's Combined-format
// access log rotates (G2B_ACCESSLOG_ROTATE) without losing or repeating a
// line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { boot, loginAs, DEMO, one, Client } from './helpers.mjs';

let srv;
const N = 240; // marked anonymous requests, spread over ~25 s

before(async () => {
	srv = await boot({ env: { G2B_ACCESSLOG_ROTATE: '4K' } });
});
after(async () => { await srv?.shutdown(); });

function usageEvents() {
	const out = [];
	for (const f of readdirSync(srv.usageDir)) {
		for (const line of readFileSync(path.join(srv.usageDir, f), 'utf8').split('\n')) {
			if (line === '') continue;
			const x = line.split('\t').map((v) => v.replace(/\\x([0-9a-f]{2})/g, (m, h) => String.fromCharCode(parseInt(h, 16))));
			assert.equal(x.length, 15, `a u1 line has 15 fields: ${line}`);
			out.push({ tag: x[0], us: Number(x[1]), ip: x[2], visitor: x[3], user: x[4], org: x[5], role: x[6],
				method: x[7], route: x[8], path: x[9], status: Number(x[10]), bytes: Number(x[11]),
				dur: Number(x[12]), referer: x[13], agent: x[14] });
		}
	}
	return out;
}

function accessLines() {
	const dir = path.dirname(srv.accessLog);
	const base = path.basename(srv.accessLog);
	const files = readdirSync(dir).filter((f) => f === base || f.startsWith(`${base}.`));
	return { files, lines: files.flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l)) };
}

test('every request is captured once with its user, route, status and timing; the access log rotates without loss', async () => {
	const supplier = await loginAs(srv, ...DEMO.supplier);
	const uid = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	const oid = await one(srv, "SELECT org_id FROM portal.users WHERE login = 'supplier'");
	const t0 = Date.now() * 1000;
	// Logged in: a page and a 404.
	assert.equal((await supplier.get('/notices?cap=user')).status, 200);
	assert.equal((await supplier.get('/notices/999999999')).status, 404);
	// Anonymous, marked, in bursts so the parent flushes the access log
	// (about every 10 s) several times and the 4 KB rotation happens
	// between flushes.
	const anon = new Client(srv.base);
	for (let i = 0; i < N; i++) {
		const r = await fetch(`${srv.base}/notices?cap=${i}`, {
			headers: { referer: 'https://www.example.org/search?q=%EB%82%98\\x41', 'user-agent': `CaptureTest/1.0 (#${i})` } });
		assert.equal(r.status, 200);
		await r.arrayBuffer();
		if (i % 40 === 39) await new Promise((res) => setTimeout(res, 4200));
	}
	assert.equal((await anon.get('/static/style.css')).status, 200);
	await srv.stop(); // a clean shutdown: workers flush their buffers

	const ev = usageEvents();
	const marked = ev.filter((e) => /^\/notices$/.test(e.path) && e.agent.startsWith('CaptureTest/1.0'));
	assert.equal(marked.length, N, 'each anonymous request exactly once');
	const agents = new Set(marked.map((e) => e.agent));
	assert.equal(agents.size, N, 'no request twice');
	for (const e of marked) {
		assert.equal(e.tag, 'u1');
		assert.equal(e.route, 'notices');
		assert.equal(e.method, 'GET');
		assert.equal(e.status, 200);
		assert.equal(e.role, 'anon');
		assert.equal(e.user, '-');
		assert.ok(e.bytes > 1000, 'the page size');
		assert.ok(e.dur > 0 && e.dur < 30e6, `a duration in microseconds: ${e.dur}`);
		assert.ok(e.us >= t0 && e.us <= Date.now() * 1000, 'the time in microseconds since the epoch');
		assert.equal(e.referer, 'https://www.example.org/search?q=%EB%82%98\\x41');
		assert.equal(e.ip, '127.0.0.1');
	}
	const mine = ev.filter((e) => e.user === uid);
	assert.ok(mine.some((e) => e.route === 'notices' && e.status === 200 && e.role === 'supplier' && e.org === oid),
		'the logged-in page view names the user, the organisation and the role');
	assert.ok(mine.some((e) => e.route === 'notice' && e.status === 404), 'the 404 too');
	assert.ok(mine.every((e) => /^[0-9a-f]{16}$/.test(e.visitor)), 'a hashed session key');
	const cookie = supplier.cookieHeader();
	assert.ok(!mine.some((e) => cookie.includes(e.visitor)), 'never the session token itself');
	assert.equal(new Set(mine.map((e) => e.visitor)).size, 1, 'one session, one key');
	assert.ok(ev.some((e) => e.route === 'static' && e.path === '/static/style.css' && e.status === 200));

	const { files, lines } = accessLines();
	assert.ok(files.length >= 2, `the access log rotated at 4 KB: ${files.join(', ')}`);
	for (let i = 0; i < N; i++) {
		// Kore logs the path without its query.
		const hits = lines.filter((l) => l.includes(`"GET /notices HTTP/1.1"`) && l.endsWith(`"CaptureTest/1.0 (#${i})"`));
		assert.equal(hits.length, 1, `access-log line of request ${i} exactly once across ${files.length} files`);
	}
	assert.ok(existsSync(srv.accessLog), 'a current log after rotation');
});
