// Amendments (정정공고) and cancellations (취소공고) of published tender
// notices over HTTP: a new order (차수) with its public reason, earlier
// orders unchanged; new sealed preliminary prices when the base amount or
// the range changes (AAD "notice:<id>:<order>:prices"); the refusals, each
// writing nothing; cancellation before the opening only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, privateDecrypt, createDecipheriv, constants } from 'node:crypto';
import { text } from '../lib/harness.mjs';
import {
	boot, one, q, loginAs, Client, DEMO, msg, tag, uniqueLogin, inputValue, textareaValue, selectedOption,
	auditRows, raw, unescape,
} from './helpers.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const T = tag(); // this run's marker in titles
const PASS = `정정암호-${T}-Open!2026`; // the opening passphrase (>= 12 characters)

let srv;
let agency; // 서울특별시 agency user
let officer; // 서울특별시 bid officer
let supplier;
let busan; // an agency user of 부산광역시
const ids = {};
const cat = {};
const N = {}; // the published notices of this file, made in before()

before(async () => {
	srv = await boot();
	ids.seoul = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	ids.busan = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6260000'");
	assert.ok(ids.seoul && ids.busan, 'the demo agencies exist');
	ids.officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	const code = async (like, n = 0) => one(srv,
		`SELECT code FROM portal.category WHERE level = 4 AND code LIKE ${q(like)} ORDER BY code OFFSET ${n} LIMIT 1`);
	cat.it1 = await code('4321%');
	cat.it2 = await code('4321%', 1);
	// An agency user of 부산광역시 with the demo agency user's password hash.
	const login = uniqueLogin('bs');
	await srv.sql(`INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
		SELECT ${q(login)}, ${ids.busan}, 'agency', '부산담당', ${q(`${login}@test.example`)}, pwhash
		FROM portal.users WHERE login = 'agency'`);
	[agency, officer, supplier, busan] = await Promise.all([
		loginAs(srv, ...DEMO.agency), loginAs(srv, ...DEMO.officer), loginAs(srv, ...DEMO.supplier),
		loginAs(srv, login, DEMO.agency[1]),
	]);
	// Drafts one after another (one client), then publications at once
	// (key generation runs on task threads): a title/schedule amendment,
	// a base amount change, a range change, and one whose dates are moved
	// into the past afterwards.
	const specs = {
		plain: { title: `정정 대상 노트북 구매 ${T}` },
		base: { title: `기초금액 정정 공고 ${T}` },
		range: { title: `예가범위 정정 공고 ${T}` },
		late: { title: `개찰 지난 공고 ${T}` },
	};
	for (const [k, over] of Object.entries(specs)) N[k] = await drafted(agency, over);
	const rs = await Promise.all(Object.values(N).map(async (d) => {
		const c = await loginAs(srv, ...DEMO.officer);
		return publish(c, d.id);
	}));
	for (const r of rs) assert.equal(r.status, 303, `publish refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	for (const d of Object.values(N)) d.no = await one(srv, `SELECT notice_no FROM bidding.notice WHERE id = ${d.id}`);
});
after(async () => { await srv?.shutdown(); });

// ------------------------------------------------------------ helpers

// A datetime-local value in Korea time, `ms` from now ("YYYY-MM-DDTHH:MM").
function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

// Every field of the notice form, valid.
function form(over = {}) {
	return {
		title: `노트북 컴퓨터 구매 ${T}`,
		family: 'goods',
		base_amount: '125,000,000',
		budget: '130,000,000',
		contract_method: 'open',
		award_method: 'lowest',
		range: '2',
		region_limit: '',
		category_limit: '',
		bid_start: kst(DAY),
		bid_close: kst(8 * DAY),
		opening_at: kst(8 * DAY + HOUR),
		officer: ids.officer,
		item_code: [cat.it1, cat.it2, '', '', ''],
		item_qty: ['10', '2.5', '', '', ''],
		item_unit: ['대', '식', '', '', ''],
		...over,
	};
}

async function drafted(c, over = {}) {
	const f = form(over);
	assert.equal((await c.get('/notices/new')).status, 200);
	const r = await c.post('/notices/new', f);
	assert.equal(r.status, 303, `draft refused: ${JSON.stringify(fieldErrs(r.text))}`);
	const m = r.location.match(/^\/notices\/(\d+)\?ok=saved$/);
	assert.ok(m, `redirect to the draft: ${r.location}`);
	return { id: m[1], f };
}

async function publish(c, id, passphrase = PASS) {
	await c.get(`/notices/${id}/publish`);
	return c.post(`/notices/${id}/publish`, { passphrase, passphrase2: passphrase });
}

// Per-field errors of the notice and cancel forms: { field: message }.
function fieldErrs(html) {
	const out = {};
	for (const m of (html || '').matchAll(/<p class="err(?: wide)?" id="e-([a-z0-9_]+)">([^<]*)<\/p>/g)) out[m[1]] = unescape(m[2]);
	return out;
}

function itemInputs(html, name) {
	return [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => unescape(m[1]));
}

function hiddenOrd(html) {
	const m = html.match(/<input type="hidden" name="ord" value="([^"]*)">/);
	return m ? m[1] : undefined;
}

// The amendment form as a browser would submit it: every field as shown.
function scrape(html) {
	return {
		ord: hiddenOrd(html),
		reason: textareaValue(html, 'reason') ?? '',
		title: inputValue(html, 'title'),
		family: selectedOption(html, 'family') ?? '',
		base_amount: inputValue(html, 'base_amount'),
		budget: inputValue(html, 'budget'),
		contract_method: selectedOption(html, 'contract_method') ?? '',
		award_method: selectedOption(html, 'award_method') ?? '',
		range: selectedOption(html, 'range') ?? '2',
		region_limit: selectedOption(html, 'region_limit') ?? '',
		category_limit: inputValue(html, 'category_limit') ?? '',
		bid_start: inputValue(html, 'bid_start'),
		bid_close: inputValue(html, 'bid_close'),
		opening_at: inputValue(html, 'opening_at'),
		officer: selectedOption(html, 'officer') ?? '',
		item_code: itemInputs(html, 'item_code'),
		item_qty: itemInputs(html, 'item_qty'),
		item_unit: itemInputs(html, 'item_unit'),
	};
}

// GET the amendment form, then submit it with `over` changed.
async function amend(c, id, over = {}) {
	const g = await c.get(`/notices/${id}/amend`);
	assert.equal(g.status, 200, `GET /notices/${id}/amend`);
	const f = { ...scrape(g.text), ...over };
	const r = await c.post(`/notices/${id}/amend`, f);
	return { r, f, form: g.text };
}

async function amended(c, id, over) {
	const a = await amend(c, id, over);
	assert.equal(a.r.status, 303, `amendment refused (${a.r.status}): ${JSON.stringify(fieldErrs(a.r.text))}`);
	assert.equal(a.r.location, `/notices/${id}?ok=amended`);
	return a;
}

async function cancel(c, id, reason, ord) {
	const g = await c.get(`/notices/${id}/cancel`);
	assert.equal(g.status, 200, `GET /notices/${id}/cancel`);
	return c.post(`/notices/${id}/cancel`, { ord: ord ?? hiddenOrd(g.text), reason });
}

async function status(id) {
	return (await srv.sql(`SELECT status, cur_ord FROM bidding.notice WHERE id = ${id}`))[0];
}

// Everything an amendment or a cancellation writes.
async function snapshot() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.notice_version),
		(SELECT count(*) FROM bidding.notice_item),
		(SELECT count(*) FROM portal.audit WHERE event LIKE 'notice.%'),
		(SELECT count(*) FROM portal.notification),
		(SELECT string_agg(id || ':' || status || ':' || cur_ord || ':' || updated_at, ',' ORDER BY id) FROM bidding.notice)`))[0];
}

