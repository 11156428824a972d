// Nominated competition (지명경쟁) end to end: the agency names the
// nominees of a notice by 사업자등록번호 in the draft and amendment forms;
// unknown, unapproved and non-supplier numbers are refused by name and
// nothing is saved; publication needs at least two nominees; only a
// nominee can bid (the command-line client build/g2b and the JSON bid
// post both get 'not_nominated', and no bid row is written); an amendment
// that changes the list voids the bids made (as any changed eligibility
// limit does) and a removed nominee cannot bid again; one that keeps it
// keeps them; a cancellation keeps the list and the re-notice (재공고)
// copies it; the public page and the JSON API name the nominees; the
// database itself refuses inconsistent lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text, ROOT } from '../lib/harness.mjs';
import {
	boot, one, q, loginAs, Client, DEMO, tag, uniqueLogin, freshBizno, dashed, inputValue,
	textareaValue, selectedOption, unescape, raw,
} from './helpers.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const T = tag();
const PASS = `개찰암호-${T}-Nominee!2026`;
const KEYPASS = `키파일암호-${T}-Key!2026`;
const G2B = path.join(ROOT, 'build/g2b');
const SLOW = { timeout: 300e3 };

let srv;
let WORK;
let agency;
let officer;
const ids = {};
const cat = {};
let N1; // the approved suppliers used as nominees and non-nominees
let N2;
let N3;
let OUT1; // an approved supplier never nominated
let pendingBizno; // a supplier registration not approved
let agencyBizno; // an agency organisation with a registration number

