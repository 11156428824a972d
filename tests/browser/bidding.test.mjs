// Electronic bidding (전자입찰) in Chromium, as the users do it: the
// supplier makes a signing key and has it certified (전자서명 인증서), saves
// the key file, opens a published notice and submits a sealed, signed bid
// with that file (with the keyboard, first with a wrong key-file password),
// gets a signed receipt that verifies offline with openssl, and the bid
// officer opens the bids (개찰) with the passphrase and reads the result.
// The notice itself is drafted and published over HTTP (the notice pages
// have their own browser test) and moved in time with SQL. Side looks: the
// bid form in English, the bid form, receipt and result on a phone.
//
// Steps depend on one another: once one fails the rest are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { boot, one, q, loginAs, DEMO, msg, tag } from '../e2e/helpers.mjs';
import {
	launch, newUser, shot, mainText, control, assertFieldError, overflow, clickAndLoad, TEST_TIMEOUT,
} from './support.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const T = tag();
const TITLE = `전자입찰 시험용 복합기 구매 ${T}`;
const PASSPHRASE = `서울 청사 개찰 ${T} 봄`; // the opening passphrase
const KEYPASS = '키파일 암호 2026 봄!'; // the key-file password (>= 10 code points)
const AMOUNT = '112,345,000'; // the supplier's bid, as typed
const PICKS = ['3', '11'];
const BASE = 125_000_000;
const SUPPLIER_BIZNO = '1234567891';
const SUPPLIER_NAME = '(주)한빛정보통신';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let srv;
let browser;
let tmp;
const S = {}; // state shared by the steps

before(async () => {
	srv = await boot();
	browser = await launch();
	tmp = mkdtempSync(path.join(tmpdir(), 'g2b-bidding-'));
});
after(async () => {
	for (const c of [S.supplierCtx, S.officerCtx]) await c?.close().catch(() => {});
	await browser?.close();
	await srv?.shutdown();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// A step that fails skips the steps after it; a `side` step (a look at the
// same pages in another language or on a phone) leaves the journey going.
let broken = null;
function step(name, fn, { side = false, ...opts } = {}) {
	test(name, { timeout: TEST_TIMEOUT, ...opts }, async (tc) => {
		if (broken) { tc.skip(`earlier step failed: ${broken}`); return; }
		try { await fn(tc); } catch (e) { if (!side) broken = name; throw e; }
	});
}

// "YYYY-MM-DDTHH:MM" in Korea time, `ms` from now.
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

// What has the keyboard focus: enough to say where a Tab landed.
function focused(page) {
	return page.evaluate(() => {
		const el = document.activeElement;
		return { tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '', value: el.value || '',
			name: el.name || '', text: (el.innerText || '').trim() };
	});
}

async function tabUntil(page, pred, what, max = 30) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		const f = await focused(page);
		if (pred(f)) return f;
	}
	throw new Error(`Tab never reached ${what}`);
}