async function versionRow(id, ord) {
	return one(srv, `SELECT v::text FROM bidding.notice_version v WHERE notice_id = ${id} AND ord = ${ord}`);
}

async function itemRows(id, ord) {
	return srv.sql(`SELECT line, code, quantity, unit FROM bidding.notice_item WHERE notice_id = ${id} AND ord = ${ord} ORDER BY line`);
}

// The history table of a detail page: [[ord, kind, at, reason]].
function history(html) {
	return [...html.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td class="nowrap">([^<]*)<\/td><td class="detail">([^<]*)<\/td><\/tr>/g)]
		.map((m) => [m[1], unescape(m[2]), m[3], unescape(m[4])]);
}

function heading(html) {
	const m = html.match(/<h1>([^<]*) <span class="pill phase-([a-z]+)">([^<]*)<\/span><\/h1>/);
	return m ? { title: unescape(m[1]), phase: m[2], label: m[3] } : undefined;
}

function shownNumber(html) {
	const m = html.match(new RegExp(`<dt>${msg('notice.number')}</dt><dd>([^<]*)</dd>`));
	return m ? m[1] : undefined;
}

// Result rows of /notices: { no, id, title, phase }.
function rows(html) {
	return [...html.matchAll(/<tr><td class="nowrap">([^<]*)<\/td><td><a href="\/notices\/(\d+)">([^<]*)<\/a>[\s\S]*?<span class="pill phase-([a-z]+)">/g)]
		.map((m) => ({ no: m[1], id: m[2], title: unescape(m[3]), phase: m[4] }));
}

