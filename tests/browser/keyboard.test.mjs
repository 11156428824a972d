// Keyboard use: the skip link is the first Tab stop on every page and takes
// the keyboard past the header into the main content; the registration
// form's category segments open and tick without a mouse.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/harness.mjs';
import path from 'node:path';
import { launch, newUser, shot, control, SHOTS, TEST_TIMEOUT } from './support.mjs';

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

const focused = (page) => page.evaluate(() => {
	const el = document.activeElement;
	const r = el.getBoundingClientRect();
	return {
		tag: el.tagName.toLowerCase(),
		text: (el.innerText || el.value || '').trim(),
		href: el.getAttribute('href'),
		inMain: !!el.closest('main'),
		isMain: el.tagName === 'MAIN',
		first: el.dataset ? el.dataset.firstInMain === '1' : false,
		onScreen: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
			&& r.right <= window.innerWidth && r.bottom <= window.innerHeight,
	};
});

// Marks the first focusable element inside main, in document order.
const markFirstInMain = (page) => page.evaluate(() => {
	const el = document.querySelector('main').querySelector(
		'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
	el.dataset.firstInMain = '1';
	return (el.innerText || el.id || '').trim();
});

async function skipLink(page, label, shotName) {
	await page.keyboard.press('Tab');
	const first = await focused(page);
	assert.equal(first.tag, 'a', 'first Tab stop is a link');
	assert.equal(first.text, label, 'first Tab stop is the skip link');
	assert.equal(first.href, '#main');
	assert.ok(first.onScreen, 'the focused skip link is visible on screen');
	if (shotName) await page.screenshot({ path: shotName });

	await page.keyboard.press('Enter');
	await page.waitForFunction(() => location.hash === '#main');
	// Focus has left the header: either main itself holds it, or the next
	// Tab reaches the first thing inside main.
	const now = await focused(page);
	if (!now.isMain) {
		const expect = await markFirstInMain(page);
		await page.keyboard.press('Tab');
		const next = await focused(page);
		assert.ok(next.inMain, `after the skip link, Tab goes into main (got <${next.tag}> "${next.text}")`);
		assert.ok(next.first, `Tab reaches the first control in main ("${expect}"), got <${next.tag}> "${next.text}"`);
	}
}

test('[ko] home: the skip link is the first Tab stop and leads to main', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base);
	await page.goto('/');
	await skipLink(page, '본문 바로가기', path.join(SHOTS, '17-skip-link-ko.png'));
	await context.close();
});

test('[en] registration form: skip link first, then the first form field', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base);
	await page.goto('/');
	// A keyboard user switches language from the header too.
	const lang = page.locator('header').getByRole('link', { name: 'English', exact: true });
	await lang.focus();
	await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	await page.goto('/register');
	await skipLink(page, 'Skip to content');
	let f = await focused(page);
	if (f.isMain) {
		// main took the focus (tabindex=-1): the next Tab enters the form.
		await page.keyboard.press('Tab');
		f = await focused(page);
	}
	assert.equal(f.tag, 'input', 'the business number field comes first in the form');
	await context.close();
});

test('[ko] logged in: the skip link is still the first Tab stop', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base);
	await page.goto('/login');
	// The login form by keyboard alone: the user ID field has autofocus
	// (applied once the page is loaded and painted: wait for it).
	await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'login');
	await page.keyboard.type('supplier');
	await page.keyboard.press('Tab');
	await page.keyboard.type('Supplier!2026');
	await Promise.all([
		page.waitForURL((u) => u.pathname === '/account'),
		page.keyboard.press('Enter'),
	]);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '내 계정');
	await skipLink(page, '본문 바로가기');
	await context.close();
});

test('[ko] category segments open and tick with the keyboard alone', { timeout: TEST_TIMEOUT }, async () => {
	const { context, page } = await newUser(browser, srv.base);
	await page.goto('/register');
	// From the last field before the categories, Tab reaches the first segment.
	await control(page, '전화번호').focus();
	await page.keyboard.press('Tab');
	let f = await focused(page);
	assert.equal(f.tag, 'summary');
	assert.equal(f.text, '14000000 종이 및 종이제품');
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	f = await focused(page);
	assert.equal(f.tag, 'input', 'Tab enters the open segment');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Space');
	const box = page.getByRole('checkbox', { name: '14111500 인쇄용지 및 필기용지', exact: true });
	assert.equal(await box.isChecked(), true, 'Space ticks the focused item');
	await shot(page, '18-keyboard-categories-ko.png');
	await context.close();
});
