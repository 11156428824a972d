// Notice attachments (입찰공고 첨부파일) in Chromium, as the users do it:
// the agency user opens its draft, goes to the file page, uploads a PDF
// with the file chooser and sees it listed with its SHA-256; a renamed
// executable is refused with the Korean message on the field; the bid
// officer publishes the notice; an anonymous visitor sees the file on the
// public notice page and downloads it, byte for byte. After publication
// the agency removes the file and an amendment publishes the removal: the
// public page shows it struck through. Side looks: the file page in
// English, the pages on a 390-px phone.
//
// The notice is drafted over HTTP (the notice form has its own browser
// test). Steps depend on one another: once one fails the rest are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { boot, one, loginAs, DEMO, msg, tag } from '../e2e/helpers.mjs';
import {
	launch, newUser, shot, mainText, control, assertFieldError, assertNoFieldError, overflow, clickAndLoad, TEST_TIMEOUT,
} from './support.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const T = tag();
const TITLE = `청사 방송장비 구매 ${T}`;
const PASSPHRASE = `첨부 개찰 암호 ${T} 가을`;
const PDF_NAME = `입찰공고문 "최종" ${T}.pdf`;
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(180 * 1024)]);
const EXE_NAME = '과업지시서.pdf'; // an executable renamed to .pdf
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), randomBytes(20 * 1024)]);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

const sha = (b) => createHash('sha256').update(b).digest('hex');

// The attachment messages (bidding/i18n/attach.<lang>.txt).
const cats = {};
function amsg(key, lang = 'ko') {
	if (!cats[lang]) {
		cats[lang] = {};
		for (const line of readFileSync(path.join(ROOT, `bidding/i18n/attach.${lang}.txt`), 'utf8').split('\n')) {
			const m = line.match(/^\s*([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/);
			if (m && !line.trimStart().startsWith('#')) cats[lang][m[1]] = m[2];
		}
	}
	if (cats[lang][key] === undefined) throw new Error(`no message ${key} in attach.${lang}.txt`);
	return cats[lang][key];
}

let srv;
let browser;
let tmp;
const S = {}; // state shared by the steps

before(async () => {
	srv = await boot();
	browser = await launch();
	tmp = mkdtempSync(path.join(tmpdir(), 'g2b-attach-'));
});
after(async () => {
	for (const c of [S.agencyCtx]) await c?.close().catch(() => {});
	await browser?.close();
	await srv?.shutdown();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let broken = null;
function step(name, fn, { side = false, ...opts } = {}) {
	test(name, { timeout: TEST_TIMEOUT, ...opts }, async (tc) => {
		if (broken) { tc.skip(`earlier step failed: ${broken}`); return; }
		try { await fn(tc); } catch (e) { if (!side) broken = name; throw e; }
	});
}

function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

async function login(page, user, password) {
	await page.goto('/login');
	await control(page, '아이디').fill(user);
	await control(page, '비밀번호').fill(password);
	await clickAndLoad(page, page.getByRole('button', { name: '로그인', exact: true }));
	assert.equal(new URL(page.url()).pathname, '/account', `${user} is logged in`);
}

async function assertFitsPhone(page, what) {
	const o = await overflow(page);
	assert.ok(o.innerWidth === PHONE.viewport.width && o.scrollWidth <= o.innerWidth,
		`${what} is wider than the phone (layout ${o.innerWidth}px, content ${o.scrollWidth}px): ${o.wide.join(', ')}`);
}

async function fileRows() {
	return srv.sql(`SELECT id, name, encode(sha256, 'hex'), coalesce(added_ord::text, '-'), coalesce(removed_ord::text, '-')
		FROM bidding.attachment WHERE notice_id = ${S.id} ORDER BY id`);
}

// The rows of the file table on the management page, as cell texts.
async function tableRows(page) {
	return page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
		cls: tr.className, cells: [...tr.cells].map((td) => td.innerText.replace(/\s+/g, ' ').trim()),
	})));
}

// The items of the notice page's file list.
async function fileList(page) {
	return page.locator('main ul.files li').evaluateAll((lis) => lis.map((li) => ({
		cls: li.className,
		name: li.querySelector('a').innerText.trim(),
		href: li.querySelector('a').getAttribute('href'),
		text: li.innerText.replace(/\s+/g, ' ').trim(),
		hash: li.querySelector('.mono').innerText.replace(/^SHA-256\s*/, '').trim(),
		struck: getComputedStyle(li.querySelector('a')).textDecorationLine,
	})));
}