// The nomination catalog (bidding/i18n/nomination.*.txt).
const nomCatalog = {};
function nmsg(key, lang = 'ko') {
	if (!nomCatalog[lang]) {
		nomCatalog[lang] = {};
		for (const line of readFileSync(path.join(ROOT, `bidding/i18n/nomination.${lang}.txt`), 'utf8').split('\n')) {
			const m = line.match(/^\s*([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/);
			if (m && !line.trimStart().startsWith('#')) nomCatalog[lang][m[1]] = m[2];
		}
	}
	const v = nomCatalog[lang][key];
	if (v === undefined) throw new Error(`no message ${key} in nomination.${lang}.txt`);
	return v;
}

before(async () => {
	srv = await boot();
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-nomination-'));
	ids.seoul = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	ids.officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	ids.demoSupplierOrg = await one(srv, "SELECT id FROM portal.org WHERE bizno = '1234567891'");
	cat.it1 = await one(srv, "SELECT code FROM portal.category WHERE level = 4 AND code LIKE '4321%' ORDER BY code LIMIT 1");
	[agency, officer] = await Promise.all([loginAs(srv, ...DEMO.agency), loginAs(srv, ...DEMO.officer)]);
	[N1, N2, N3, OUT1] = await Promise.all(['지명일', '지명이', '지명삼', '비지명'].map((l) => bidder(l)));
	// A pending supplier and an agency that both have a registration number.
	pendingBizno = freshBizno();
	await srv.sql(`INSERT INTO portal.org (kind, status, name, region, address, bizno, representative, biz_type,
		contact_name, email, phone)
		SELECT kind, 'pending', ${q(`(주)미승인 ${T}`)}, region, address, ${q(pendingBizno)}, representative, biz_type,
		contact_name, email, phone FROM portal.org WHERE id = ${ids.demoSupplierOrg}`);
	agencyBizno = freshBizno();
	await srv.sql(`INSERT INTO portal.org (kind, status, name, region, bizno, agency_code, agency_kind)
		VALUES ('agency', 'approved', ${q(`시험기관 ${T}`)}, '11', ${q(agencyBizno)},
		${q(String(7000000 + Math.floor(Math.random() * 999999)))}, 'local')`);
});

after(async () => {
	await srv?.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

// ------------------------------------------------------------ processes

async function run(cmd, args, { env = {} } = {}) {
	for (let attempt = 0; ; attempt++) {
		const r = await new Promise((resolve) => {
			execFile(cmd, args, {
				cwd: WORK, env: { ...process.env, ...env }, timeout: 120e3, maxBuffer: 16 << 20, encoding: 'utf8',
			}, (err, stdout, stderr) => {
				const c = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
				resolve({ code: c, stdout: stdout || '', stderr: (stderr || '') + (c === -1 ? String(err.message) : ''), spawnError: c === -1 ? err.code : null });
			});
		});
		if (!['ETXTBSY', 'ENOENT', 'EACCES'].includes(r.spawnError) || attempt >= 20) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

function g2b(args, who) {
	return run(G2B, args, { env: { G2B_PASSWORD: who ? who.password : '', G2B_KEY_PASSWORD: KEYPASS } });
}

function fields(out) {
	const o = {};
	for (const l of out.split('\n')) {
		const m = l.match(/^([a-z0-9-]+): (.*)$/);
		if (m && !(m[1] in o)) o[m[1]] = m[2];
	}
	return o;
}

// ------------------------------------------------------------ suppliers

// An approved supplier (a copy of the demo supplier with a fresh number)
// with a g2b key file and a certificate from the portal CA.
async function bidder(label) {
	const login = uniqueLogin('nm');
	const bizno = freshBizno();
	const company = `(주)${label} ${T}`;
	const [[orgId, userId]] = await srv.sql(`WITH d AS (SELECT * FROM portal.org WHERE id = ${ids.demoSupplierOrg}),
		o AS (INSERT INTO portal.org (kind, status, name, region, address, bizno, representative, biz_type, licences,
			contact_name, email, phone, reviewed_at)
			SELECT kind, 'approved', ${q(company)}, region, address, ${q(bizno)}, representative, biz_type, licences,
			contact_name, ${q(`${login}@test.example`)}, phone, now() FROM d RETURNING id),
		c AS (INSERT INTO portal.org_category (org_id, code)
			SELECT o.id, x.code FROM o, portal.org_category x WHERE x.org_id = ${ids.demoSupplierOrg}),
		u AS (INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
			SELECT ${q(login)}, o.id, 'supplier', '입찰담당', ${q(`${login}@test.example`)},
			(SELECT pwhash FROM portal.users WHERE login = 'supplier') FROM o RETURNING id, org_id)
		SELECT org_id, id FROM u`);
	const b = { login, password: DEMO.supplier[1], orgId, userId, bizno, company, label };
	b.dir = path.join(WORK, login);
	mkdirSync(b.dir, { recursive: true });
	b.key = path.join(b.dir, 'key.json');
	b.cert = path.join(b.dir, 'cert.pem');
	const k = await g2b(['keygen', '--out', b.key, '--iterations', '1000'], b);
	assert.equal(k.code, 0, `g2b keygen: ${k.stderr}`);
	const c = await g2b(['cert', '--server', srv.base, '--user', b.login, '--key', b.key, '--out', b.cert], b);
	assert.equal(c.code, 0, `g2b cert: ${c.stderr}`);
	return b;
}

async function cliBid(b, notice, amount = 120000000, picks = [1, 2]) {
	const prefix = path.join(b.dir, `r-${tag()}`);
	const r = await g2b(['bid', '--server', srv.base, '--user', b.login, '--key', b.key, '--cert', b.cert,
		'--notice', String(notice), '--amount', String(amount), '--picks', picks.join(','), '--receipt-out', prefix], b);
	return { ...r, ...fields(r.stdout) };
}

async function bidinfo(notice) {
	const r = await raw(srv, 'GET', `/api/notices/${notice}/bidinfo`);
	assert.equal(r.status, 200, `bidinfo of ${notice}`);
	return JSON.parse(r.text);
}

// The form fields of a bid made offline with `g2b prepare-bid`.
async function prepared(b, notice) {
	const info = await bidinfo(notice);
	const pub = path.join(b.dir, `notice-${notice}-${tag()}.pem`);
	writeFileSync(pub, info.public_key);
	const r = await g2b(['prepare-bid', '--pubkey', pub, '--notice', String(notice), '--notice-no', info.notice_no,
		'--order', String(info.order), '--key', b.key, '--cert', b.cert, '--amount', '119000000',
		'--picks', '3,4', '--out', '-'], b);
	assert.equal(r.code, 0, `g2b prepare-bid: ${r.stderr}`);
	return Object.fromEntries(new URLSearchParams(r.stdout.trim()));
}

async function postBid(b, notice, body) {
	b.client ??= await loginAs(srv, b.login, b.password);
	const csrf = JSON.parse((await b.client.get('/api/csrf')).text).csrf;
	const r = await b.client.request('POST', `/notices/${notice}/bid`, { csrf, ...body }, { accept: 'application/json' });
	let json;
	try { json = JSON.parse(r.text); } catch { json = undefined; }
	return { ...r, json };
}

async function bidWrites() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.bid), (SELECT count(*) FROM bidding.bid_chain),
		(SELECT count(*) FROM portal.audit WHERE event LIKE 'bid.%'),
		(SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM bidding.bid)`))[0];
}

async function bidStatus(notice, b) {
	return (await srv.sql(`SELECT status FROM bidding.bid WHERE notice_id = ${notice} AND org_id = ${b.orgId} ORDER BY id`))
		.map((r) => r[0]);
}

// ------------------------------------------------------------ notices

function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

function form(over = {}) {
	return {
		title: `지명경쟁 시험 공고 ${T}`,
		family: 'goods',
		base_amount: '125,000,000',
		budget: '130,000,000',
		contract_method: 'nominated',
		award_method: 'lowest',
		range: '2',
		region_limit: '',
		category_limit: '',
		bid_start: kst(DAY),
		bid_close: kst(8 * DAY),
		opening_at: kst(8 * DAY + HOUR),
		officer: ids.officer,
		item_code: [cat.it1, '', '', '', ''],
		item_qty: ['10', '', '', '', ''],
		item_unit: ['대', '', '', '', ''],
		nominees: '',
		...over,
	};
}

function fieldErrs(html) {
	const out = {};
	for (const m of (html || '').matchAll(/<p class="err(?: wide)?" id="e-([a-z0-9_]+)"[^>]*>([^<]*)<\/p>/g)) out[m[1]] = unescape(m[2]);
	return out;
}

// The rejected numbers listed under the field: [[dashed number, reason]].
function problems(html) {
	const m = (html || '').match(/<ul id="nominee-problems">([\s\S]*?)<\/ul>/);
	if (!m) return [];
	return [...m[1].matchAll(/<li><span class="nowrap">([^<]*)<\/span>: ([^<]*)<\/li>/g)].map((x) => [x[1], unescape(x[2])]);
}

async function draftPost(url, over) {
	await agency.get(url);
	return agency.post(url, form(over));
}

async function drafted(over) {
	const r = await draftPost('/notices/new', over);
	assert.equal(r.status, 303, `draft refused: ${JSON.stringify(fieldErrs(r.text))}`);
	return r.location.match(/^\/notices\/(\d+)\?ok=saved$/)[1];
}

async function publish(id) {
	const c = await loginAs(srv, ...DEMO.officer);
	await c.get(`/notices/${id}/publish`);
	return c.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
}

async function nominees(id, ord) {
	return (await srv.sql(`SELECT o.bizno FROM bidding.notice_nominee m JOIN portal.org o ON o.id = m.org_id
		WHERE m.notice_id = ${id} AND m.ord = ${ord} ORDER BY o.bizno`)).map((r) => r[0]);
}

const sorted = (...b) => b.map((x) => x.bizno).sort();

async function openBidding(id) {
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute'
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
}

// Everything a refused draft or amendment could have written.
async function noticeState() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.notice),
		(SELECT string_agg(notice_id || '/' || ord || '/' || title, ',' ORDER BY notice_id, ord) FROM bidding.notice_version),
		(SELECT string_agg(notice_id || '/' || ord || '/' || org_id, ',' ORDER BY notice_id, ord, org_id) FROM bidding.notice_nominee),
		(SELECT string_agg(id || '/' || updated_at || '/' || cur_ord, ',' ORDER BY id) FROM bidding.notice),
		(SELECT count(*) FROM portal.audit WHERE event LIKE 'notice.%')`))[0];
}

// Amendment form as shown, with `over` changed.
async function amend(id, over) {
	const g = await agency.get(`/notices/${id}/amend`);
	assert.equal(g.status, 200);
	const items = (name) => [...g.text.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => unescape(m[1]));
	const f = {
		ord: g.text.match(/<input type="hidden" name="ord" value="([^"]*)">/)[1],
		reason: '',
		title: inputValue(g.text, 'title'),
		family: selectedOption(g.text, 'family'),
		base_amount: inputValue(g.text, 'base_amount'),
		budget: inputValue(g.text, 'budget'),
		contract_method: selectedOption(g.text, 'contract_method'),
		award_method: selectedOption(g.text, 'award_method'),
		range: selectedOption(g.text, 'range') ?? '2',
		region_limit: selectedOption(g.text, 'region_limit') ?? '',
		category_limit: inputValue(g.text, 'category_limit') ?? '',
		bid_start: inputValue(g.text, 'bid_start'),
		bid_close: inputValue(g.text, 'bid_close'),
		opening_at: inputValue(g.text, 'opening_at'),
		officer: selectedOption(g.text, 'officer'),
		item_code: items('item_code'),
		item_qty: items('item_qty'),
		item_unit: items('item_unit'),
		nominees: textareaValue(g.text, 'nominees'),
		...over,
	};
	return { r: await agency.post(`/notices/${id}/amend`, f), form: g.text, f };
}

// A published nominated notice open for bids, nominating `who`.
async function openNominated(who, over = {}) {
	const id = await drafted({ nominees: who.map((b) => dashed(b.bizno)).join('\n'), ...over });
	const p = await publish(id);
	assert.equal(p.status, 303, `publish refused: ${JSON.stringify(fieldErrs(p.text))}`);
	await openBidding(id);
	return id;
}

// ------------------------------------------------------------ tests

test('the draft form takes nominees by registration number; publication needs two', SLOW, async () => {
	const g = await agency.get('/notices/new');
	assert.ok(g.text.includes('name="nominees"') && g.text.includes(nmsg('nominee.hint')), 'the form asks for nominees');

	const id = await drafted({ nominees: dashed(N1.bizno) });
	assert.deepEqual(await nominees(id, 0), [N1.bizno]);
	const edit = await agency.get(`/notices/${id}/edit`);
	assert.equal(textareaValue(edit.text, 'nominees'), dashed(N1.bizno), 'the edit form shows the list');

	// One nominee: the officer is told before the key is made, and refused.
	const oc = await loginAs(srv, ...DEMO.officer);
	const pg = await oc.get(`/notices/${id}/publish`);
	assert.equal(pg.status, 200);
	assert.ok(pg.text.includes(nmsg('err.nominees_min')), 'the publish page says why up front');
	const before1 = await noticeState();
	const p1 = await oc.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
	assert.equal(p1.status, 400);
	assert.equal(fieldErrs(p1.text).passphrase, nmsg('err.nominees_min'));
	assert.deepEqual(await noticeState(), before1, 'nothing published');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.opening_key WHERE notice_id = ${id}`), '0');

	// Two, written in every accepted way: dashes or not, one a line, repeated.
	await agency.get(`/notices/${id}/edit`);
	const e2 = await agency.post(`/notices/${id}/edit`, form({ nominees: `  ${dashed(N1.bizno)}\r\n\r\n${N2.bizno}\n${N1.bizno}  ` }));
	assert.equal(e2.status, 303, JSON.stringify(fieldErrs(e2.text)));
	assert.deepEqual(await nominees(id, 0), sorted(N1, N2));
	const p2 = await publish(id);
	assert.equal(p2.status, 303, JSON.stringify(fieldErrs(p2.text)));
	assert.deepEqual(await nominees(id, 1), sorted(N1, N2), 'order 1 carries the list');

	// Public: the detail page and the API name the nominees.
	const pub = await new Client(srv.base).get(`/notices/${id}`);
	assert.equal(pub.status, 200);
	const t = text(pub.text);
	for (const b of [N1, N2]) assert.ok(t.includes(b.company) && t.includes(dashed(b.bizno)), `${b.label} shown`);
	assert.ok(!t.includes(N3.company) && !t.includes(OUT1.company));
	assert.ok(t.includes(nmsg('nominee.lead')));
	const api = JSON.parse((await raw(srv, 'GET', '/api/notices?limit=100')).text);
	const item = api.data.find((x) => String(x.id) === id);
	assert.equal(item.contractMethod, 'nominated');
	assert.deepEqual(item.nominees.map((x) => x.bizno).sort(), sorted(N1, N2));
	assert.deepEqual(item.nominees.map((x) => x.name).sort(), [N1.company, N2.company].sort());
	for (const x of api.data.filter((d) => d.contractMethod !== 'nominated')) assert.deepEqual(x.nominees, []);
});

test('unknown, unapproved and non-supplier numbers are refused by name, and nothing is saved', SLOW, async () => {
	const unknown = freshBizno();
	const list = [dashed(N1.bizno), unknown, dashed(pendingBizno), agencyBizno].join('\n');
	const before1 = await noticeState();
	const r = await draftPost('/notices/new', { nominees: list });
	assert.equal(r.status, 400);
	assert.equal(fieldErrs(r.text).nominees, nmsg('err.nominee_invalid'));
	assert.deepEqual(problems(r.text), [
		[dashed(unknown), nmsg('nominee.problem.unknown')],
		[dashed(pendingBizno), nmsg('nominee.problem.not_approved')],
		[dashed(agencyBizno), nmsg('nominee.problem.not_supplier')],
	]);
	assert.equal(textareaValue(r.text, 'nominees'), list, 'the form keeps what was typed');
	assert.deepEqual(await noticeState(), before1, 'no notice, version, nominee or audit row');

	// Editing a draft: the same, and the draft keeps its list.
	const id = await drafted({ nominees: `${N1.bizno}\n${N2.bizno}` });
	const before2 = await noticeState();
	await agency.get(`/notices/${id}/edit`);
	const e = await agency.post(`/notices/${id}/edit`, form({ title: `바뀌면 안 되는 제목 ${T}`, nominees: `${N3.bizno}\n${unknown}` }));
	assert.equal(e.status, 400);
	assert.deepEqual(problems(e.text), [[dashed(unknown), nmsg('nominee.problem.unknown')]]);
	assert.deepEqual(await noticeState(), before2);
	assert.deepEqual(await nominees(id, 0), sorted(N1, N2));

	// Malformed numbers and lists for other contract methods never reach the database.
	const bad = await draftPost('/notices/new', { nominees: `${N1.bizno}\n1234567890` });
	assert.equal(fieldErrs(bad.text).nominees, nmsg('err.nominee_format'));
	const open = await draftPost('/notices/new', { contract_method: 'open', nominees: `${N1.bizno}\n${N2.bizno}` });
	assert.equal(open.status, 400);
	assert.equal(fieldErrs(open.text).nominees, nmsg('err.nominees_not_nominated'));
	assert.deepEqual(await noticeState(), before2);

	// The database refuses the same, whoever writes.
	await assert.rejects(srv.sql(`SELECT bidding.draft_save(${await one(srv, "SELECT id FROM portal.users WHERE login = 'agency'")},
		NULL, 'goods', 'SQL 지명 초안 ${T}', 1000000, 1000000, 'nominated', 'lowest', 2000, '', '', now() + interval '1 day',
		now() + interval '2 days', now() + interval '3 days', ${ids.officer}, ARRAY[${q(cat.it1)}], ARRAY[1]::numeric[],
		ARRAY['개'], ARRAY[${q(N1.bizno)}, ${q(pendingBizno)}], '127.0.0.1')`), /approved supplier/);
	assert.deepEqual(await noticeState(), before2);
});

test('only nominees can bid: a non-nominee gets not_nominated and no bid row', SLOW, async () => {
	const id = await openNominated([N1, N2]);
	// The notice page tells a supplier up front whether it may bid.
	const seen = async (b) => text((await (await loginAs(srv, b.login, b.password)).get(`/notices/${id}`)).text);
	assert.ok((await seen(N1)).includes(nmsg('nominee.you_are')));
	assert.ok(!(await seen(N1)).includes(nmsg('nominee.you_are_not')));
	assert.ok((await seen(OUT1)).includes(nmsg('nominee.you_are_not')));
	assert.ok(!text((await new Client(srv.base).get(`/notices/${id}`)).text).includes(nmsg('nominee.you_are_not')));
	// Only a nominee is offered the bid button.
	const bidLink = async (b) => (await (await loginAs(srv, b.login, b.password)).get(`/notices/${id}`)).text
		.includes(`href="/notices/${id}/bid"`);
	assert.equal(await bidLink(N1), true);
	assert.equal(await bidLink(OUT1), false);
	// The bid form says so up front, without the form, to a non-nominee.
	const form = async (b) => (await (await loginAs(srv, b.login, b.password)).get(`/notices/${id}/bid`)).text;
	const outForm = await form(OUT1);
	assert.ok(text(outForm).includes(nmsg('bid.err.not_nominated')));
	assert.ok(!outForm.includes('id="bid-form"'));
	const inForm = await form(N1);
	assert.ok(!text(inForm).includes(nmsg('bid.err.not_nominated')));
	const ok = await cliBid(N1, id);
	assert.equal(ok.code, 0, `a nominee bids: ${ok.stderr}`);
	assert.match(ok.receipt, /^R-\d{4}-\d{8}$/);
	assert.deepEqual(await bidStatus(id, N1), ['live']);

	const before1 = await bidWrites();
	const cli = await cliBid(OUT1, id);
	assert.notEqual(cli.code, 0);
	assert.ok(cli.stderr.includes(nmsg('bid.err.not_nominated')), cli.stderr);
	const body = await prepared(OUT1, id);
	const r = await postBid(OUT1, id, body);
	assert.equal(r.status, 403);
	assert.deepEqual(r.json, { error: 'not_nominated', message: nmsg('bid.err.not_nominated') });
	assert.deepEqual(await bidWrites(), before1, 'a refused bid writes nothing');
	assert.deepEqual(await bidStatus(id, OUT1), []);

	// Other contract methods are untouched by the rule.
	const open = await drafted({ contract_method: 'open', title: `일반경쟁 대조 공고 ${T}` });
	assert.equal((await publish(open)).status, 303);
	await openBidding(open);
	const o = await cliBid(OUT1, open);
	assert.equal(o.code, 0, o.stderr);
});

test('an amendment carries the list; changing it voids the bids made and a removed nominee cannot bid again', SLOW, async () => {
	const id = await openNominated([N1, N2]);
	assert.equal((await cliBid(N1, id)).code, 0);
	assert.equal((await cliBid(N2, id)).code, 0);

	// Keeping the list (a new title) keeps the bids.
	const a1 = await amend(id, { reason: '공고명 오기 정정', title: `지명경쟁 정정 공고 ${T}` });
	assert.deepEqual(textareaValue(a1.form, 'nominees').split('\n').map((x) => x.replace(/-/g, '')).sort(), sorted(N1, N2),
		'the amendment form shows the list in force');
	assert.ok(a1.form.includes(nmsg('nominee.amend_hint')));
	assert.equal(a1.r.status, 303, JSON.stringify(fieldErrs(a1.r.text)));
	assert.deepEqual(await nominees(id, 2), sorted(N1, N2));
	assert.deepEqual(await bidStatus(id, N1), ['live']);
	assert.equal(await one(srv, `SELECT rebid FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2`), 'f');

	// Refusals change nothing: fewer than two, an unknown number.
	const before1 = await noticeState();
	const a2 = await amend(id, { reason: '지명업체 축소', nominees: N2.bizno });
	assert.equal(a2.r.status, 400);
	assert.equal(fieldErrs(a2.r.text).nominees, nmsg('err.nominees_min'));
	const unknown = freshBizno();
	const a3 = await amend(id, { reason: '지명업체 변경', nominees: `${N2.bizno}\n${unknown}` });
	assert.equal(a3.r.status, 400);
	assert.deepEqual(problems(a3.r.text), [[dashed(unknown), nmsg('nominee.problem.unknown')]]);
	const a4 = await amend(id, { reason: '일반경쟁 전환', contract_method: 'open' });
	assert.equal(a4.r.status, 400, 'a list for an open competition');
	assert.equal(fieldErrs(a4.r.text).nominees, nmsg('err.nominees_not_nominated'));
	assert.deepEqual(await noticeState(), before1);
	assert.deepEqual(await bidStatus(id, N1), ['live']);

	// N1 (who bid) replaced by N3: every bid is void, as for any changed limit.
	const a5 = await amend(id, { reason: '지명업체 변경(지명일 제외, 지명삼 추가)', nominees: `${N2.bizno}\n${dashed(N3.bizno)}` });
	assert.equal(a5.r.status, 303, JSON.stringify(fieldErrs(a5.r.text)));
	assert.deepEqual(await nominees(id, 3), sorted(N2, N3));
	assert.deepEqual(await nominees(id, 2), sorted(N1, N2), 'order 2 stays as published');
	assert.deepEqual(await bidStatus(id, N1), ['void']);
	assert.deepEqual(await bidStatus(id, N2), ['void']);
	assert.equal(await one(srv, `SELECT rebid FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 3`), 't');
	const told = await srv.sql(`SELECT DISTINCT u.org_id FROM portal.notification n JOIN portal.users u ON u.id = n.user_id
		WHERE n.link = '/notices/${id}' AND n.msg_key = 'notif.bid_rebid' ORDER BY 1`);
	assert.deepEqual(told.map((x) => x[0]).sort(), [N1.orgId, N2.orgId].sort(), 'both bidders are told to bid again');
	const again = await cliBid(N1, id);
	assert.notEqual(again.code, 0);
	assert.ok(again.stderr.includes(nmsg('bid.err.not_nominated')), again.stderr);
	assert.deepEqual(await bidStatus(id, N1), ['void']);
	assert.equal((await cliBid(N3, id)).code, 0, 'the new nominee bids');
	assert.equal((await cliBid(N2, id)).code, 0, 'the kept nominee bids again');
	const t = text((await new Client(srv.base).get(`/notices/${id}`)).text);
	assert.ok(t.includes(N3.company) && !t.includes(N1.company), 'the page shows the list in force');
});

test('a cancellation keeps the list and the re-notice copies it', SLOW, async () => {
	const id = await openNominated([N1, N3]);
	const g = await agency.get(`/notices/${id}/cancel`);
	const ord = g.text.match(/<input type="hidden" name="ord" value="([^"]*)">/)[1];
	const c = await agency.post(`/notices/${id}/cancel`, { ord, reason: '사업 계획 변경으로 취소' });
	assert.equal(c.status, 303);
	assert.deepEqual(await nominees(id, 2), sorted(N1, N3), 'the cancellation order keeps the list');
	const csrf = JSON.parse((await agency.get('/api/csrf')).text).csrf;
	const r = await agency.request('POST', `/notices/${id}/renotice`, { csrf });
	assert.equal(r.status, 303);
	const newId = r.location.match(/^\/notices\/(\d+)\/edit$/)[1];
	assert.deepEqual(await nominees(newId, 0), sorted(N1, N3), 'the re-notice draft has the list');
	const edit = await agency.get(r.location);
	assert.deepEqual(textareaValue(edit.text, 'nominees').split('\n').map((x) => x.replace(/-/g, '')).sort(), sorted(N1, N3));
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() + interval '1 hour', bid_close = now() + interval '2 days',
		opening_at = now() + interval '3 days' WHERE notice_id = ${newId} AND ord = 0`);
	const p = await publish(newId);
	assert.equal(p.status, 303, JSON.stringify(fieldErrs(p.text)));
	assert.deepEqual(await nominees(newId, 1), sorted(N1, N3));
});