async function search(params) {
	const r = await new Client(srv.base).get(`/notices?${new URLSearchParams(params)}`);
	assert.equal(r.status, 200);
	return rows(r.text);
}

// The API item of a notice (walks the cursor pages).
async function apiItem(id) {
	let after = '';
	for (let i = 0; i < 50; i++) {
		const r = await raw(srv, 'GET', `/api/notices?limit=100${after ? `&after=${after}` : ''}`);
		assert.equal(r.status, 200);
		const json = JSON.parse(r.text);
		const hit = json.data.find((x) => String(x.id) === String(id));
		if (hit) return hit;
		if (json.next === null) return undefined;
		after = json.next;
	}
	return undefined;
}

function aadOf(id, ord) {
	return ord <= 1 ? `notice:${id}:prices` : `notice:${id}:${ord}:prices`;
}

// Open the sealed preliminary prices of order `ord` with the passphrase and
// the AAD of order `aadOrd` (envelope of bidding/seal.h): 15 prices.
async function openPrices(id, ord, aadOrd = ord, passphrase = PASS) {
	const [[pemLines, b64]] = await srv.sql(`SELECT replace(k.private_enc_pem, E'\\n', '|'), replace(v.prices_sealed, E'\\n', '')
		FROM bidding.opening_key k JOIN bidding.notice_version v ON v.notice_id = k.notice_id AND v.ord = ${ord}
		WHERE k.notice_id = ${id}`);
	const key = createPrivateKey({ key: pemLines.replace(/\|/g, '\n'), format: 'pem', passphrase });
	const env = Buffer.from(b64, 'base64');
	assert.equal(env[0], 1, 'envelope version 1');
	const k = env.readUInt16BE(1);
	const aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, env.subarray(3, 3 + k));
	const d = createDecipheriv('aes-256-gcm', aesKey, env.subarray(3 + k, 15 + k));
	d.setAAD(Buffer.concat([Buffer.from('g2b-prices-v1\0'), Buffer.from(aadOf(id, aadOrd))]));
	d.setAuthTag(env.subarray(env.length - 16));
	const plain = Buffer.concat([d.update(env.subarray(15 + k, env.length - 16)), d.final()]);
	assert.equal(plain.length, 120, '15 int64 prices');
	return Array.from({ length: 15 }, (_, i) => plain.readBigInt64BE(i * 8));
}

// Whether 15 prices are one per band of base ± range (prices.c, rule 1).
function pricesFit(prices, base, rangeMilli) {
	const b = BigInt(base);
	const dd = (b * BigInt(rangeMilli)) / 100000n;
	const lo = b - dd;
	const n = 2n * dd + 1n;
	return prices.length === 15 && prices.every((p, k) => p >= lo + (BigInt(k) * n) / 15n && p <= lo + (BigInt(k + 1) * n) / 15n - 1n);
}

async function prices(id, ord) {
	return one(srv, `SELECT prices_sealed FROM bidding.notice_version WHERE notice_id = ${id} AND ord = ${ord}`);
}

// ---------------------------------------------------------- amendments

