// Usage-log analysis end to end: the real server writes its access log
// while an anonymous visitor and a logged-in demo supplier browse;
// build/g2b-logs imports that log into the server's own database (schema
// applied by the server's migrations), twice: sessions left open by the
// first import continue in the second, lines are never counted twice, and
// a staff-defined funnel counts its steps per user type. Then the server
// stops (its workers flush their u1 usage events) and `g2b-logs import
// --dir` reads the portal's own events: sessions per logged-in user with
// the role, organisation, route names, real response times, the user's
// page sequence and a notice-to-bid-form funnel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OUT, ROOT, startServer } from '../lib/harness.mjs';
import { boot, Client, DEMO, loginAs, one } from './helpers.mjs';

const G2B_LOGS = path.join(ROOT, 'build/g2b-logs');
const UA_VISITOR = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
	'Chrome/120.0.0.0 Safari/537.36 Whale/3.23.214.10';
const UA_SUPPLIER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2; rv:121.0) Gecko/20100101 Firefox/121.0';

// A client sending its own User-Agent (the log's visitor is address + agent).
class Browser extends Client {
	constructor(base, ua) {
		super(base);
		this.ua = ua;
	}

	request(method, url, body, headers = {}) {
		return super.request(method, url, body, { 'user-agent': this.ua, ...headers });
	}
}

let srv;
let logFile;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function logs(...args) {
	return execFileSync(G2B_LOGS, args, { encoding: 'utf8', env: { ...process.env, G2B_DB: srv.dsn } });
}

// Kore's parent process writes the workers' log lines a little later.
async function waitForLog(pred) {
	const deadline = Date.now() + 15000;
	for (;;) {
		const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
		if (pred(text)) return text;
		if (Date.now() > deadline) throw new Error(`access log never showed the requests:\n${text.slice(-2000)}`);
		await sleep(200);
	}
}

before(async () => {
	srv = await boot({ keep: true }); // stop() keeps the database; shutdown() drops it
	logFile = path.join(OUT, `access-${srv.db}-${srv.port}.log`);
});
after(async () => { await srv?.shutdown(); });

test('the portal applies the usage schema; funnels are defined from the command line', async () => {
	const m = await srv.sql("SELECT count(*) FROM public.schema_migrations WHERE name = 'crm/001_usage.sql'");
	assert.equal(m[0][0], '1');
	const out = logs('funnel', 'add', 'signin', 'GET /', 'GET /notices', 'GET /login', 'POST /login',
		'GET /account*');
	assert.match(out, /funnel signin \(id \d+\)/);
	assert.throws(() => logs('funnel', 'add', 'signin', 'GET /'), /exists/);
	assert.throws(() => logs('funnel', 'add', 'bad', 'notices'), /expected/);
	assert.match(logs('funnel', 'list'), /bid[\s\S]*signin/);
});