async function bidCount() {
	return Number(await one(srv, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${S.id}`));
}

// Rows of the table under the heading `heading` (an h3), as cell texts.
async function tableUnder(page, heading) {
	return page.evaluate((h) => {
		const head = [...document.querySelectorAll('main h3')].find((e) => e.textContent.trim() === h);
		if (!head) return null;
		let el = head.nextElementSibling;
		while (el && el.tagName !== 'TABLE' && !el.querySelector('table')) el = el.nextElementSibling;
		if (!el) return null;
		const table = el.tagName === 'TABLE' ? el : el.querySelector('table');
		return [...table.querySelectorAll('tbody tr')].map((tr) => ({
			cls: tr.className,
			cells: [...tr.cells].map((td) => td.innerText.replace(/\s+/g, ' ').trim()),
		}));
	}, heading);
}

// The <dd> of a <dt> in the facts list of main.
async function fact(page, term) {
	return page.evaluate((t) => {
		const dt = [...document.querySelectorAll('main dl.facts dt')].find((e) => e.textContent.trim() === t);
		return dt ? dt.nextElementSibling.innerText.replace(/\s+/g, ' ').trim() : null;
	}, term);
}

// On a phone the page neither scrolls sideways nor is zoomed out to fit.
async function assertFitsPhone(page, what) {
	const o = await overflow(page);
	assert.ok(o.innerWidth === PHONE.viewport.width && o.scrollWidth <= o.innerWidth,
		`${what} is wider than the phone (layout ${o.innerWidth}px, content ${o.scrollWidth}px, ` +
		`screen ${PHONE.viewport.width}px): ${o.wide.join(', ')}`);
}

const won = (s) => Number(String(s).replace(/[^0-9]/g, ''));
const commas = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

// ---------------------------------------------------------------- steps

step('setup: a published notice, open for bidding', async () => {
	const agency = await loginAs(srv, ...DEMO.agency);
	const officer = await loginAs(srv, ...DEMO.officer);
	const officerId = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	const codes = (await srv.sql("SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4410%' ORDER BY code LIMIT 2"))
		.map((r) => r[0]);
	assert.equal(codes.length, 2);
	await agency.get('/notices/new');
	const r = await agency.post('/notices/new', {
		title: TITLE, family: 'goods', base_amount: commas(BASE), budget: '130,000,000',
		contract_method: 'open', award_method: 'qualification', range: '2',
		region_limit: '', category_limit: '',
		bid_start: kst(DAY), bid_close: kst(8 * DAY), opening_at: kst(8 * DAY + HOUR),
		officer: officerId,
		item_code: [codes[0], codes[1], '', '', ''], item_qty: ['4', '1', '', '', ''], item_unit: ['대', '식', '', '', ''],
	});
	assert.equal(r.status, 303, 'the draft is saved');
	S.id = r.location.match(/^\/notices\/(\d+)\?ok=saved$/)[1];
	await officer.get(`/notices/${S.id}/publish`);
	const p = await officer.post(`/notices/${S.id}/publish`, { passphrase: PASSPHRASE, passphrase2: PASSPHRASE });
	assert.equal(p.status, 303, 'the notice is published');
	// Time travel: bidding opened a minute ago.
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute' WHERE notice_id = ${S.id}`);
	S.no = await one(srv, `SELECT notice_no FROM bidding.notice WHERE id = ${S.id}`);
	assert.match(S.no, /^G2B-\d{4}-\d{6}$/);
	S.supplierUser = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${S.supplierUser}`), '0',
		'the demo supplier starts without a certificate');
});

step('[ko] the key-file save button is hidden until there is a key to save', async () => {
	const { context, page } = await newUser(browser, srv.base);
	await login(page, 'supplier', 'Supplier!2026');
	await page.goto('/certificate');
	const save = page.locator('#certgen-download');
	assert.equal(await save.getAttribute('hidden'), '', 'the template marks it hidden');
	assert.equal(await save.isVisible(), false,
		`"${msg('cert.save_key')}" is shown before any key exists (display: ${await save.evaluate((e) => getComputedStyle(e).display)})`);
	await context.close();
}, { side: true });

step('[ko] the supplier creates a signing key, saves the key file and sees the certificate', async () => {
	const { context, page } = await newUser(browser, srv.base);
	S.supplierCtx = context;
	S.supplier = page;
	await login(page, 'supplier', 'Supplier!2026');
	await clickAndLoad(page, page.getByRole('navigation', { name: msg('nav.main') })
		.getByRole('link', { name: msg('nav.certificate'), exact: true }));
	assert.equal(new URL(page.url()).pathname, '/certificate');
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('cert.title'));
	assert.match(await mainText(page), new RegExp(msg('cert.none')));

	// The two passwords differ first: the page says so and makes nothing.
	const status = page.locator('#certgen-status');
	await control(page, msg('cert.key_password')).fill(KEYPASS);
	await control(page, msg('cert.key_password2')).fill(`${KEYPASS}x`);
	await page.getByRole('button', { name: msg('cert.create'), exact: true }).click();
	assert.equal(await status.innerText(), msg('cert.msg_pass_mismatch'));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${S.supplierUser}`), '0');

	await control(page, msg('cert.key_password2')).fill(KEYPASS);
	await page.getByRole('button', { name: msg('cert.create'), exact: true }).click();
	// The save link gets its target (the key file) once the certificate exists.
	const save = page.getByRole('link', { name: msg('cert.save_key'), exact: true });
	await page.waitForFunction(() => /^blob:/.test(document.getElementById('certgen-download').getAttribute('href') || ''),
		null, { timeout: 30_000 });
	await save.waitFor({ state: 'visible' });
	assert.equal(await page.evaluate(() => document.activeElement.id), 'certgen-download', 'focus moves to the save link');
	const said = await status.innerText();
	assert.ok(said.startsWith(msg('cert.msg_done')), `status: ${said}`);
	S.serial = said.match(/([0-9A-F]{1,40})\s*$/)[1];
	assert.equal(await control(page, msg('cert.key_password')).inputValue(), '', 'the password is not kept in the form');
	assert.equal(await page.getByRole('button', { name: msg('cert.create'), exact: true }).isDisabled(), true,
		'no second key by mistake');

	// Save the key file; the page reloads by itself afterwards.
	const reloaded = page.waitForEvent('load', { timeout: 15_000 });
	const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
	assert.equal(download.suggestedFilename(), 'g2b-signing-key.json');
	S.keyFile = path.join(tmp, 'g2b-signing-key.json');
	await download.saveAs(S.keyFile);
	const key = readFileSync(S.keyFile, 'utf8');
	assert.match(key, /^\{"format":"g2b-keyfile-v1","kdf":"PBKDF2-SHA256","iterations":\d+,"salt":"[^"]+","iv":"[^"]+","key":"[^"]+"\}\n$/);
	assert.ok(!key.includes(KEYPASS), 'the password is not in the key file');
	await reloaded;

	// The certificate is in the list, valid, and the server has it.
	const row = page.getByRole('row').filter({ hasText: S.serial });
	assert.equal(await row.count(), 1, `the list shows certificate ${S.serial}`);
	assert.match((await row.innerText()).replace(/\s+/g, ' '), new RegExp(msg('cert.state.valid')));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${S.supplierUser}
		AND serial = ${q(S.serial)} AND revoked_at IS NULL`), '1');
	await shot(page, '30-certificate-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[en] the bid form reads in English and explains itself', async () => {
	const { context, page } = await newUser(browser, srv.base);
	await login(page, 'supplier', 'Supplier!2026');
	await clickAndLoad(page, page.locator('header').getByRole('link', { name: 'English', exact: true }));
	assert.equal(await page.locator('html').getAttribute('lang'), 'en');
	await page.goto(`/notices/${S.id}`);
	await clickAndLoad(page, page.getByRole('link', { name: msg('bid.title', 'en'), exact: true }));
	assert.equal(new URL(page.url()).pathname, `/notices/${S.id}/bid`);
	const en = (k) => msg(k, 'en');
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), en('bid.title'));
	const main = await mainText(page);
	for (const k of ['bid.lead', 'bid.amount_hint', 'bid.picks_hint']) assert.ok(main.includes(en(k)), `shows ${k}`);
	assert.ok(!/[가-힣]{2,}/.test(main.replace(TITLE, '').replace(en('bid.decl_integrity'), '')),
		`no Korean left in the English form: ${main}`);
	for (const k of ['bid.amount', 'bid.cert', 'bid.keyfile', 'bid.keypass']) {
		assert.equal(await control(page, en(k)).count(), 1, `a control labelled "${en(k)}"`);
	}
	assert.equal(await page.getByRole('group', { name: en('bid.picks'), exact: true }).getByRole('checkbox').count(), 15);
	assert.equal(await page.getByRole('group', { name: en('bid.declarations'), exact: true }).getByRole('checkbox').count(), 2);
	await page.getByRole('checkbox', { name: en('bid.decl_integrity'), exact: true }).check();
	await page.getByRole('checkbox', { name: en('bid.decl_collusion'), exact: true }).check();
	assert.equal(await page.getByRole('button', { name: en('bid.submit'), exact: true }).count(), 1);
	// The amount is shown with commas once typed; the messages are English.
	const amount = control(page, en('bid.amount'));
	await amount.fill('98765432');
	await amount.blur();
	assert.equal(await amount.inputValue(), '98,765,432');
	await amount.fill('');
	await page.getByRole('button', { name: en('bid.submit'), exact: true }).click();
	assert.equal(await page.locator('#bid-status').innerText(), en('bid.msg_amount'));
	assert.equal(await amount.getAttribute('aria-invalid'), 'true');
	assert.equal(await page.locator('#bid-form').getAttribute('data-msg-keypass'), en('bid.msg_keypass'));
	await shot(page, '31-bid-form-en.png');
	assert.equal(await bidCount(), 0);
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
}, { side: true });

step('[ko] the bid form on a phone (390x844) does not scroll sideways', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await login(page, 'supplier', 'Supplier!2026');
	await page.goto(`/notices/${S.id}/bid`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('bid.title'));
	await page.getByRole('checkbox', { name: PICKS[0], exact: true }).check();
	await page.getByRole('checkbox', { name: PICKS[1], exact: true }).check();
	await shot(page, '32-bid-form-mobile-ko.png');
	await assertFitsPhone(page, 'the bid form');
	// Every control lies fully on screen.
	const off = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main button')]
		.filter((el) => el.getClientRects().length > 0)
		.filter((el) => { const r = el.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
		.map((el) => el.id || el.value));
	assert.deepEqual(off, [], 'controls cut off');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
	await context.close();
}, { side: true });

step('[ko] the supplier bids with the keyboard: a wrong key-file password first, then the right one', async () => {
	const page = S.supplier;
	const posts = [];
	page.on('request', (r) => {
		if (r.method() === 'POST' && new URL(r.url()).pathname === `/notices/${S.id}/bid`) posts.push(r.url());
	});
	await page.goto(`/notices/${S.id}`);
	assert.match(await mainText(page), /입찰 진행 중/);
	await clickAndLoad(page, page.getByRole('link', { name: msg('bid.title'), exact: true }));
	assert.equal(new URL(page.url()).pathname, `/notices/${S.id}/bid`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('bid.title'));
	assert.equal(await fact(page, msg('notice.number')), `${S.no}-01`);

	// Every control has its label (what a screen reader announces).
	const amount = control(page, msg('bid.amount'));
	const keyfile = control(page, msg('bid.keyfile'));
	const keypass = control(page, msg('bid.keypass'));
	const cert = control(page, msg('bid.cert'));
	assert.equal(await amount.getAttribute('id'), 'bid-amount');
	assert.equal(await keyfile.getAttribute('id'), 'bid-keyfile');
	assert.equal(await keypass.getAttribute('id'), 'bid-keypass');
	assert.equal(await cert.inputValue(), S.serial, 'the new certificate is offered');
	const picks = page.getByRole('group', { name: msg('bid.picks'), exact: true }).getByRole('checkbox');
	assert.equal(await picks.count(), 15);
	const form = page.locator('#bid-form');
	const status = page.locator('#bid-status');
	assert.equal(await form.getAttribute('data-msg-keypass'), msg('bid.msg_keypass'));

	// Submitting the empty form points at the amount.
	await page.getByRole('button', { name: msg('bid.submit'), exact: true }).focus();
	await page.keyboard.press('Enter');
	assert.equal(await status.innerText(), msg('bid.msg_amount'));
	assert.equal((await focused(page)).id, 'bid-amount', 'focus goes to the amount');
	assert.equal(await amount.getAttribute('aria-invalid'), 'true');

	// Keyboard only from here.
	await page.keyboard.type(AMOUNT);
	let f = await tabUntil(page, (x) => x.name === 'pick', 'the first pick');
	assert.equal(f.value, '1', 'Tab goes from the amount to pick 1');
	for (const n of PICKS) {
		if (f.value !== n) f = await tabUntil(page, (x) => x.name === 'pick' && x.value === n, `pick ${n}`);
		await page.keyboard.press('Space');
	}
	for (const n of PICKS) assert.equal(await page.getByRole('checkbox', { name: n, exact: true }).isChecked(), true);
	assert.equal(await amount.inputValue(), AMOUNT, 'amount kept (with commas)');
	// Two picked: the other 13 are disabled, and Tab skips them.
	assert.equal(await page.getByRole('checkbox', { name: '7', exact: true }).isDisabled(), true, 'a third number cannot be picked');
	assert.equal(await page.locator('#bid-picks input:disabled').count(), 13);
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'bid-cert', 'Tab skips the disabled numbers');
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'bid-keyfile');
	// The file dialog is the browser's own (opening it with Space works but
	// is flaky under load in headless Chromium): hand the file to the
	// focused control as the dialog would.
	await keyfile.setInputFiles(S.keyFile);
	assert.equal(await keyfile.evaluate((el) => el.files.length), 1);
	assert.equal((await focused(page)).id, 'bid-keyfile');
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'bid-keypass');
	await page.keyboard.type('틀린 키파일 암호 123');
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'decl-integrity');
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'decl-collusion');
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	assert.equal((await focused(page)).id, 'bid-submit');
	await page.keyboard.press('Enter');

	// Wrong password: the form's message, focus back on the password, nothing sent.
	await page.waitForFunction((m) => document.getElementById('bid-status').textContent === m,
		msg('bid.msg_keypass'), { timeout: 30_000 });
	assert.equal((await focused(page)).id, 'bid-keypass', 'focus goes to the password');
	assert.equal(await keypass.getAttribute('aria-invalid'), 'true');
	assert.equal(await keypass.inputValue(), '', 'the password is emptied for a new try');
	assert.equal(await page.getByRole('button', { name: msg('bid.submit'), exact: true }).isEnabled(), true);
	assert.deepEqual(posts, [], 'nothing was posted');
	assert.equal(await bidCount(), 0, 'no bid row');
	await shot(page, '33-bid-wrong-keypass-ko.png');

	// The right password, Enter: sealed, signed, sent, receipt.
	await page.keyboard.type(KEYPASS);
	await Promise.all([
		page.waitForURL(/\/bids\/\d+\/receipt$/, { timeout: 30_000 }),
		page.keyboard.press('Enter'),
	]);
	assert.equal(posts.length, 1, 'one bid posted');
	S.bidId = new URL(page.url()).pathname.match(/^\/bids\/(\d+)\/receipt$/)[1];
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('receipt.title'));
	const main = await mainText(page);
	assert.ok(main.includes(msg('receipt.lead')), 'says the bid was received');
	S.receiptNo = await fact(page, msg('receipt.no'));
	assert.match(S.receiptNo, /^R-\d{4}-\d{8}$/);
	assert.equal(await fact(page, msg('notice.number')), `${S.no}-01`);
	assert.equal(await fact(page, msg('bid.state')), msg('bid.state.live'));
	assert.match(await fact(page, msg('field.org')), new RegExp(`${SUPPLIER_NAME.replace(/[()]/g, '\\$&')}`));
	S.command = `openssl dgst -sha256 -verify receipt-key.pem -signature ${S.receiptNo}.sig ${S.receiptNo}.txt`;
	assert.ok(main.includes(S.command), `shows the openssl command: ${S.command}`);
	S.receiptShown = (await page.locator('main pre').first().innerText());
	for (const name of ['receipt.txt', 'receipt.sig', 'receipt-key.pem']) {
		assert.equal(await page.getByRole('link', { name, exact: true }).count(), 1, `link ${name}`);
	}
	await shot(page, '34-bid-receipt-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('the bid is stored and its receipt verifies with openssl', async () => {
	const rows = await srv.sql(`SELECT b.id, b.receipt_no, b.status, o.bizno, b.ord, encode(b.bid_hash, 'hex'),
		replace(b.canonical, E'\\n', '|'), c.serial
		FROM bidding.bid b JOIN portal.org o ON o.id = b.org_id JOIN bidding.cert c ON c.id = b.cert_id
		WHERE b.notice_id = ${S.id}`);
	assert.equal(rows.length, 1, 'exactly one bid row');
	const [id, receiptNo, status, bizno, ord, hash, canonical, serial] = rows[0];
	assert.equal(id, S.bidId);
	assert.equal(receiptNo, S.receiptNo);
	assert.equal(status, 'live');
	assert.equal(bizno, SUPPLIER_BIZNO);
	assert.equal(ord, '1');
	assert.equal(serial, S.serial, 'signed with the certificate made in the browser');
	const canon = canonical.replace(/\|/g, '\n');
	assert.equal(createHash('sha256').update(canon).digest('hex'), hash, 'bid hash is the SHA-256 of the canonical bid');
	assert.ok(canon.includes(`notice-no:${S.no}\n`) && canon.includes(`bizno:${SUPPLIER_BIZNO}\n`)
		&& canon.includes(`cert:${S.serial}\n`), `canonical bid: ${canon}`);
	assert.ok(!canon.includes('112345000'), 'the amount is sealed, not in the clear');

	// Download the three files like the links do, into one folder, and run
	// the command the page shows there.
	const http = S.supplierCtx.request;
	const get = async (url) => {
		const r = await http.get(url);
		assert.equal(r.status(), 200, `GET ${url}`);
		return r.body();
	};
	const txt = await get(`/bids/${S.bidId}/receipt.txt`);
	const sig = await get(`/bids/${S.bidId}/receipt.sig`);
	const pem = await get('/receipt-key.pem');
	const dir = mkdtempSync(path.join(tmp, 'receipt-'));
	writeFileSync(path.join(dir, `${S.receiptNo}.txt`), txt);
	writeFileSync(path.join(dir, `${S.receiptNo}.sig`), sig);
	writeFileSync(path.join(dir, 'receipt-key.pem'), pem);
	const text = txt.toString('utf8');
	assert.equal(text.trim(), S.receiptShown.trim(), 'receipt.txt is the receipt shown on the page');
	assert.match(text, new RegExp(`^g2b-receipt-v1\nreceipt:${S.receiptNo}\nnotice-no:${S.no}\norder:1\n` +
		`bizno:${SUPPLIER_BIZNO}\nbid-sha256:${hash}\nreceived:\\S+\n$`));
	const [cmd, ...args] = S.command.split(' ');
	const out = execFileSync(cmd, args, { cwd: dir, encoding: 'utf8' });
	assert.equal(out.trim(), 'Verified OK');
	// An altered receipt does not verify.
	writeFileSync(path.join(dir, `${S.receiptNo}.txt`), text.replace('order:1', 'order:2'));
	assert.throws(() => execFileSync(cmd, args, { cwd: dir, stdio: 'pipe' }), 'an altered receipt fails');
});

step('[ko] the receipt on a phone (390x844) does not scroll sideways', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await login(page, 'supplier', 'Supplier!2026');
	await page.goto(`/bids/${S.bidId}/receipt`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('receipt.title'));
	await shot(page, '37-receipt-mobile-ko.png');
	assert.deepEqual(page.problems, []);
	try {
		await assertFitsPhone(page, 'the receipt');
	} finally {
		await context.close();
	}
}, { side: true });

step('[ko] after the close the officer opens the bids with the passphrase and reads the result', async () => {
	// Time travel: bidding closed and the opening time has come.
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '3 hours',
		bid_close = now() - interval '2 hours', opening_at = now() - interval '1 minute' WHERE notice_id = ${S.id}`);
	const { context, page } = await newUser(browser, srv.base);
	S.officerCtx = context;
	await login(page, 'officer', 'Officer!2026');
	await page.goto(`/notices/${S.id}`);
	await clickAndLoad(page, page.getByRole('link', { name: msg('open.title'), exact: true }));
	assert.equal(new URL(page.url()).pathname, `/notices/${S.id}/open`);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), msg('open.title'));
	assert.equal(await fact(page, msg('open.live_bids')), '1');

	// A wrong passphrase opens nothing.
	await control(page, msg('open.passphrase')).fill('틀린 개찰 암호입니다 2026');
	await clickAndLoad(page, page.getByRole('button', { name: msg('open.submit'), exact: true }));
	await assertFieldError(page, msg('open.passphrase'), msg('open.wrong_passphrase'));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.opening WHERE notice_id = ${S.id}`), '0');

	await control(page, msg('open.passphrase')).fill(PASSPHRASE);
	await clickAndLoad(page, page.getByRole('button', { name: msg('open.submit'), exact: true }));
	const url = new URL(page.url());
	assert.equal(url.pathname, `/notices/${S.id}`);
	assert.equal(url.searchParams.get('ok'), 'opened');
	assert.equal(await page.getByRole('heading', { level: 2, name: msg('result.title'), exact: true }).count(), 1);
	// One ranked bid in open competition: no award (유찰), as the rules say.
	const outcome = (await page.locator('main p.notice[role=status]').allInnerTexts()).map((t) => t.trim());
	assert.ok(outcome.includes(msg('outcome.failed')), `outcome shown: ${outcome.join(' | ')}`);

	// The 15 preliminary prices, within ±2% of the base amount, with commas;
	// the two picked numbers are counted once each; four are chosen.
	const prices = await tableUnder(page, msg('result.prices'));
	assert.ok(prices, `a table under "${msg('result.prices')}"`);
	assert.equal(prices.length, 15, '15 preliminary prices');
	prices.forEach((r, i) => {
		assert.equal(r.cells[0], String(i + 1));
		assert.match(r.cells[1], /^\d{1,3}(,\d{3})+$/, `price ${i + 1} with commas: ${r.cells[1]}`);
		const p = won(r.cells[1]);
		assert.ok(p >= BASE * 0.98 && p <= BASE * 1.02, `price ${i + 1} within ±2%: ${p}`);
		const count = r.cells[2].replace('✓', '').replace(msg('result.chosen'), '').trim();
		assert.equal(count, PICKS.includes(String(i + 1)) ? '1' : '0', `times picked for ${i + 1}`);
	});
	const chosen = prices.map((r, i) => ({ n: i + 1, p: won(r.cells[1]), on: /\bchosen\b/.test(r.cls) && r.cells[2].includes('✓') }))
		.filter((x) => x.on);
	assert.equal(chosen.length, 4, 'four prices are averaged');
	for (const n of PICKS) assert.ok(chosen.some((c) => String(c.n) === n), `picked number ${n} is among the chosen`);

	// The planned price: average of the four, rounded up to the won.
	const planned = Math.ceil(chosen.reduce((s, c) => s + c.p, 0) / 4);
	const plannedText = await fact(page, msg('result.planned'));
	assert.ok(plannedText.startsWith(`${commas(planned)} ${msg('won')}`), `planned price ${commas(planned)}: ${plannedText}`);
	const named = (plannedText.match(/(\d+(?:, \d+){3})$/) || [, ''])[1].split(', ').map(Number).sort((a, b) => a - b);
	assert.deepEqual(named, chosen.map((c) => c.n), `planned price names the four numbers: ${plannedText}`);
	assert.equal(await one(srv, `SELECT planned FROM bidding.opening WHERE notice_id = ${S.id}`), String(planned));

	// The supplier's bid: amount with commas, ratio to the planned price, rank 1.
	const results = await tableUnder(page, msg('result.table'));
	assert.ok(results, `a table under "${msg('result.table')}"`);
	assert.equal(results.length, 1, 'one bid in the result table');
	const [rank, company, bizno, amount, ratio, picks, , receipt] = results[0].cells;
	const milli = Math.round((won(AMOUNT) * 100000) / planned);
	assert.equal(rank, '1');
	assert.equal(company, SUPPLIER_NAME);
	assert.equal(bizno.replace(/-/g, ''), SUPPLIER_BIZNO);
	assert.equal(amount, AMOUNT);
	assert.equal(ratio, `${Math.floor(milli / 1000)}.${String(milli % 1000).padStart(3, '0')}%`);
	assert.equal(picks, PICKS.join(', '));
	assert.equal(receipt, S.receiptNo);
	await page.locator('#result').scrollIntoViewIfNeeded();
	await shot(page, '35-opening-result-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[ko] the supplier sees the opened bid in 나의 입찰, without a rank since the tender failed (유찰)', async () => {
	const page = S.supplier;
	await clickAndLoad(page, page.getByRole('navigation', { name: msg('nav.main') })
		.getByRole('link', { name: msg('nav.bids'), exact: true }));
	assert.equal(new URL(page.url()).pathname, '/bids');
	const row = page.getByRole('row').filter({ hasText: S.receiptNo });
	assert.equal(await row.count(), 1);
	const cells = (await row.getByRole('cell').allInnerTexts()).map((s) => s.trim());
	assert.equal(cells[0], `${S.no}-01`);
	assert.equal(cells[1], TITLE);
	assert.equal(cells[4], msg('bid.state.opened'));
	assert.equal(cells[5], '', 'no rank: a single bid in open competition is a failed tender');
	await shot(page, '36-my-bids-ko.png');
	assert.deepEqual(page.problems, [], 'no console errors, CSP violations or failed requests');
});

step('[ko] the opening result on a phone (390x844) does not scroll sideways', async () => {
	const { context, page } = await newUser(browser, srv.base, PHONE);
	await page.goto(`/notices/${S.id}`);
	assert.equal(await page.getByRole('heading', { level: 2, name: msg('result.title'), exact: true }).count(), 1);
	await shot(page, '38-opening-result-mobile-ko.png');
	assert.deepEqual(page.problems, []);
	// Wide tables scroll inside their own box (.scroll); the page does not.
	try {
		await assertFitsPhone(page, 'the opening result');
	} finally {
		await context.close();
	}
}, { side: true });
