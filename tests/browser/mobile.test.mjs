// Mobile browsers are a named channel: on a phone-sized screen the home
// page and the registration form must not scroll sideways, in either
// language, before and after a failed submit and with categories open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import {
	launch, newUser, shot, overflow, control, clickAndLoad, TEST_TIMEOUT,
} from './support.mjs';

const PHONE = {
	viewport: { width: 390, height: 844 },
	deviceScaleFactor: 2,
	isMobile: true,
	hasTouch: true,
};

let srv;
let browser;
before(async () => {
	srv = await startServer();
	browser = await launch();
});
after(async () => {
	await browser?.close();
	await srv?.stop();
});

async function assertFits(page, what) {
	const o = await overflow(page);
	assert.equal(o.innerWidth, PHONE.viewport.width, `${what}: page is not zoomed out to fit`);
	assert.ok(o.scrollWidth <= o.innerWidth,
		`${what}: scrolls sideways (${o.scrollWidth} > ${o.innerWidth}): ${o.wide.join(', ')}`);
}

// Every form control lies fully on screen (none cut off at the right).
async function assertControlsFit(page, what) {
	const off = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
		.filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
		.filter((el) => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
		.map((el) => el.id || el.name || el.textContent.trim()));
	assert.deepEqual(off, [], `${what}: controls cut off`);
}

test('[ko] home page and registration form fit a phone screen', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto('/');
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '공공조달, 한 곳에서 투명하게');
	await assertFits(page, 'home');
	// The way in stays reachable on a phone.
	assert.ok(await page.getByRole('link', { name: '조달업체 등록 신청', exact: true }).isVisible());
	await shot(page, '11-mobile-home-ko.png');

	await page.getByRole('link', { name: '조달업체 등록 신청', exact: true }).tap();
	await page.waitForURL((u) => u.pathname === '/register');
	await assertFits(page, 'register');
	await assertControlsFit(page, 'register');

	// A failed submit adds error texts under the fields.
	await control(page, '사업자등록번호').fill('123-45-67890');
	await clickAndLoad(page, page.getByRole('button', { name: '등록 신청', exact: true }));
	assert.ok(await page.getByRole('alert').isVisible(), 'form error summary shown');
	await assertFits(page, 'register with errors');
	await assertControlsFit(page, 'register with errors');
	await shot(page, '12-mobile-register-errors-ko.png');

	// An open segment with its nested item list.
	await page.getByText('43000000 정보통신기기 및 방송통신', { exact: true }).tap();
	const box = page.getByRole('checkbox', { name: '43191501 휴대전화기', exact: true });
	assert.ok(await box.isVisible());
	await box.tap();
	assert.equal(await box.isChecked(), true);
	await assertFits(page, 'register with a segment open');
	await shot(page, '13-mobile-register-categories-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors or failed requests');
	await context.close();
});

test('[en] home page and registration form fit a phone screen', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto('/');
	await clickAndLoad(page, page.locator('header').getByRole('link', { name: 'English', exact: true }));
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Public procurement, open and in one place');
	await assertFits(page, 'home');
	await shot(page, '14-mobile-home-en.png');

	await page.locator('header').getByRole('link', { name: 'Register a supplier', exact: true }).tap();
	await page.waitForURL((u) => u.pathname === '/register');
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Supplier registration');
	await clickAndLoad(page, page.getByRole('button', { name: 'Submit registration', exact: true }));
	assert.ok(await page.getByRole('alert').isVisible(), 'form error summary shown');
	// English segment names are the longest strings on the page.
	await page.getByText('25000000 Commercial and Military and Private Vehicles and their Accessories and Components',
		{ exact: true }).tap();
	assert.ok(await page.getByRole('checkbox', { name: '25101503 Automobiles or cars', exact: true }).isVisible());
	await assertFits(page, 'register with errors and a segment open');
	await assertControlsFit(page, 'register with errors and a segment open');
	await shot(page, '15-mobile-register-errors-en.png');
	assert.deepEqual(page.problems, [], 'no console errors or failed requests');
	await context.close();
});

test('[ko] the logged-in header fits a phone screen', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto('/login');
	await control(page, '아이디').fill('supplier');
	await control(page, '비밀번호').fill('Supplier!2026');
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/account'),
		page.getByRole('button', { name: '로그인', exact: true }).tap(),
	]);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '내 계정');
	await assertFits(page, 'account');
	await shot(page, '16-mobile-account-ko.png');
	await context.close();
});
