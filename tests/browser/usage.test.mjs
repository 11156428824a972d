// The staff usage pages (issue 6) in Chromium: a week of generated u1 usage
// events (visitors, suppliers, agencies; pages, errors, response times,
// referrers, browsers) is imported with build/g2b-logs into the server's
// database; the demo staff user (admin) opens /usage, reads the charts and
// their tables (hover titles), drills down from a day to its hours and
// from a route to its paths, downloads a panel as CSV, defines a funnel on
// /usage/funnels and opens a user's activity. Desktop and a 390-px phone,
// screenshots tests/out/screenshots/60-*.png ... 66-*.png.
//
// Steps depend on one another: once one fails the rest are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { boot, one } from '../e2e/helpers.mjs';
import { launch, newUser, shot, control, clickAndLoad, overflow, TEST_TIMEOUT } from './support.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const G2B_LOGS = path.join(ROOT, 'build/g2b-logs');

let srv;
let browser;
let tmp;
const S = {};

before(async () => {
	srv = await boot();
	browser = await launch();
	tmp = mkdtempSync(path.join(tmpdir(), 'g2b-usage-'));
});
after(async () => {
	await S.ctx?.close().catch(() => {});
	await browser?.close();
	await srv?.shutdown();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let broken = null;
function step(name, fn, { side = false } = {}) {
	test(name, { timeout: TEST_TIMEOUT }, async (tc) => {
		if (broken) { tc.skip(`earlier step failed: ${broken}`); return; }
		try { await fn(tc); } catch (e) { if (!side) broken = name; throw e; }
	});
}

// A deterministic pseudo-random sequence.
function rng(seed) {
	let x = seed >>> 0;
	return () => {
		x = (x * 1664525 + 1013904223) >>> 0;
		return x / 2 ** 32;
	};
}

const AGENTS = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Whale/3.23.214.10',
	'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const REFS = ['https://www.google.com/search?q=%EC%9E%85%EC%B0%B0', 'https://search.naver.com/search.naver?query=g2b',
	'https://www.pps.go.kr/', '-', '-', '-'];

// A week of u1 events, two "workers" per day, as the portal writes them.
function generate(users) {
	const r = rng(20261123);
	const now = Date.now();
	const files = new Map();
	const line = (f) => f.map((v) => String(v)).join('\t');
	const seen = new Map(); // session key -> seconds of its requests
	let n = 0;
	let userEvents = 0;
	for (let v = 0; v < 220; v++) {
		const who = v % 5 === 0 ? users.supplier : v % 11 === 0 ? users.officer : null;
		const key = (0x1000000000000000n + BigInt(v) * 7919n).toString(16).slice(0, 16);
		const agent = who ? AGENTS[v % 3] : AGENTS[Math.floor(r() * AGENTS.length)];
		const ref = REFS[Math.floor(r() * REFS.length)];
		// Office hours in Korea, a little at night, over the last 7 days.
		const day = Math.floor(r() * 7);
		const hourKst = r() < 0.85 ? 9 + Math.floor(r() * 9) : Math.floor(r() * 24);
		let t = now - day * 86400e3;
		const d = new Date(t + 9 * 3600e3);
		d.setUTCHours(hourKst, Math.floor(r() * 60), Math.floor(r() * 60), 0);
		t = Math.min(d.getTime() - 9 * 3600e3, now - 60e3);
		const notice = 1 + Math.floor(r() * 40);
		const path = [['notices', '/notices', 'GET']];
		if (r() < 0.7) path.push(['notice', `/notices/${notice}`, 'GET']);
		if (who === users.supplier && path.length > 1 && r() < 0.6) path.push(['bid', `/notices/${notice}/bid`, 'GET']);
		if (r() < 0.1) path.push(['notice', '/notices/999999', 'GET', 404]);
		if (who === users.officer) path.push(['notice_new', '/notices/new', 'GET']);
		if (r() < 0.03) path.push(['notices', '/notices', 'GET', 500]);
		path.unshift(['home', '/', 'GET']);
		for (const [i, [route, p, method, status]] of path.entries()) {
			const us = (t + i * (20e3 + Math.floor(r() * 60e3))) * 1000;
			const dur = Math.floor((route === 'bid' ? 80e3 : 8e3) * (0.3 + r() * 3) * (status === 500 ? 20 : 1));
			const ymd = new Date(us / 1000).toISOString().slice(0, 10).replace(/-/g, '');
			const name = `usage-${ymd}-${4000 + (v % 2)}.tsv`;
			if (!files.has(name)) files.set(name, []);
			files.get(name).push([us, line(['u1', us, `203.0.113.${v % 250}`, key, who ? who.id : '-', who ? who.org : '-',
				who ? who.role : 'anon', method, route, p, status || 200, 3000 + Math.floor(r() * 20000), dur,
				i === 0 ? ref : `https://g2b.example/${path[i - 1][1]}`, agent])]);
			files.get(name).push([us + 1000, line(['u1', us + 1000, `203.0.113.${v % 250}`, key, '-', '-', 'anon', 'GET',
				'static', '/static/style.css', 200, 18000, 400, '-', agent])]);
			n += 2;
			const sk = who ? `u${who.id}` : `k${key}`;
			if (!seen.has(sk)) seen.set(sk, []);
			seen.get(sk).push(Math.floor(us / 1e6));
			if (who) userEvents++;
		}
	}
	// Sessions as the importer must find them: a key's requests with gaps
	// under 30 minutes.
	let sessions = 0;
	for (const ts of seen.values()) {
		ts.sort((a, b) => a - b);
		sessions += 1 + ts.filter((t, i) => i > 0 && t - ts[i - 1] >= 1800).length;
	}
	for (const [name, rows] of files) {
		rows.sort((a, b) => a[0] - b[0]);
		writeFileSync(path.join(tmp, name), rows.map((x) => `${x[1]}\n`).join(''));
	}
	return { n, sessions, userEvents, files: files.size };
}

async function login(page, user, password) {
	await page.goto('/login');
	await control(page, '아이디').fill(user);
	await control(page, '비밀번호').fill(password);
	await clickAndLoad(page, page.getByRole('button', { name: '로그인', exact: true }));
}

step('a week of generated usage events is imported from the command line', async () => {
	const users = {};
	for (const login of ['supplier', 'officer']) {
		const [[id, org]] = await srv.sql(`SELECT id, org_id FROM portal.users WHERE login = '${login}'`);
		users[login] = { id, org, role: login };
	}
	S.supplier = users.supplier.id;
	const g = generate(users);
	const env = { ...process.env, G2B_DB: srv.dsn };
	// Killed mid-way (small batches, the day's two files merged), then
	// restarted: every event once, the same sessions.
	const killed = spawnSync(G2B_LOGS, ['import', '--quiet', '--batch', '97', '--crash-after',
		String(Math.floor(g.n * 0.55)), '--dir', tmp], { encoding: 'utf8', env });
	assert.equal(killed.status, 99, killed.stderr);
	const done = Number(await one(srv, 'SELECT coalesce(sum(lines), 0) FROM usage.import_file'));
	assert.ok(done > 0 && done < g.n, `committed before the kill: ${done}`);
	const out = execFileSync(G2B_LOGS, ['import', '--quiet', '--close-all', '--dir', tmp], { encoding: 'utf8', env });
	assert.match(out, new RegExp(`imported ${g.n - done} lines \\(0 bad\\) from ${g.files} file`));
	assert.equal(await one(srv, 'SELECT sum(lines) FROM usage.import_file'), String(g.n));
	assert.equal(await one(srv, 'SELECT sum(hits) FROM usage.agg_route'), String(g.n), 'no event twice, none lost');
	assert.equal(await one(srv, 'SELECT count(*) FROM usage.session'), String(g.sessions));
	assert.equal(await one(srv, 'SELECT count(*) FROM usage.user_event'), String(g.userEvents));
	assert.equal(await one(srv, "SELECT string_agg(status, ',' ORDER BY id) FROM usage.import_run"), 'interrupted,ok');
});

step('staff read the overview: charts with hover values and tables (desktop)', async () => {
	const { context, page } = await newUser(browser, srv.base);
	S.ctx = context;
	S.page = page;
	await login(page, 'admin', 'Admin!2026');
	await page.goto('/usage');
	assert.equal(await page.locator('h1').first().innerText(), '이용 분석');
	assert.ok(await page.locator('div.chart svg').count() >= 9, 'the charts');
	assert.ok(await page.locator('div.chart table caption').count() >= 9, 'a table beside each chart');
	// Hover values: the <title> of a bar, as the browser shows it.
	const tip = await page.locator('div.chart svg rect title').first().textContent();
	assert.match(tip, /^.+: \d+$/);
	const routes = page.locator('table caption', { hasText: '많이 본 경로' }).locator('..');
	assert.match(await routes.innerText(), /notices\s+\d+/);
	assert.match(await page.locator('table caption', { hasText: '브라우저' }).locator('..').innerText(), /Whale/);
	assert.match(await page.locator('main').innerText(), /마지막 가져오기: \d{4}-\d\d-\d\d/);
	assert.deepEqual(page.problems, []);
	const o = await overflow(page);
	assert.ok(o.scrollWidth <= o.innerWidth, `no sideways scrolling: ${o.wide.join(', ')}`);
	await shot(page, '60-usage-overview.png');
});

step('a panel downloads as CSV (UTF-8 with BOM, Korean headers)', async () => {
	const { page } = S;
	const [dl] = await Promise.all([page.waitForEvent('download'),
		page.getByRole('link', { name: '많이 본 경로', exact: true }).click()]);
	assert.equal(dl.suggestedFilename(), 'usage-routes.csv');
	const file = path.join(tmp, 'routes.csv');
	await dl.saveAs(file);
	const b = readFileSync(file);
	assert.deepEqual([...b.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
	const rows = b.subarray(3).toString('utf8').trim().split('\r\n');
	assert.equal(rows[0], '경로,경로 이름,조회수,평균 응답(ms)');
	assert.ok(rows.some((l) => /^notices,notices,\d+,\d+$/.test(l)), rows.join('\n'));
});

step('a day drills down to its hours, a route to its paths', async () => {
	const { page } = S;
	const day = page.locator('table caption', { hasText: '일별 조회수' }).locator('..').locator('a').first();
	const label = await day.innerText();
	await clickAndLoad(page, day);
	assert.equal(new URL(page.url()).searchParams.get('day'), label);
	assert.match(await page.locator('main').innerText(), /시간대별 조회수/);
	await shot(page, '61-usage-day.png');
	await page.goto('/usage');
	await clickAndLoad(page, page.locator('table a', { hasText: /^notice$/ }).first());
	assert.equal(new URL(page.url()).searchParams.get('name'), 'notice');
	const paths = await page.locator('table caption', { hasText: 'URL 패턴' }).locator('..').innerText();
	assert.match(paths, /\/notices\/:id\s+\d+/);
	assert.doesNotMatch(paths, /\/notices\/new/);
	await shot(page, '62-usage-route.png');
});

step('staff define a funnel and read its conversions', async () => {
	const { page } = S;
	await page.goto('/usage/funnels');
	assert.match(await page.locator('main').innerText(), /bid/);
	await control(page, '이름').fill('목록→상세');
	await control(page, '단계(한 줄에 하나, 순서대로)').fill('GET /notices\nnotices');
	await clickAndLoad(page, page.getByRole('button', { name: '저장' }));
	assert.match(await page.locator('#e-steps').innerText(), /단계는 1~16개/);
	await control(page, '단계(한 줄에 하나, 순서대로)').fill('GET /notices\nGET /notices/:id');
	await clickAndLoad(page, page.getByRole('button', { name: '저장' }));
	assert.match(await page.locator('main').innerText(), /퍼널을 저장했습니다/);
	assert.equal(await one(srv, "SELECT array_to_string(steps, '|') FROM usage.funnel WHERE name = '목록→상세'"),
		'GET /notices|GET /notices/:id');
	// The bid funnel of the import: every step, by user type.
	const bid = page.locator('section', { has: page.locator('h2', { hasText: /^bid$/ }) });
	assert.match(await bid.locator('tbody tr').first().innerText(), /GET \/notices\s+\d+/);
	assert.equal(await bid.locator('table').first().locator('thead th').count(), 10, 'step, all, rates, drop-off, five user types');
	await shot(page, '63-usage-funnels.png');
});

step('staff open a user\'s activity timeline', async () => {
	const { page } = S;
	await page.goto(`/usage/users/${S.supplier}`);
	const t = await page.locator('main').innerText();
	assert.match(t, /이용자 활동/);
	assert.match(t, /개인정보입니다/);
	assert.ok(await page.locator('main table tbody tr').count() >= 3);
	await shot(page, '64-usage-user.png');
});

step('the pages on a 390-px phone: no sideways scrolling', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	try {
		await login(page, 'admin', 'Admin!2026');
		for (const [url, name] of [['/usage', '65-usage-phone.png'], ['/usage/funnels', '66-usage-funnels-phone.png']]) {
			await page.goto(url);
			const o = await overflow(page);
			assert.ok(o.scrollWidth <= o.innerWidth, `${url}: ${o.scrollWidth} > ${o.innerWidth}: ${o.wide.join(', ')}`);
			await shot(page, name);
		}
		assert.deepEqual(page.problems, []);
	} finally {
		await context.close();
	}
}, { side: true });