// ---------------------------------------------------------------- steps

step('setup: a draft notice of 서울특별시', async () => {
	const agency = await loginAs(srv, ...DEMO.agency);
	const officerId = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	const codes = (await srv.sql("SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' ORDER BY code LIMIT 2"))
		.map((r) => r[0]);
	await agency.get('/notices/new');
	const r = await agency.post('/notices/new', {
		title: TITLE, family: 'goods', base_amount: '88,000,000', budget: '90,000,000',
		contract_method: 'open', award_method: 'lowest', range: '2', region_limit: '', category_limit: '',
		bid_start: kst(DAY), bid_close: kst(8 * DAY), opening_at: kst(8 * DAY + HOUR), officer: officerId,
		item_code: [codes[0], codes[1], '', '', ''], item_qty: ['3', '1', '', '', ''], item_unit: ['대', '식', '', '', ''],
	});
	assert.equal(r.status, 303, 'the draft is saved');
	S.id = r.location.match(/^\/notices\/(\d+)\?ok=saved$/)[1];
});

step('[ko] the agency uploads a PDF to its draft and sees it listed with its SHA-256', async () => {
	const { context, page } = await newUser(browser, srv.base);
	S.agencyCtx = context;
	S.agency = page;
	await login(page, 'agency', 'Agency!2026');
	await page.goto(`/notices/${S.id}`);
	assert.match(await mainText(page), new RegExp(amsg('attach.none')));
	await clickAndLoad(page, page.getByRole('link', { name: amsg('attach.manage'), exact: true }));
	assert.equal(new URL(page.url()).pathname, `/notices/${S.id}/attachments`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), amsg('attach.title'));
	const main = await mainText(page);
	for (const k of ['attach.draft_help', 'attach.rules', 'attach.none']) assert.ok(main.includes(amsg(k)), `shows ${k}`);
	const input = control(page, amsg('attach.choose'));
	assert.equal(await input.getAttribute('type'), 'file');
	assert.match(await input.getAttribute('accept'), /\.pdf,.*\.hwp,.*\.hwpx/);
	await assertNoFieldError(page, amsg('attach.choose'));

	await input.setInputFiles({ name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload'), exact: true }));
	assert.equal(new URL(page.url()).search, '?ok=attached');
	assert.equal(await page.getByRole('status').first().innerText(), amsg('flash.attached'));
	const rows = await tableRows(page);
	assert.equal(rows.length, 1);
	assert.equal(rows[0].cells[0], PDF_NAME, 'the name as chosen, quotes and all');
	assert.equal(rows[0].cells[1], '180 KB');
	assert.equal(rows[0].cells[2], sha(PDF), 'the SHA-256 of the file');
	assert.equal(rows[0].cells[3], amsg('attach.pending'));
	assert.match(rows[0].cells[4], /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
	assert.equal(await page.getByRole('button', { name: `${amsg('attach.remove')}: ${PDF_NAME}`, exact: true }).count(), 1);
	const db = await fileRows();
	assert.deepEqual(db.map((r) => r.slice(1)), [[PDF_NAME, sha(PDF), '-', '-']]);
	S.aid = db[0][0];
	await shot(page, '40-attachments-draft-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[ko] a renamed executable is refused with the message on the field; nothing is stored', async () => {
	const page = S.agency;
	const input = control(page, amsg('attach.choose'));
	await input.setInputFiles({ name: EXE_NAME, mimeType: 'application/pdf', buffer: EXE });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload'), exact: true }));
	assert.match(await mainText(page), new RegExp(msg('err.form')));
	await assertFieldError(page, amsg('attach.choose'), amsg('err.attach_mismatch'));
	assert.equal(await control(page, amsg('attach.choose')).getAttribute('aria-invalid'), 'true');
	assert.equal((await tableRows(page)).length, 1, 'the list still shows the one file');
	assert.equal((await fileRows()).length, 1, 'nothing stored');
	await shot(page, '41-attachments-error-ko.png');
	// A file that is really an executable (.exe): not an accepted type.
	await control(page, amsg('attach.choose')).setInputFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: EXE });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload'), exact: true }));
	await assertFieldError(page, amsg('attach.choose'), amsg('err.attach_bad_type'));
	assert.equal((await fileRows()).length, 1, 'nothing stored');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[ko] the file page on a phone (390x844), with an error: the form and the message are on screen', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await login(page, 'agency', 'Agency!2026');
	await page.goto(`/notices/${S.id}/attachments`);
	await control(page, amsg('attach.choose')).setInputFiles({ name: EXE_NAME, mimeType: 'application/pdf', buffer: EXE });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload'), exact: true }));
	await assertFieldError(page, amsg('attach.choose'), amsg('err.attach_mismatch'));
	await shot(page, '42-attachments-mobile-ko.png');
	// The upload controls and the message lie fully on the screen's width.
	const off = await page.evaluate(() => [...document.querySelectorAll('main form[enctype] input:not([type=hidden]), main form[enctype] button, #e-file, main h1')]
		.filter((el) => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > 390; })
		.map((el) => el.id || el.tagName));
	assert.deepEqual(off, [], 'cut off on the phone');
	// The file table scrolls inside its own box.
	assert.equal(await page.locator('main .scroll').evaluate((el) => getComputedStyle(el).overflowX), 'auto');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
}, { side: true });

step('[en] the file page reads in English', async () => {
	const { context, page } = await newUser(browser, srv.base);
	await login(page, 'agency', 'Agency!2026');
	await clickAndLoad(page, page.locator('header').getByRole('link', { name: 'English', exact: true }));
	await page.goto(`/notices/${S.id}/attachments`);
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), amsg('attach.title', 'en'));
	await control(page, amsg('attach.choose', 'en')).setInputFiles({ name: EXE_NAME, mimeType: 'application/pdf', buffer: EXE });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload', 'en'), exact: true }));
	await assertFieldError(page, amsg('attach.choose', 'en'), amsg('err.attach_mismatch', 'en'));
	const main = (await mainText(page)).replaceAll(TITLE, '').replaceAll(PDF_NAME, '');
	assert.ok(!/[가-힣]{2,}/.test(main), `no Korean left: ${main}`);
	await shot(page, '43-attachments-en.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
}, { side: true });

