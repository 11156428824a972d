// Shared pieces of the browser tests: Debian's Chromium driven by
// playwright-core, screenshots under tests/out/screenshots, and small
// helpers that read the page the way a user does (labels, roles, text).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { OUT } from '../lib/harness.mjs';

export const SHOTS = path.join(OUT, 'screenshots');

// No browser download is possible: always Debian's /usr/bin/chromium.
// We run as root, hence --no-sandbox.
export const CHROMIUM = process.env.G2B_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
	'--no-first-run', '--disable-background-networking',
	'--disable-component-update', '--disable-sync'];

// Generous per-test limit: a hang must fail the run, not block it.
export const TEST_TIMEOUT = 120_000;

export async function launch() {
	mkdirSync(SHOTS, { recursive: true });
	return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

// A fresh browser profile (cookies, language choice) per user.
export async function newUser(browser, base, opts = {}) {
	const context = await browser.newContext({
		baseURL: base,
		locale: 'ko-KR',
		timezoneId: 'Asia/Seoul',
		viewport: { width: 1280, height: 900 },
		...opts,
	});
	context.setDefaultTimeout(15_000);
	context.setDefaultNavigationTimeout(20_000);
	const page = await context.newPage();
	// Anything the page logs as an error (CSP violations, 404 assets) is a
	// finding; collect it so tests can assert there is none.
	page.problems = [];
	page.on('console', (m) => {
		if (m.type() !== 'error') return;
		const where = m.location().url || '';
		// A form answered with 400/409 is logged as a failed load of the
		// document itself: that is the page working as designed.
		if (/^Failed to load resource/.test(m.text()) && where === page.url()) return;
		// The browser's own favicon probe (the portal has no icon yet).
		if (new URL(where, 'http://x').pathname === '/favicon.ico') return;
		page.problems.push(`${m.text()} ${where}`.trim());
	});
	page.on('pageerror', (e) => page.problems.push(String(e)));
	page.on('response', (r) => {
		if (r.status() >= 400 && r.request().resourceType() !== 'document') {
			page.problems.push(`${r.status()} ${r.url()}`);
		}
	});
	return { context, page };
}

export async function shot(page, name) {
	await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

// Visible text of the main region, whitespace collapsed.
export async function mainText(page) {
	return (await page.locator('main').innerText()).replace(/\s+/g, ' ');
}

export async function headerText(page) {
	return (await page.locator('header').innerText()).replace(/\s+/g, ' ');
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The form control labelled `label`, as a sighted user finds it: the label
// reads "label" or, for a required field, "label *".
export function control(page, label) {
	return page.getByLabel(new RegExp(`^${esc(label)}(\\s*\\*)?$`));
}

// What a screen reader announces as the description of a form control:
// the text of the elements named by its aria-describedby (hint, error).
export async function description(locator) {
	return locator.evaluate((el) => (el.getAttribute('aria-describedby') || '')
		.split(/\s+/).map((id) => document.getElementById(id))
		.filter(Boolean).map((e) => e.textContent.trim()).join(' '));
}

// The error shown in the field block of the control labelled `label`:
// visible on screen and announced through aria-describedby.
export async function assertFieldError(page, label, message) {
	const input = control(page, label);
	const field = page.locator('.field').filter({ has: input });
	const shown = (await field.innerText()).replace(/\s+/g, ' ');
	assert.ok(shown.includes(message), `field "${label}" should show "${message}", shows: ${shown}`);
	const desc = await description(input);
	assert.ok(desc.includes(message), `field "${label}" should be described by "${message}", is: ${desc}`);
}

export async function assertNoFieldError(page, label) {
	const input = control(page, label);
	const field = page.locator('.field').filter({ has: input });
	assert.equal(await field.locator('.err').count(), 0,
		`field "${label}" should have no error: ${await field.innerText()}`);
}

// Horizontal overflow of the whole document (mobile layout check) and the
// elements that stick out of the viewport, to say what overflows.
export async function overflow(page) {
	return page.evaluate(() => {
		const vw = window.innerWidth;
		const wide = [];
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 1) {
				const id = el.id ? `#${el.id}` : '';
				const cls = el.className && typeof el.className === 'string'
					? `.${el.className.trim().split(/\s+/).join('.')}` : '';
				wide.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
			}
		}
		return {
			scrollWidth: document.documentElement.scrollWidth,
			innerWidth: vw,
			wide: wide.slice(0, 10),
		};
	});
}

export function rand(n = 6) {
	return Math.random().toString(36).slice(2, 2 + n).padEnd(n, '0');
}

// A business registration number with a wrong check digit.
export function badCheckDigit(bizno) {
	const last = Number(bizno[9]);
	return bizno.slice(0, 9) + String((last + 1) % 10);
}

export function dashed(bizno) {
	return `${bizno.slice(0, 3)}-${bizno.slice(3, 5)}-${bizno.slice(5)}`;
}

// Click something that loads a new document (a form post answered on the
// same URL, or a redirect back to it) and wait until that document loaded.
export async function clickAndLoad(page, locator) {
	await Promise.all([page.waitForEvent('load'), locator.click()]);
}