test('sessions, entry and exit pages, user types and funnels from the real access log', async () => {
	const visitor = new Browser(srv.base, UA_VISITOR);
	for (const u of ['/', '/notices', '/notices?page=2', '/register', '/static/style.css', '/no/such/page']) {
		await visitor.get(u);
	}
	const supplier = new Browser(srv.base, UA_SUPPLIER);
	await supplier.get('/');
	await supplier.get('/notices');
	await supplier.login(...DEMO.supplier);   // GET /login, POST /login (303), GET /
	await supplier.get('/account');
	await supplier.get('/certificate');
	await waitForLog((t) => t.includes('"GET /certificate') && t.includes('"GET /no/such/page'));

	// First import: the sessions stay open (the visitors may come back).
	const first = logs('import', '--quiet', logFile);
	assert.match(first, /imported \d+ lines \(0 bad\)/);
	const open = await srv.sql('SELECT count(*) FROM usage.open_session');
	assert.ok(Number(open[0][0]) >= 2, `open sessions after the first import: ${open[0][0]}`);

	// The visitor comes back within 30 minutes: the same session goes on.
	// (Kore logs the path without the query: /notices?page=2 is /notices.)
	await visitor.get('/notices');
	await waitForLog((t) => t.split('\n').filter((l) => l.includes('"GET /notices HTTP') && l.includes('Whale')).length >= 3);
	const second = logs('import', '--quiet', '--close-all', logFile);
	assert.match(second, /imported \d+ lines \(0 bad\)/);
	assert.doesNotMatch(second, /imported 0 lines/);

	const rows = await srv.sql('SELECT utype, entry, exit, depth, hits, bot, visitor FROM usage.session ' +
		"WHERE NOT bot ORDER BY started");
	const v = rows.filter((r) => r[0] === 'visitor');
	const s = rows.filter((r) => r[0] === 'supplier');
	assert.equal(v.length, 1, JSON.stringify(rows));
	assert.equal(s.length, 1, JSON.stringify(rows));
	// visitor: / /notices /notices?page=2 /register /no/such/page (404) /notices; the asset is no page
	assert.deepEqual(v[0].slice(1, 5), ['/', '/notices', '6', '6']);
	assert.match(v[0][6], /^v:[0-9a-f]{32}$/);
	// supplier: / /notices /login [POST /login 303] /account (where the login
	// lands) /account /certificate
	assert.deepEqual(s[0].slice(1, 5), ['/', '/certificate', '6', '7']);
	assert.equal((await srv.sql('SELECT count(*) FROM usage.open_session'))[0][0], '0');

	// The signin funnel: the visitor reached 2 steps, the supplier all 5.
	const f = await srv.sql("SELECT r.utype, r.sessions, array_to_string(r.reached, ',') FROM usage.funnel_result r " +
		"JOIN usage.funnel f ON f.id = r.funnel_id WHERE f.name = 'signin' AND r.utype <> 'bot' ORDER BY 1");
	assert.deepEqual(f, [['supplier', '1', '1,1,1,1,1'], ['visitor', '1', '1,1,0,0,0']]);

	// Panels: browsers and a 404 route.
	const br = await srv.sql("SELECT browser, sum(hits) FROM usage.agg_agent WHERE browser IN ('Whale', 'Firefox') " +
		'GROUP BY 1 ORDER BY 1');
	assert.deepEqual(br.map((r) => r[0]), ['Firefox', 'Whale']);
	const nf = await srv.sql("SELECT sum(hits) FROM usage.agg_route WHERE status = 404 AND route = '/no/such/page'");
	assert.equal(nf[0][0], '1');
	const report = logs('report', '--top', '5');
	assert.match(report, /== Funnels/);
	assert.match(report, /signin/);
	assert.match(report, /Whale/);

	// A third import of the same file adds nothing.
	const before3 = await srv.sql('SELECT sum(hits) FROM usage.agg_route');
	const lines = await srv.sql('SELECT sum(lines) FROM usage.import_file');
	const third = logs('import', '--quiet', logFile);
	const after3 = await srv.sql('SELECT sum(hits) FROM usage.agg_route');
	const lines3 = await srv.sql('SELECT sum(lines) FROM usage.import_file');
	// The health checks the harness and the test made in between are new lines;
	// the lines already imported are not read again.
	const added = Number(lines3[0][0]) - Number(lines[0][0]);
	assert.equal(Number(after3[0][0]) - Number(before3[0][0]), added);
	assert.match(third, new RegExp(`imported ${added} lines`));
	const runs = await srv.sql("SELECT count(*) FROM usage.import_run WHERE status = 'ok'");
	assert.equal(runs[0][0], '3');
});

