// Statistics report pages in Chromium: staff logs in, opens /stats, reads
// a chart's value on hover (the bar's <title>), drills down from years to
// months by clicking a row, rolls back up with the breadcrumb, switches
// report and breakdown; the public page as anyone; both on a 390-px phone.
// Screenshots: tests/out/screenshots/70-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { boot, DEMO } from '../e2e/helpers.mjs';
import { launch, newUser, shot, mainText, control, overflow, clickAndLoad, TEST_TIMEOUT } from './support.mjs';

const run = promisify(execFile);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let srv;
let browser;
let year;

before(async () => {
	srv = await boot({ env: { G2B_DW_ETL_SECONDS: '0' } });
	await run(path.join(ROOT, 'build/g2b-gen'), ['--db', srv.dsn, '--seed', '3', '--notices', '900',
		'--suppliers', '150', '--agencies', '25', '--years', '3', '--end', '2026-11-20']);
	await new Promise((r) => setTimeout(r, 1200));
	await run(path.join(ROOT, 'build/g2b-etl'), ['--db', srv.dsn, '--batch', '500']);
	year = '2025';
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.shutdown();
});

async function login(page, user, password) {
	await page.goto('/login');
	await control(page, '아이디').fill(user);
	await control(page, '비밀번호').fill(password);
	await clickAndLoad(page, page.getByRole('button', { name: '로그인', exact: true }));
}

// Console errors other than the chart's inline style attribute, which the
// portal's CSP (style-src 'self') ignores: crm/svgchart.c writes
// style="max-width..;font.." on each <svg> (reported; the CSS rules in
// style.css make up for it).
function problems(page) {
	return page.problems.filter((p) => !/style-src|inline style/i.test(p));
}

async function fits(page, what) {
	const o = await overflow(page);
	assert.ok(o.scrollWidth <= o.innerWidth,
		`${what} is wider than the phone (${o.scrollWidth}px > ${o.innerWidth}px): ${o.wide.join(', ')}`);
}

test('staff drills down and rolls up on /stats', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base);
	try {
		await login(page, ...DEMO.admin);
		await page.goto('/stats');
		assert.equal(await page.locator('h1').first().innerText(), '조달 통계');
		// The current report tab and breakdown are marked.
		assert.equal(await page.locator('nav.tabs a[aria-current="page"]').first().innerText(), '조달 규모');
		// Two charts (notices, amount), each an image with its title and a
		// table of the same numbers.
		const svgs = page.locator('svg[role="img"]');
		assert.equal(await svgs.count(), 2);
		assert.equal(await page.locator('table.chart-data').count(), 2);
		// A bar's value on hover: its <title>, "2025: 314".
		const bar = svgs.first().locator('rect:has(title)').nth(1);
		const tip = await bar.locator('title').textContent();
		assert.match(tip, /^\d{4}: [\d,.]+$/);
		await bar.hover();
		await shot(page, '70-stats-volume-years.png');

		// Drill down: the year's row in the detail table.
		await clickAndLoad(page, page.locator('table:not(.chart-data)')
			.getByRole('link', { name: year, exact: true }));
		assert.match(page.url(), new RegExp(`year=${year}`));
		assert.match(await mainText(page), /월별/);
		assert.equal(await page.locator('table:not(.chart-data) tbody tr').count(), 12);
		await shot(page, '70-stats-volume-months.png');
		// Roll up with the breadcrumb "전체" of the time dimension.
		const crumbs = page.getByRole('navigation', { name: '현재 조건 (상위로 올라가기)' });
		await clickAndLoad(page, crumbs.getByRole('listitem').first().getByRole('link', { name: '전체' }));
		assert.doesNotMatch(page.url(), /year=/);

		// Another report and breakdown: award ratio by category.
		await clickAndLoad(page, page.getByRole('link', { name: '낙찰률 분포' }));
		await clickAndLoad(page, page.getByRole('navigation', { name: '구분 기준' })
			.getByRole('link', { name: '품목 분류' }));
		assert.match(await mainText(page), /낙찰률 분포 \(0\.5 % 구간\)/);
		assert.ok(await page.locator('svg[role="img"] title').filter({ hasText: /%: \d+$/ }).count() > 3);
		await shot(page, '70-stats-ratio-segments.png');
		// Drill into the first segment: its families come from the facts.
		const first = page.locator('table:not(.chart-data) tbody th a').first();
		const segName = await first.innerText();
		await clickAndLoad(page, first);
		assert.match(await mainText(page), /중분류별/);
		assert.ok((await mainText(page)).includes(segName));
		await shot(page, '70-stats-ratio-families.png');

		// Share of awards and competition render their distributions.
		await clickAndLoad(page, page.getByRole('link', { name: '업체 규모·지역별 낙찰' }));
		assert.equal(await page.locator('svg[role="img"]').count(), 3);
		await shot(page, '70-stats-share.png');
		await clickAndLoad(page, page.getByRole('link', { name: '경쟁 (입찰자 수)' }));
		await shot(page, '70-stats-competition.png');
		assert.deepEqual(problems(page), []);
	} finally {
		await context.close();
	}
});

test('staff on a 390-px phone; the public page for anyone', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	try {
		await page.goto('/stats/public');
		assert.equal(new URL(page.url()).pathname, '/stats/public');
		const text = await mainText(page);
		assert.match(text, /올해 입찰공고/);
		assert.match(text, /유찰률/);
		await fits(page, 'the public page');
		await shot(page, '70-public-phone.png');
		// Anonymous is sent to the login page for /stats.
		await page.goto('/stats');
		assert.notEqual(new URL(page.url()).pathname, '/stats');
		await login(page, ...DEMO.admin);
		await page.goto(`/stats?r=failed&by=time&year=${year}`);
		assert.match(await mainText(page), /유찰률/);
		await fits(page, '/stats');
		await shot(page, '70-stats-failed-phone.png');
		assert.deepEqual(problems(page), []);
	} finally {
		await context.close();
	}
	const { context: c2, page: p2 } = await newUser(browser, srv.base);
	try {
		await p2.goto('/stats/public');
		await shot(p2, '70-public.png');
		assert.deepEqual(problems(p2), []);
	} finally {
		await c2.close();
	}
});