test('an amendment of the title and schedule becomes order 2 with its reason; order 1 and the prices stay; it is public, audited and notified', async () => {
	const { id, no, f: pub } = N.plain;
	const order1 = await versionRow(id, 1);
	const items1 = await itemRows(id, 1);
	const prices1 = await prices(id, 1);
	const reason = `납품 일정 조정에 따른 정정 ${T}`;
	const title = `정정된 노트북 구매 ${T}`;
	const close = kst(10 * DAY);
	const opening = kst(10 * DAY + 2 * HOUR);

	// The form shows the current order, an empty reason and the order it amends.
	const g = await agency.get(`/notices/${id}/amend`);
	assert.equal(g.status, 200);
	assert.ok(g.text.includes(msg('notice.amend_lead')));
	assert.equal(hiddenOrd(g.text), '1');
	assert.equal(textareaValue(g.text, 'reason'), '');
	assert.equal(inputValue(g.text, 'title'), pub.title);
	assert.equal(inputValue(g.text, 'bid_close'), pub.bid_close);
	assert.equal(selectedOption(g.text, 'officer'), ids.officer);
	assert.ok(g.text.includes(`action="/notices/${id}/amend"`));

	const { r } = await amended(agency, id, { reason, title, bid_close: close, opening_at: opening });
	const flash = await agency.get(r.location);
	assert.ok(flash.text.includes(msg('flash.amended')), 'flash message');

	assert.deepEqual(await status(id), ['published', '2']);
	const [v2] = await srv.sql(`SELECT kind, reason, title, base_amount, range_milli,
		to_char(bid_close AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI'),
		to_char(opening_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI'),
		published_by = (SELECT id FROM portal.users WHERE login = 'agency'), published_at > now() - interval '5 minutes'
		FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2`);
	assert.deepEqual(v2, ['amend', reason, title, '125000000', '2000', close, opening, 't', 't']);
	assert.deepEqual(await itemRows(id, 2), items1, 'the items are carried over');
	assert.equal(await versionRow(id, 1), order1, 'order 1 is unchanged');
	assert.deepEqual(await itemRows(id, 1), items1, 'order 1 items are unchanged');
	assert.equal(await prices(id, 2), prices1, 'same base amount and range: the sealed prices are not redrawn');
	assert.ok(pricesFit(await openPrices(id, 2, 1), 125000000, 2000), 'the carried prices still open');

	// The public detail page: new title, number -02, the history newest first.
	const d = await new Client(srv.base).get(`/notices/${id}`);
	assert.equal(d.status, 200);
	assert.equal(heading(d.text).title, title);
	assert.equal(shownNumber(d.text), `${no}-02`);
	assert.ok(text(d.text).includes(close.replace('T', ' ')), 'the new close time');
	const h = history(d.text);
	assert.deepEqual(h.map(([o, k, , why]) => [o, k, why]),
		[['02', msg('nkind.amend'), reason], ['01', msg('nkind.register'), '']]);
	assert.ok(h.every(([, , at]) => /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(at)));
	assert.ok(!d.text.includes(pub.title + '</'), 'the old title is not the heading');

	// The API and the list show order 02.
	const item = await apiItem(id);
	assert.ok(item, 'in the API');
	assert.equal(item.order, 2);
	assert.equal(item.title, title);
	assert.equal(item.status, 'published');
	assert.equal(item.bidClose, `${close}:00+09:00`);
	const list = await search({ q: title });
	assert.deepEqual(list.map((x) => [x.id, x.no, x.title]), [[id, `${no}-02`, title]]);
	assert.deepEqual((await search({ q: `${no}-02` })).map((x) => x.id), [id], 'searchable by the number as shown');

	// Audit and notifications.
	const audit = await auditRows(srv, `event = 'notice.amend' AND detail->>'notice' = '${id}'`);
	assert.deepEqual(audit.map((a) => a.detail), [{ notice: Number(id), order: 2, reason, prices_redrawn: false }]);
	const users = await srv.sql(`SELECT id FROM portal.users WHERE org_id = ${ids.seoul} AND active ORDER BY id`);
	const notes = await srv.sql(`SELECT user_id, array_to_json(args)::text FROM portal.notification
		WHERE msg_key = 'notif.notice_amended' AND link = '/notices/${id}' ORDER BY user_id`);
	assert.deepEqual(notes.map((x) => x[0]), users.map((x) => x[0]), 'every active user of the agency, once');
	assert.ok(notes.every((x) => JSON.stringify([no, '2', reason]) === x[1]));
	assert.equal(await one(srv, `SELECT count(*) FROM portal.notification n JOIN portal.users u ON u.id = n.user_id
		WHERE u.org_id <> ${ids.seoul} AND n.link = '/notices/${id}'`), '0', 'nobody else');
	const inbox = await officer.get('/notifications');
	assert.ok(text(inbox.text).includes(msg('notif.notice_amended', 'ko', no, '2', reason)), 'the officer reads it');
});

