// Usage-log analysis end to end: the real server writes its access log
// while an anonymous visitor and a logged-in demo supplier browse;
// build/g2b-logs imports that log into the server's own database (schema
// applied by the server's migrations), twice: sessions left open by the
// first import continue in the second, lines are never counted twice, and
// a staff-defined funnel counts its steps per user type.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { OUT, ROOT } from '../lib/harness.mjs';
import { boot, Client, DEMO } from './helpers.mjs';

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
	srv = await boot();
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