test('the database keeps lists consistent whoever writes', async () => {
	const open = await drafted({ contract_method: 'open', title: `일반경쟁 무지명 ${T}` });
	await assert.rejects(srv.sql(`INSERT INTO bidding.notice_nominee VALUES (${open}, 0, ${N1.orgId})`), /only a nominated/);
	const nom = await drafted({ nominees: N1.bizno });
	const pending = await one(srv, `SELECT id FROM portal.org WHERE bizno = ${q(pendingBizno)}`);
	await assert.rejects(srv.sql(`INSERT INTO bidding.notice_nominee VALUES (${nom}, 0, ${pending})`), /approved supplier/);
	// Callers without a list (the e-document exchange): a draft keeps it, an
	// amendment carries it over.
	const agencyUser = await one(srv, "SELECT id FROM portal.users WHERE login = 'agency'");
	await srv.sql(`SELECT bidding.draft_save(${agencyUser}, ${nom}, 'goods', '교환 저장 ${T}', 1000000, 1000000,
		'nominated', 'lowest', 2000, '', '', now() + interval '1 day', now() + interval '2 days', now() + interval '3 days',
		${ids.officer}, ARRAY[${q(cat.it1)}], ARRAY[1]::numeric[], ARRAY['개'], '127.0.0.1')`);
	assert.deepEqual(await nominees(nom, 0), [N1.bizno]);
	const id = await openNominated([N2, N3]);
	const [[r]] = await srv.sql(`SELECT bidding.notice_amend(${agencyUser}, ${id}, 1, '교환 정정 사유', family, title || ' 정정',
		base_amount, budget, contract_method, award_method, range_milli, coalesce(region_limit, ''), coalesce(category_limit, ''),
		bid_start, bid_close, opening_at, officer_id, ARRAY(SELECT code FROM bidding.notice_item WHERE notice_id = ${id} AND ord = 1),
		ARRAY(SELECT quantity FROM bidding.notice_item WHERE notice_id = ${id} AND ord = 1),
		ARRAY(SELECT unit FROM bidding.notice_item WHERE notice_id = ${id} AND ord = 1), NULL, '127.0.0.1')
		FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 1`);
	assert.equal(r, 'ok');
	assert.deepEqual(await nominees(id, 2), sorted(N2, N3));
	// A published nominated order with fewer than two is refused at commit.
	await assert.rejects(srv.sql(`INSERT INTO bidding.notice_version (notice_id, ord, kind, reason, family, title, base_amount,
		budget, contract_method, award_method, range_milli, bid_start, bid_close, opening_at, published_at)
		SELECT notice_id, 3, 'amend', '직접 입력', family, title, base_amount, budget, contract_method, award_method,
		range_milli, bid_start, bid_close, opening_at, now() FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 2`),
	/at least two/);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice_version WHERE notice_id = ${id} AND ord = 3`), '0');
});

test('the synthetic data generator (g2b-gen) names the nominees of its nominated notices', SLOW, async () => {
	const r = await run(path.join(ROOT, 'build/g2b-gen'), ['--db', srv.dsn, '--seed', '31', '--notices', '600',
		'--suppliers', '120', '--agencies', '10', '--years', '2', '--end', '2026-11-20']);
	assert.equal(r.code, 0, `g2b-gen: ${r.stderr}`);
	const gen = "n.notice_no IS NOT NULL AND n.created_by IN (SELECT id FROM portal.users WHERE login LIKE 'gen31-%')";
	const nominated = Number(await one(srv, `SELECT count(*) FROM bidding.notice n JOIN bidding.notice_version v
		ON v.notice_id = n.id AND v.ord = 1 WHERE ${gen} AND v.contract_method = 'nominated'`));
	assert.ok(nominated > 5, `nominated notices generated: ${nominated}`);
	// Every published nominated order names at least two approved suppliers.
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice n JOIN bidding.notice_version v ON v.notice_id = n.id
		WHERE ${gen} AND v.ord >= 1 AND v.contract_method = 'nominated' AND (SELECT count(*) FROM bidding.notice_nominee m
		JOIN portal.org o ON o.id = m.org_id WHERE m.notice_id = v.notice_id AND m.ord = v.ord
		AND o.kind = 'supplier' AND o.status = 'approved') < 2`), '0');
	// Only nominated orders have nominees; every bid on them is a nominee's.
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice_nominee m JOIN bidding.notice_version v
		ON v.notice_id = m.notice_id AND v.ord = m.ord WHERE v.contract_method <> 'nominated'`), '0');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id
		JOIN bidding.notice_version v ON v.notice_id = b.notice_id AND v.ord = b.ord
		WHERE ${gen} AND v.contract_method = 'nominated' AND NOT EXISTS (SELECT 1 FROM bidding.notice_nominee m
		WHERE m.notice_id = b.notice_id AND m.ord = b.ord AND m.org_id = b.org_id)`), '0');
	assert.ok(Number(await one(srv, `SELECT count(*) FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id
		JOIN bidding.notice_version v ON v.notice_id = b.notice_id AND v.ord = b.ord
		WHERE ${gen} AND v.contract_method = 'nominated'`)) > 0, 'nominees bid');
});