test('a changed base amount redraws the prices, sealed to the same key with the AAD of order 2', async () => {
	const { id } = N.base;
	const prices1 = await prices(id, 1);
	const items1 = await itemRows(id, 1);
	await amended(agency, id, {
		reason: `기초금액 재산정 ${T}`, base_amount: '110,000,000', budget: '120,000,000',
		item_code: [cat.it1, '', '', '', ''], item_qty: ['12', '', '', '', ''], item_unit: ['대', '', '', '', ''],
	});
	assert.deepEqual(await status(id), ['published', '2']);
	assert.deepEqual(await itemRows(id, 2), [['1', cat.it1, '12.000', '대']], 'order 2 has its own items');
	assert.deepEqual(await itemRows(id, 1), items1, 'order 1 keeps its items');
	assert.deepEqual(await srv.sql(`SELECT base_amount, budget, range_milli FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2`),
		[['110000000', '120000000', '2000']]);
	const prices2 = await prices(id, 2);
	assert.ok(prices2 && prices2 !== prices1, 'new sealed prices');
	const p = await openPrices(id, 2);
	assert.ok(pricesFit(p, 110000000, 2000), `prices around 110,000,000 ±2 %: ${p}`);
	assert.equal(new Set(p.map(String)).size, 15);
	await assert.rejects(openPrices(id, 2, 1), /authenticate|unable/i, "order 2's prices do not open as order 1's");
	assert.ok(pricesFit(await openPrices(id, 1), 125000000, 2000), 'order 1 keeps its own prices');
	assert.equal(await prices(id, 1), prices1);
	const audit = await auditRows(srv, `event = 'notice.amend' AND detail->>'notice' = '${id}'`);
	assert.equal(audit.length, 1);
	assert.equal(audit[0].detail.prices_redrawn, true);
	assert.equal(audit[0].detail.order, 2);
	// The detail page shows the new amount.
	const d = await new Client(srv.base).get(`/notices/${id}`);
	assert.ok(text(d.text).includes('110,000,000'));

	// Two amendments of order 2 at once (two users of the agency, each a new
	// amount): one becomes order 3, the other is refused as stale.
	const [ga, go] = await Promise.all([agency.get(`/notices/${id}/amend`), officer.get(`/notices/${id}/amend`)]);
	const amounts = ['105,000,000', '115,000,000'];
	const [ra, ro] = await Promise.all([[agency, ga], [officer, go]].map(([c, g], i) => c.post(`/notices/${id}/amend`,
		{ ...scrape(g.text), reason: `동시 정정 ${i} ${T}`, base_amount: amounts[i] })));
	assert.deepEqual([ra.status, ro.status].sort(), [303, 409], `statuses ${ra.status}/${ro.status}`);
	const loser = ra.status === 409 ? ra : ro;
	assert.equal(fieldErrs(loser.text).reason, msg('err.notice_changed'));
	assert.deepEqual(await status(id), ['published', '3']);
	const base3 = await one(srv, `SELECT base_amount FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 3`);
	assert.equal(base3, (ra.status === 303 ? amounts[0] : amounts[1]).replace(/,/g, ''));
	assert.ok(pricesFit(await openPrices(id, 3), base3, 2000), 'order 3 prices: the winner\'s amount, AAD of order 3');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice_version WHERE notice_id = ${id}`), '4', 'orders 0..3, nothing more');
});

test('a changed range (±2 % → ±3 %) redraws the prices within the wider bands', async () => {
	const { id } = N.range;
	const prices1 = await prices(id, 1);
	const g = await agency.get(`/notices/${id}/amend`);
	assert.equal(selectedOption(g.text, 'range'), '2');
	const reason = `<b>예비가격</b> 범위 & "변경" ${T}`;
	await amended(agency, id, { reason, range: '3' });
	const d = await new Client(srv.base).get(`/notices/${id}`);
	assert.ok(!d.text.includes('<b>예비가격</b>'), 'the reason is escaped');
	assert.deepEqual(history(d.text)[0].slice(0, 2).concat(history(d.text)[0][3]), ['02', msg('nkind.amend'), reason]);
	assert.ok(text(d.text).includes('±3%'));
	assert.equal(await one(srv, `SELECT range_milli FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2`), '3000');
	assert.notEqual(await prices(id, 2), prices1);
	const p = await openPrices(id, 2);
	assert.ok(pricesFit(p, 125000000, 3000), `prices around 125,000,000 ±3 %: ${p}`);
	assert.ok(p.some((x) => x < 122500000n) && p.some((x) => x > 127500000n), 'beyond the ±2 % bands');
	await assert.rejects(openPrices(id, 2, 1), /authenticate|unable/i);
	const audit = await auditRows(srv, `event = 'notice.amend' AND detail->>'notice' = '${id}'`);
	assert.deepEqual(audit.map((a) => [a.detail.order, a.detail.prices_redrawn]), [[2, true]]);
	const item = await apiItem(id);
	assert.equal(item.priceRangePercent, 3);
	assert.equal(item.order, 2);
});

test('refused amendments write nothing: reason, stale form, past close, other agency, supplier, anonymous, draft, no CSRF', async () => {
	const { id } = N.plain; // at order 2 after the first test
	assert.deepEqual(await status(id), ['published', '2']);
	const url = `/notices/${id}/amend`;
	const dr = await drafted(agency, { title: `정정 불가 초안 ${T}` });
	const before = await snapshot();
	const good = `충분히 긴 정정 사유 ${T}`;

	// Reason missing or too short: 400, the message, every value kept.
	for (const [reason, key] of [['', 'err.required'], ['짧다', 'err.text_5_500'], ['가'.repeat(501), 'err.text_5_500']]) {
		const { r, f } = await amend(agency, id, { reason, title: `사유 없는 정정 ${T}`, base_amount: '99,000,000' });
		assert.equal(r.status, 400, `reason ${reason.length}`);
		const errs = fieldErrs(r.text);
		assert.deepEqual(errs, { reason: msg(key) }, `reason ${reason.length}`);
		assert.ok(r.text.includes(msg('err.form')));
		assert.equal(textareaValue(r.text, 'reason'), reason, 'reason kept');
		assert.equal(inputValue(r.text, 'title'), f.title, 'title kept');
		assert.equal(inputValue(r.text, 'base_amount'), '99,000,000', 'amount kept as typed');
		assert.equal(hiddenOrd(r.text), '2', 'order kept');
		assert.ok(r.text.includes(`action="${url}"`), 'still the amendment form');
	}

	// A stale form (it amended order 1; order 2 exists now): 409.
	{
		const g = await agency.get(url);
		const f = { ...scrape(g.text), ord: '1', reason: good, title: `낡은 양식의 정정 ${T}` };
		const r = await agency.post(url, f);
		assert.equal(r.status, 409);
		assert.equal(fieldErrs(r.text).reason, msg('err.notice_changed'));
		assert.equal(inputValue(r.text, 'title'), f.title);
	}

	// A new close time in the past: 400.
	{
		const { r } = await amend(agency, id, { reason: good, bid_start: kst(-3 * HOUR), bid_close: kst(-HOUR), opening_at: kst(-HOUR) });
		assert.equal(r.status, 400);
		assert.equal(fieldErrs(r.text).bid_close, msg('err.amend_closed'));
	}

	// A bid officer who is not one of the agency's, an unknown item code: 400.
	{
		const { r } = await amend(agency, id, { reason: good, officer: await one(srv, "SELECT id FROM portal.users WHERE login = 'agency'") });
		assert.equal(r.status, 400);
		assert.equal(fieldErrs(r.text).officer, msg('err.choose'));
		const unknown = await one(srv, `SELECT lpad(g::text, 8, '9') FROM generate_series(99999999, 99990000, -1) g
			WHERE lpad(g::text, 8, '9') NOT IN (SELECT code FROM portal.category) LIMIT 1`);
		const u = await amend(agency, id, { reason: good, item_code: [cat.it1, unknown, '', '', ''] });
		assert.equal(u.r.status, 400);
		assert.equal(fieldErrs(u.r.text).items, msg('err.item_code'));
		assert.deepEqual(itemInputs(u.r.text, 'item_code').slice(0, 2), [cat.it1, unknown], 'codes kept');
	}

	// Another agency's user: 404 for the form and for a valid post.
	const g = await agency.get(url);
	const valid = { ...scrape(g.text), reason: good, title: `타 기관의 정정 ${T}` };
	assert.equal((await busan.get(url)).status, 404);
	await busan.get('/agency/notices');
	assert.equal((await busan.post(url, valid)).status, 404);
	assert.equal((await busan.get(`/notices/${id}/cancel`)).status, 404);

	// A supplier: 403; anonymous: to the login page (GET), refused (POST).
	assert.equal((await supplier.get(url)).status, 403);
	await supplier.get('/');
	assert.equal((await supplier.post(url, valid)).status, 403);
	const anon = new Client(srv.base);
	const a = await anon.get(url);
	assert.ok([302, 303].includes(a.status), `anonymous GET: ${a.status}`);
	assert.equal(a.location, `/login?next=${encodeURIComponent(url)}`);
	await anon.get('/login');
	assert.ok([401, 403].includes((await anon.post(url, valid)).status), 'anonymous POST');

	// No CSRF token, or a wrong one: 403.
	assert.equal((await agency.request('POST', url, valid)).status, 403);
	assert.equal((await agency.request('POST', url, { ...valid, csrf: 'x'.repeat(64) })).status, 403);

	// A draft is not amended (404).
	assert.equal((await agency.get(`/notices/${dr.id}/amend`)).status, 404);
	await agency.get(`/notices/${dr.id}`);
	assert.ok([400, 404].includes((await agency.post(`/notices/${dr.id}/amend`, { ...form(), ord: '0', reason: good })).status),
		'order 0 is not an order that can be amended');
	assert.equal((await agency.post(`/notices/${dr.id}/amend`, { ...form(), ord: '1', reason: good })).status, 404);
	assert.deepEqual(await snapshot(), before, 'nothing written');
	assert.deepEqual(await status(id), ['published', '2']);
	assert.deepEqual(await status(dr.id), ['draft', '0']);
});

// -------------------------------------------------------- cancellations

test('cancelling needs a reason; it becomes order N+1 of kind cancel and the notice is cancelled everywhere', async () => {
	const { id, no } = N.plain; // at order 2
	const url = `/notices/${id}/cancel`;
	const g = await agency.get(url);
	assert.equal(g.status, 200);
	assert.equal(hiddenOrd(g.text), '2');
	assert.ok(text(g.text).includes(msg('cancel.lead')));
	assert.ok(text(g.text).includes(no));

	const before = await snapshot();
	for (const [reason, key] of [['', 'err.required'], ['취소', 'err.text_5_500']]) {
		const r = await cancel(agency, id, reason);
		assert.equal(r.status, 400, `reason "${reason}"`);
		assert.deepEqual(fieldErrs(r.text), { reason: msg(key) });
		assert.equal(textareaValue(r.text, 'reason'), reason);
		assert.equal(hiddenOrd(r.text), '2');
	}
	// Another agency's user, a supplier, no CSRF token, a stale order.
	const reason = `예산 사정으로 입찰을 취소합니다 ${T}`;
	await busan.get('/agency/notices');
	assert.equal((await busan.post(url, { ord: '2', reason })).status, 404);
	await supplier.get('/');
	assert.equal((await supplier.post(url, { ord: '2', reason })).status, 403);
	assert.equal((await agency.request('POST', url, { ord: '2', reason })).status, 403);
	const stale = await cancel(agency, id, reason, '1');
	assert.ok([400, 409].includes(stale.status), `stale order: ${stale.status}`);
	assert.equal(fieldErrs(stale.text).reason, msg('err.notice_changed'));
	assert.deepEqual(await snapshot(), before, 'nothing written');

	const r = await cancel(agency, id, reason);
	assert.equal(r.status, 303);
	assert.equal(r.location, `/notices/${id}?ok=cancelled`);
	assert.ok((await agency.get(r.location)).text.includes(msg('flash.cancelled')));
	assert.deepEqual(await status(id), ['cancelled', '3']);
	const cols = `family, title, base_amount, budget, contract_method, award_method, range_milli, region_limit,
		category_limit, bid_start, bid_close, opening_at, officer_id, floor_rate_milli, prices_sealed`;
	assert.deepEqual(await srv.sql(`SELECT kind, reason, published_by = (SELECT id FROM portal.users WHERE login = 'agency')
		FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 3`), [['cancel', reason, 't']]);
	assert.equal(await one(srv, `SELECT (SELECT row(${cols})::text FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 3)
		= (SELECT row(${cols})::text FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2)`), 't',
	'order 3 carries the contents of order 2');
	assert.deepEqual(await itemRows(id, 3), await itemRows(id, 2));
	const audit = await auditRows(srv, `event = 'notice.cancel' AND detail->>'notice' = '${id}'`);
	assert.deepEqual(audit.map((a) => a.detail), [{ notice: Number(id), reason }]);
	assert.equal(await one(srv, `SELECT count(*) FROM portal.notification WHERE msg_key = 'notif.notice_cancelled'
		AND link = '/notices/${id}' AND args = ARRAY[${q(no)}, ${q(reason)}]`),
	await one(srv, `SELECT count(*) FROM portal.users WHERE org_id = ${ids.seoul} AND active`), 'the agency is notified');

	// Public detail: 취소, the whole history, no amend or cancel action.
	for (const c of [new Client(srv.base), agency]) {
		const d = await c.get(`/notices/${id}`);
		assert.equal(d.status, 200);
		const hd = heading(d.text);
		assert.equal(hd.phase, 'cancelled');
		assert.equal(hd.label, msg('phase.cancelled'));
		assert.equal(shownNumber(d.text), `${no}-03`);
		assert.deepEqual(history(d.text).map(([o, k, , why]) => [o, k, why]), [
			['03', msg('nkind.cancel'), reason], ['02', msg('nkind.amend'), `납품 일정 조정에 따른 정정 ${T}`],
			['01', msg('nkind.register'), '']]);
		assert.ok(!d.text.includes(`/notices/${id}/amend"`) && !d.text.includes(`/notices/${id}/cancel"`), 'no actions left');
	}
	// The list's cancelled phase finds it; open does not; the API says so.
	const title = `정정된 노트북 구매 ${T}`;
	assert.deepEqual((await search({ q: title, phase: 'cancelled' })).map((x) => [x.id, x.no, x.phase]), [[id, `${no}-03`, 'cancelled']]);
	assert.deepEqual(await search({ q: title, phase: 'open' }), []);
	assert.deepEqual(await search({ q: title, phase: 'upcoming' }), []);
	const item = await apiItem(id);
	assert.equal(item.status, 'cancelled');
	assert.equal(item.order, 3);

	// Once cancelled: no second cancellation, no amendment.
	const after1 = await snapshot();
	assert.equal((await agency.get(url)).status, 404);
	await agency.get(`/notices/${id}`);
	assert.ok([404, 409].includes((await agency.post(url, { ord: '3', reason })).status), 'cancel again');
	assert.equal((await agency.get(`/notices/${id}/amend`)).status, 404);
	await agency.get(`/notices/${id}`);
	const re = await agency.post(`/notices/${id}/amend`, { ...form({ title }), ord: '3', reason: `취소 뒤 정정 ${T}` });
	assert.ok([404, 409].includes(re.status), `amend a cancelled notice: ${re.status}`);
	assert.deepEqual(await snapshot(), after1, 'nothing written');
});

test('after the opening time a notice cannot be cancelled (nor amended once bidding closed)', async () => {
	const { id } = N.late;
	// Move the current order's schedule into the past (only possible via SQL).
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '3 hours',
		bid_close = now() - interval '2 hours', opening_at = now() - interval '1 hour' WHERE notice_id = ${id} AND ord = 1`);
	const before = await snapshot();
	const r = await cancel(agency, id, `개찰 후 취소 시도 ${T}`);
	assert.equal(r.status, 400);
	assert.equal(fieldErrs(r.text).reason, msg('err.cancel_too_late'));
	assert.equal(textareaValue(r.text, 'reason'), `개찰 후 취소 시도 ${T}`);
	const a = await amend(agency, id, { reason: `마감 후 정정 시도 ${T}`, bid_start: kst(DAY), bid_close: kst(2 * DAY), opening_at: kst(2 * DAY) });
	assert.equal(a.r.status, 400);
	assert.equal(fieldErrs(a.r.text).bid_close, msg('err.amend_closed'));
	assert.deepEqual(await snapshot(), before, 'nothing written');
	assert.deepEqual(await status(id), ['published', '1']);
	await busan.get('/agency/notices');
	assert.equal((await busan.post(`/notices/${id}/cancel`, { ord: '1', reason: `타 기관 취소 시도 ${T}` })).status, 404);
});