step('[ko] the officer publishes the notice; the file is published with order 01', async () => {
	const { context, page } = await newUser(browser, srv.base);
	await login(page, 'officer', 'Officer!2026');
	await page.goto(`/notices/${S.id}`);
	assert.deepEqual((await fileList(page)).map((f) => f.name), [PDF_NAME], 'the officer sees the draft file');
	await clickAndLoad(page, page.getByRole('link', { name: msg('notice.publish'), exact: true }));
	await control(page, msg('publish.passphrase')).fill(PASSPHRASE);
	await control(page, msg('publish.passphrase2')).fill(PASSPHRASE);
	await clickAndLoad(page, page.getByRole('button', { name: msg('publish.submit'), exact: true }));
	assert.match(page.url(), /\?ok=published$/);
	assert.deepEqual((await fileRows()).map((r) => r.slice(3)), [['1', '-']]);
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
});

step('[ko] an anonymous visitor sees the file on the notice page and downloads it, byte for byte', async () => {
	const { context, page } = await newUser(browser, srv.base, { acceptDownloads: true });
	await page.goto(`/notices/${S.id}`);
	assert.equal(await page.getByRole('heading', { level: 2, name: amsg('attach.files'), exact: true }).count(), 1);
	const files = await fileList(page);
	assert.equal(files.length, 1);
	assert.equal(files[0].name, PDF_NAME);
	assert.equal(files[0].href, `/notices/${S.id}/attachments/${S.aid}`);
	assert.ok(files[0].text.includes(`${amsg('attach.added_in')} 01`), files[0].text);
	assert.equal(files[0].hash, sha(PDF), 'the SHA-256 shown is the file\'s');
	assert.equal(await page.getByRole('link', { name: amsg('attach.manage'), exact: true }).count(), 0, 'no management for the public');
	await shot(page, '44-notice-files-ko.png');

	const [download] = await Promise.all([page.waitForEvent('download'),
		page.getByRole('link', { name: PDF_NAME, exact: true }).click()]);
	// The server names it in UTF-8 (RFC 6266 filename*); Chromium itself
	// turns the quotes into underscores when it saves.
	assert.equal(download.suggestedFilename(), PDF_NAME.replace(/"/g, '_'));
	const saved = path.join(tmp, 'downloaded.pdf');
	await download.saveAs(saved);
	const got = readFileSync(saved);
	assert.equal(got.length, PDF.length);
	assert.equal(sha(got), sha(PDF), 'the downloaded file is the uploaded one');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
});

step('[ko] the notice page with its files on a phone does not scroll sideways', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto(`/notices/${S.id}`);
	await page.locator('#attachments').scrollIntoViewIfNeeded();
	await shot(page, '45-notice-files-mobile-ko.png');
	await assertFitsPhone(page, 'the notice page');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
}, { side: true });

step('[ko] the agency removes the file; the amendment publishes the removal; the public sees it struck through and can still download it', async () => {
	const page = S.agency;
	await page.goto(`/notices/${S.id}/attachments`);
	assert.match(await mainText(page), new RegExp(amsg('attach.published_help').slice(0, 20)));
	// A second file, added after publication: pending.
	const HWP = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(40 * 1024)]);
	S.hwp = HWP;
	await control(page, amsg('attach.choose')).setInputFiles({ name: `정정 규격서 ${T}.hwp`, mimeType: 'application/octet-stream', buffer: HWP });
	await clickAndLoad(page, page.getByRole('button', { name: amsg('attach.upload'), exact: true }));
	await clickAndLoad(page, page.getByRole('button', { name: `${amsg('attach.remove')}: ${PDF_NAME}`, exact: true }));
	assert.equal(await page.getByRole('status').first().innerText(), amsg('flash.detached'));
	assert.match(await mainText(page), new RegExp(amsg('attach.amend_needed').slice(0, 20)));
	const rows = await tableRows(page);
	assert.deepEqual(rows.map((r) => r.cells[3]), [`${amsg('attach.added_in')} 01 ${amsg('attach.remove_pending')}`, amsg('attach.pending')]);
	assert.equal(await page.getByRole('button', { name: `${amsg('attach.keep')}: ${PDF_NAME}`, exact: true }).count(), 1);
	await shot(page, '46-attachments-pending-ko.png');

	// The amendment, through its form.
	await clickAndLoad(page, page.getByRole('link', { name: msg('notice.amend'), exact: true }).first());
	assert.equal(new URL(page.url()).pathname, `/notices/${S.id}/amend`);
	await page.locator('#reason').fill(`첨부파일 교체 ${T}`);
	await clickAndLoad(page, page.locator('main form button[type="submit"], main form button:not([type])').last());
	assert.match(page.url(), /\?ok=amended$/, `amended: ${page.url()} ${(await mainText(page)).slice(0, 300)}`);
	assert.deepEqual((await fileRows()).map((r) => r.slice(3)), [['1', '2'], ['2', '-']]);

	const { context, page: anon } = await newUser(browser, srv.base, { acceptDownloads: true });
	await anon.goto(`/notices/${S.id}`);
	const files = await fileList(anon);
	assert.equal(files.length, 2);
	assert.equal(files[0].cls, 'removed');
	assert.equal(files[0].struck, 'line-through', 'the removed file is struck through');
	assert.ok(files[0].text.includes(`${amsg('attach.removed_in')} 02`), files[0].text);
	assert.ok(!files[1].struck.includes('line-through'), `the live file is not struck through: ${files[1].struck}`);
	assert.ok(files[1].text.includes(`${amsg('attach.added_in')} 02`), files[1].text);
	assert.equal(files[1].hash, sha(HWP));
	await shot(anon, '47-notice-files-amended-ko.png');
	const [download] = await Promise.all([anon.waitForEvent('download'),
		anon.getByRole('link', { name: PDF_NAME, exact: true }).click()]);
	const saved = path.join(tmp, 'removed.pdf');
	await download.saveAs(saved);
	assert.equal(sha(readFileSync(saved)), sha(PDF), 'a removed file stays downloadable');
	assert.deepEqual(anon.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[ko] the amended notice page on a phone', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto(`/notices/${S.id}`);
	await page.locator('#attachments').scrollIntoViewIfNeeded();
	await shot(page, '48-notice-files-amended-mobile-ko.png');
	await assertFitsPhone(page, 'the amended notice page');
	const { context: c2, page: a } = await newUser(browser, srv.base, PHONE);
	await login(a, 'agency', 'Agency!2026');
	await a.goto(`/notices/${S.id}/attachments`);
	await shot(a, '49-attachments-amended-mobile-ko.png');
	assert.equal((await tableRows(a)).length, 2);
	await context.close();
	await c2.close();
}, { side: true });