// A notice drafted by the demo agency user and published by the officer
// (as tests/e2e/bidding.test.mjs does); returns its id.
async function publishedNotice() {
	const HOUR = 3600e3;
	const DAY = 24 * HOUR;
	const kst = (ms) => new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
	const code = async (n) => one(srv, "SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' " +
		`ORDER BY code OFFSET ${n} LIMIT 1`);
	const officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	const agency = await loginAs(srv, ...DEMO.agency);
	assert.equal((await agency.get('/notices/new')).status, 200);
	const d = await agency.post('/notices/new', {
		title: '이용 분석 노트북 구매', family: 'goods', base_amount: '125,000,000', budget: '130,000,000',
		contract_method: 'open', award_method: 'lowest', range: '2', region_limit: '', category_limit: '',
		bid_start: kst(DAY), bid_close: kst(8 * DAY), opening_at: kst(8 * DAY + HOUR), officer,
		item_code: [await code(0), await code(1), '', '', ''], item_qty: ['10', '2.5', '', '', ''],
		item_unit: ['대', '식', '', '', ''],
	});
	assert.equal(d.status, 303, 'the draft is saved');
	const id = d.location.match(/^\/notices\/(\d+)\?ok=saved$/)[1];
	const pass = '이용분석-개찰암호-Open!2026';
	const o = await loginAs(srv, ...DEMO.officer);
	await o.get(`/notices/${id}/publish`);
	assert.equal((await o.post(`/notices/${id}/publish`, { passphrase: pass, passphrase2: pass })).status, 303);
	return id;
}

