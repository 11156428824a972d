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
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OUT, ROOT } from '../lib/harness.mjs';
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
	await srv.stop(); // a clean stop: the workers flush their events

	const files = readdirSync(srv.usageDir).filter((f) => /^usage-\d{8}-\d+\.tsv$/.test(f));
	assert.ok(files.length >= 1, 'the portal wrote u1 files');
	const lines = files.flatMap((f) => readFileSync(path.join(srv.usageDir, f), 'utf8').split('\n').filter((l) => l));
	const out1 = logs('import', '--close-all', '--dir', srv.usageDir);
	assert.match(out1, new RegExp(`imported ${lines.length} lines \\(0 bad\\) from ${files.length} file`));
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
});