test('a reason of blanks only is no reason: amendment and cancellation are refused and write nothing', async () => {
	const { id } = N.range; // at order 2
	const before = await snapshot();
	const blanks = ' '.repeat(8);
	const a = await amend(agency, id, { reason: blanks, title: `공백 사유 정정 ${T}` });
	const c = await cancel(agency, id, '\r\n \r\n \t\r\n');
	const after1 = await snapshot();
	// Regression test (fixed): POST /notices/:id/amend and /notices/:id/cancel accept a reason
	// of white space only (e.g. 8 spaces, or CR/LF/tab): the amendment is
	// published (303) and the notice cancelled, with a blank public reason.
	// nform_read and cancel_post (bidding/notices.c) check the reason with
	// valid_multiline(v, 5, 500) only, which counts blanks as characters;
	// the reason is not trimmed (as portal/register.c trims its fields).
	assert.deepEqual([a.r.status, c.status], [400, 400], `statuses: amend ${a.r.status}, cancel ${c.status}`);
	assert.ok([msg('err.required'), msg('err.text_5_500')].includes(fieldErrs(a.r.text).reason));
	assert.ok([msg('err.required'), msg('err.text_5_500')].includes(fieldErrs(c.text).reason));
	assert.deepEqual(after1, before, 'nothing written');
});