// The staff page /usage over what the imports wrote so far.
async function staffPages(supplier) {
	const anon = new Client(srv.base);
	const a = await anon.get('/usage');
	assert.equal(a.status, 303, 'anonymous: to the login');
	assert.equal((await supplier.get('/usage')).status, 403, 'a supplier may not');
	const admin = await loginAs(srv, ...DEMO.admin);
	const r = await admin.get('/usage');
	assert.equal(r.status, 200);
	// charts with their tables, hover titles, the route names of u1 events
	assert.ok((r.text.match(/<svg /g) || []).length >= 9, 'every panel has its chart');
	assert.ok((r.text.match(/<table class="chart-data">/g) || []).length >= 9, 'and its table');
	assert.match(r.text, /<title>notice: \d+<\/title>/);
	assert.match(r.text, /<a href="\/usage\?name=notice">notice<\/a>/, 'a route name drills down to its paths');
	assert.match(r.text, /<title>(Firefox|Samsung Internet): \d+<\/title>/);
	assert.match(r.text, /<title>200: \d+<\/title>/);
	assert.match(r.text, /<title>[월화수목금토일] \d\d: \d+<\/title>/, 'the heatmap (Korean by default)');
	assert.match(r.text, /<title>notice (≤|>)[0-9.]+m?s: \d+<\/title>/, "the response-time distribution of a route");
	assert.match(r.text, /마지막 가져오기: \d{4}-\d\d-\d\d \d\d:\d\d/, 'the last import run');
	const day = r.text.match(/<a href="\/usage\?day=(\d{4}-\d\d-\d\d)">/);
	assert.ok(day, 'a day drills down to its hours');
	const h = await admin.get(`/usage?day=${day[1]}`);
	assert.equal(h.status, 200);
	assert.match(h.text, /시간대별 조회수/);
	assert.match(h.text, /<title>\d\d: \d+<\/title>/, 'hours');
	const n = await admin.get('/usage?name=bid');
	assert.equal(n.status, 200);
	assert.match(n.text, /<title>\/notices\/:id\/bid: \d+<\/title>/, 'the paths of the route');
	assert.doesNotMatch(n.text, /<title>\/notices\/:id: /, 'only that route');
	// Bad input: a clear message, the default period.
	const bad = await admin.get('/usage?from=2026-13-40&name=%3Cscript%3E');
	assert.equal(bad.status, 200);
	assert.match(bad.text, /날짜\(YYYY-MM-DD\) 또는 경로 이름이 올바르지 않아/);
	assert.doesNotMatch(bad.text, /<script>/);
	assert.equal((await admin.get('/usage?format=csv&panel=nope')).status, 400);
	// CSV: BOM, UTF-8, quoting, one row per route.
	const res = await fetch(`${srv.base}/usage?format=csv&panel=routes`, { headers: { cookie: admin.cookieHeader() } });
	assert.equal(res.status, 200);
	assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
	assert.match(res.headers.get('content-disposition'), /attachment; filename="usage-routes.csv"/);
	const csv = Buffer.from(await res.arrayBuffer());
	assert.deepEqual([...csv.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM so Excel reads UTF-8');
	const rows = csv.subarray(3).toString('utf8').split('\r\n');
	assert.equal(rows[0], '경로,경로 이름,조회수,평균 응답(ms)');
	assert.ok(rows.some((l) => /^notice,notice,\d+,\d+$/.test(l)), rows.join('\n'));
	const heat = await fetch(`${srv.base}/usage?format=csv&panel=heat`, { headers: { cookie: admin.cookieHeader() } });
	assert.match((await heat.text()).split('\r\n')[1], /^[1-7],\d{1,2},\d+,0$/);

	// Funnels: the list with conversions, a new one (csrf form), bad input.
	const f = await admin.get('/usage/funnels');
	assert.equal(f.status, 200);
	assert.match(f.text, /<h2>signin<\/h2>/);
	assert.match(f.text, /<code>GET \/notices<\/code>/);
	assert.match(f.text, /<th scope="col" class="num">공급자<\/th>/, 'split by user type');
	const before = await one(srv, 'SELECT count(*) FROM usage.funnel');
	const badf = await admin.post('/usage/funnels', { name: 'x', steps: 'GET /notices\nnotices' });
	assert.equal(badf.status, 400);
	assert.match(badf.text, /id="e-steps"/);
	const dup = await admin.post('/usage/funnels', { name: 'signin', steps: 'GET /' });
	assert.equal(dup.status, 400);
	assert.match(dup.text, /같은 이름의 퍼널이 이미 있습니다/);
	assert.equal(await one(srv, 'SELECT count(*) FROM usage.funnel'), before, 'refusals write nothing');
	const add = await admin.post('/usage/funnels', { name: '상세→입찰서', steps: 'GET /notices/:id\r\n\r\nGET /notices/:id/bid\r\n' });
	assert.equal(add.status, 303);
	assert.equal(add.location, '/usage/funnels?ok=funnel_saved');
	assert.equal(await one(srv, "SELECT array_to_string(steps, '|') FROM usage.funnel WHERE name = '상세→입찰서'"),
		'GET /notices/:id|GET /notices/:id/bid');
	const nocsrf = await fetch(`${srv.base}/usage/funnels`, { method: 'POST', redirect: 'manual',
		headers: { cookie: admin.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
		body: 'name=evil&steps=GET+%2F' });
	assert.equal(nocsrf.status, 403, 'no csrf token, no funnel');
	assert.equal(await one(srv, "SELECT count(*) FROM usage.funnel WHERE name = 'evil'"), '0');
	const agent = await loginAs(srv, ...DEMO.agent);
	assert.equal((await agent.get('/usage/funnels')).status, 200, 'agents see the panels');
	assert.equal((await agent.get('/usage/users/1')).status, 403, 'not a person\'s activity');
	assert.equal((await supplier.get('/usage/funnels')).status, 403);

	// A person's activity (staff only): the supplier's session, still open,
	// with its page sequence.
	const uid = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	const tl = await admin.get(`/usage/users/${uid}`);
	assert.equal(tl.status, 200);
	assert.match(tl.text, /이용자 활동: .*\(supplier\)/);
	assert.match(tl.text, /\(진행 중\) · supplier/);
	const cells = [...tl.text.matchAll(/<td>GET<\/td><td>([a-z_]+)<\/td><td class="wrap">([^<]+)<\/td>/g)].map((m) => m[1]);
	assert.match(cells.join(' '), /notices notice bid notice/, cells.join(' '));
	const audit = await srv.sql("SELECT a.detail->>'user_id', u.login FROM portal.audit a JOIN portal.users u ON u.id = a.actor " +
		"WHERE a.event = 'usage.user_view'");
	assert.deepEqual(audit, [[uid, 'admin']], 'the view is in the audit trail');
	assert.equal((await admin.get('/usage/users/999999999')).status, 404);
	assert.equal((await supplier.get(`/usage/users/${uid}`)).status, 403);
}

test('u1 usage events: sessions per user with roles, routes, response times and the notice-to-bid funnel', async () => {
	const notice = await publishedNotice();
	// Time travel: bidding is open now.
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute',
		bid_close = now() + interval '7 days', opening_at = now() + interval '7 days 1 hour'
		WHERE notice_id = ${notice} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${notice})`);
	const uid = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	const oid = await one(srv, "SELECT org_id FROM portal.users WHERE login = 'supplier'");
	const out = logs('funnel', 'add', 'notice-bid', 'GET /notices', 'GET /notices/:id', 'GET /notices/:id/bid');
	assert.match(out, /funnel notice-bid/);

	// An anonymous visitor reads the list and a notice, not the bid form.
	const visitor = new Browser(srv.base, 'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 ' +
		'(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36');
	assert.equal((await visitor.get('/notices')).status, 200);
	assert.equal((await visitor.get(`/notices/${notice}`)).status, 200);
	assert.equal((await visitor.get('/static/style.css')).status, 200);
	// The supplier (already logged in earlier in this run, under another
	// session key) goes from the list to the notice to the bid form.
	const supplier = new Browser(srv.base, UA_SUPPLIER);
	await supplier.login(...DEMO.supplier);
	assert.equal((await supplier.get('/notices')).status, 200);
	assert.equal((await supplier.get(`/notices/${notice}`)).status, 200);
	assert.equal((await supplier.get(`/notices/${notice}/bid`)).status, 200);
	assert.equal((await supplier.get('/notices/999999999')).status, 404);

	// A first import while the server runs (the workers flush every second):
	// the files are still being written; the next import goes on from there.
	await sleep(1500);
	assert.match(logs('import', '--quiet', '--dir', srv.usageDir), /imported [1-9]\d* lines \(0 bad\)/);
	await staffPages(supplier);
	await srv.stop(); // a clean stop: the workers flush their events

	const files = readdirSync(srv.usageDir).filter((f) => /^usage-\d{8}-\d+\.tsv$/.test(f));
	assert.ok(files.length >= 1, 'the portal wrote u1 files');
	const lines = files.flatMap((f) => readFileSync(path.join(srv.usageDir, f), 'utf8').split('\n').filter((l) => l));
	const out1 = logs('import', '--close-all', '--dir', srv.usageDir);
	assert.match(out1, /imported [1-9]\d* lines \(0 bad\)/);
	assert.equal(await one(srv, `SELECT sum(lines) FROM usage.import_file WHERE path LIKE '${srv.usageDir}/usage-%'`),
		String(lines.length), 'every event imported once over the two imports');
	assert.equal(await one(srv, 'SELECT sum(bad) FROM usage.import_file'), '0');
	// Incremental: nothing new the second time.
	assert.match(logs('import', '--dir', srv.usageDir), /imported 0 lines \(0 bad\)/);
	assert.equal(await one(srv, 'SELECT count(*) FROM usage.import_file WHERE path LIKE ' +
		`'${srv.usageDir}/usage-%'`), String(files.length));

	// One session for the supplier across both logins (keyed by the user),
	// its role and organisation from the events, not guessed.
	const us = await srv.sql(`SELECT utype, role, org_id, visitor, depth FROM usage.session WHERE user_id = ${uid}`);
	assert.equal(us.length, 1, JSON.stringify(us));
	assert.deepEqual(us[0].slice(0, 4), ['supplier', 'supplier', oid, `u:${uid}`]);
	// The page sequence of the user's timeline.
	const seq = (await srv.sql(`SELECT name, path, status, dur_us FROM usage.user_event WHERE user_id = ${uid} ORDER BY ts`));
	const names = seq.map((r) => r[0]).join(' ');
	assert.match(names, /notices notice bid notice/, names);
	assert.ok(seq.some((r) => r[1] === `/notices/${notice}/bid` && r[2] === '200'));
	assert.ok(seq.every((r) => Number(r[3]) > 0), 'every event has its response time');
	// The visitor's session is anonymous, keyed by the portal's visitor key.
	const anon = await srv.sql("SELECT visitor, utype, depth FROM usage.session WHERE user_id IS NULL AND visitor LIKE 'k:%' " +
		"AND entry = '/notices' AND depth = 2");
	assert.ok(anon.length >= 1, 'the anonymous visitor');
	assert.ok(anon.every((r) => /^k:[0-9a-f]{32}$/.test(r[0]) && r[1] === 'visitor'));

	// Route names, paths and real response times (every event is timed).
	const rt = await srv.sql("SELECT name, route, sum(hits), sum(rt_n), sum(rt_sum_us) > 0, " +
		"sum((SELECT sum(x) FROM unnest(rt_hist) x)) FROM usage.agg_route WHERE name IN ('notice', 'bid') " +
		'AND status = 200 GROUP BY 1, 2 ORDER BY 1');
	assert.deepEqual(rt.map((r) => r.slice(0, 2)), [['bid', '/notices/:id/bid'], ['notice', '/notices/:id']]);
	for (const r of rt) {
		assert.equal(r[2], r[3], `${r[0]}: every hit timed`);
		assert.equal(r[4], 't');
		assert.equal(r[5], r[3], `${r[0]}: the histogram counts every timed hit`);
	}
	assert.equal(await one(srv, "SELECT sum(hits) FROM usage.agg_route WHERE name = 'notice' AND status = 404"), '1');
	assert.ok(Number(await one(srv, "SELECT sum(hits) FROM usage.agg_route WHERE name = 'static'")) >= 1);
	assert.ok(Number(await one(srv, "SELECT sum(hits) FROM usage.agg_agent WHERE browser = 'Samsung Internet' " +
		"OR browser = 'Samsung'")) >= 1, 'the visitor\'s browser');

	// The funnel: the supplier converts at every step, the visitor stops
	// after the notice (other anonymous sessions of this run reached the
	// list at most).
	const f = await srv.sql("SELECT r.utype, sum(r.sessions), sum(r.reached[1]), sum(r.reached[2]), sum(r.reached[3]) " +
		"FROM usage.funnel_result r JOIN usage.funnel f ON f.id = r.funnel_id WHERE f.name = 'notice-bid' " +
		"AND r.utype IN ('supplier', 'visitor') GROUP BY 1 ORDER BY 1");
	assert.deepEqual(f[0], ['supplier', '1', '1', '1', '1']);
	assert.equal(f[1][0], 'visitor');
	assert.equal(f[1][3], '1', 'one visitor opened a notice from the list');
	assert.equal(f[1][4], '0', 'no anonymous bid form');
	assert.ok(Number(f[1][2]) >= 1);
	assert.match(logs('report'), /notice-bid/);

	// Region: the logged-in supplier's session is counted under its
	// organisation's region (portal.org.region), not the address's.
	const oreg = await one(srv, `SELECT region FROM portal.org WHERE id = ${oid}`);
	assert.match(oreg, /^\d\d$/);
	assert.equal(await one(srv, `SELECT region FROM usage.session WHERE user_id = ${uid}`), oreg);
	const fr = await srv.sql("SELECT r.region, sum(r.sessions), sum(r.reached[3]) FROM usage.funnel_result r " +
		"JOIN usage.funnel f ON f.id = r.funnel_id WHERE f.name = 'notice-bid' AND r.utype = 'supplier' GROUP BY 1");
	assert.deepEqual(fr, [[oreg, '1', '1']]);
	assert.equal(await one(srv, "SELECT count(*) FROM usage.funnel_result r JOIN usage.funnel f ON " +
		"f.id = r.funnel_id WHERE f.name = 'notice-bid' AND r.utype = 'visitor' AND r.region = 'unknown' " +
		'AND r.reached[2] >= 1'), '1', 'anonymous sessions: region unknown (no region_net)');

	// The funnels page splits by region and filters by one (the server
	// again, on the same database). Expected cells from funnel_result.
	const rname = await one(srv, `SELECT name_ko FROM portal.region WHERE code = '${oreg}'`);
	const exp = (await srv.sql("SELECT sum(r.sessions), sum(r.reached[1]), sum(r.reached[2]), sum(r.reached[3]) " +
		"FROM usage.funnel_result r JOIN usage.funnel f ON f.id = r.funnel_id WHERE f.name = 'notice-bid' " +
		`AND r.utype <> 'bot' AND r.region = '${oreg}'`))[0].map(Number);
	const pc = (n) => `${n} (${(100 * n / exp[0]).toFixed(1)}%)`;
	const cells = `<td class="num">${exp[0]}</td><td class="num">${pc(exp[1])}</td>` +
		`<td class="num">${pc(exp[2])}<br><small>이탈 ${exp[1] - exp[2]}</small></td>` +
		`<td class="num">${pc(exp[3])}<br><small>이탈 ${exp[2] - exp[3]}</small></td></tr>`;
	const regionTable = (html) => (html.match(/<caption>지역별 단계 도달 세션: notice-bid<\/caption>[\s\S]*?<\/table>/) || [''])[0];
	const again = await startServer({ db: srv.db });
	try {
		const admin = await loginAs(again, ...DEMO.admin);
		const all = await admin.get('/usage/funnels');
		assert.equal(all.status, 200);
		const t0 = regionTable(all.text);
		assert.ok(t0.includes(`<th scope="row" class="nowrap">${rname}</th>${cells}`), `${rname} ${cells}\n${t0}`);
		assert.match(t0, /<th scope="row" class="nowrap">알 수 없음<\/th>/, 'anonymous sessions: unknown region');
		// Filtered to the supplier's region: only that row, same cells.
		const one1 = await admin.get(`/usage/funnels?region=${oreg}`);
		assert.equal(one1.status, 200);
		assert.match(one1.text, new RegExp(`<option value="${oreg}" selected>`));
		const t1 = regionTable(one1.text);
		assert.ok(t1.includes(`<th scope="row" class="nowrap">${rname}</th>${cells}`), t1);
		assert.doesNotMatch(t1, /알 수 없음/, 'only the region asked for');
		// A code that is not one of the 17 regions: refused, said so.
		const bad = await admin.get('/usage/funnels?region=99');
		assert.equal(bad.status, 400);
		assert.match(bad.text, /지역\(시·도\) 코드가 올바르지 않아/);
		assert.doesNotMatch(bad.text, /<option value="99"/);
		const en = await admin.get(`/usage/funnels?region=${oreg}&lang=en`);
		assert.equal(en.status, 200);
		assert.match(en.text, /Sessions reaching each step by region: notice-bid/);
	} finally {
		await again.stop();
	}
});

test('import --dir: rotated access logs oldest first, other files left out', async () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'g2b-logdir-'));
	try {
		const l = (d, p) => `192.0.2.7 - - [${d}/Mar/2020:10:00:00 +0900] "GET ${p} HTTP/1.1" 200 10 "-" "DirTest/1.0"\n`;
		// logrotate.c's dated names, a numbered series, the live files
		writeFileSync(path.join(dir, 'access.log.20200302-000000'), l('02', '/b'));
		writeFileSync(path.join(dir, 'access.log.20200301-000000'), l('01', '/a'));
		writeFileSync(path.join(dir, 'access.log'), l('03', '/c'));
		writeFileSync(path.join(dir, 'other.log.2'), l('04', '/d'));
		writeFileSync(path.join(dir, 'other.log.1'), l('05', '/e'));
		writeFileSync(path.join(dir, 'other.log'), l('06', '/f'));
		writeFileSync(path.join(dir, 'notes.txt'), 'not a log\n');
		writeFileSync(path.join(dir, 'old.log.gz'), 'compressed');
		const r = spawnSync(G2B_LOGS, ['import', '--dir', dir], { encoding: 'utf8', env: { ...process.env, G2B_DB: srv.dsn } });
		assert.equal(r.status, 0, r.stderr);
		assert.match(r.stdout, /imported 6 lines \(0 bad\) from 6 file/);
		assert.match(r.stderr, /notes\.txt: neither an access log nor usage events, skipped/);
		const order = (await srv.sql(`SELECT path FROM usage.import_file WHERE path LIKE '${dir}/%' ORDER BY id`))
			.map((x) => path.basename(x[0]));
		assert.deepEqual(order, ['access.log.20200301-000000', 'access.log.20200302-000000', 'access.log',
			'other.log.2', 'other.log.1', 'other.log']);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
