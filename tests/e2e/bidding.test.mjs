// Electronic bidding (전자입찰) end to end, with the command-line client
// (build/g2b) as the supplier's tool: signing keys and certificates from
// the portal CA, sealed signed bids, withdrawal and re-bidding, bids kept
// or voided by amendments, the opening (개찰) with the bid officer's
// passphrase and the server clock rules, the published result (15
// preliminary prices, pick counts, planned price, ratios, ranking by
// amount and lot), the award and contract, the qualification review
// (적격심사), 유찰 and the one-step re-notice (재공고), every refusal of a
// bid (each writing nothing), signed receipts checked offline with openssl
// and `g2b verify-receipt`, and the hash-chained bid log (`g2b
// chain-check`) against tampering in the database.
//
// Time travel is done in SQL on the test database (bid_start, bid_close,
// opening_at of the notice's current order), which is how the server
// clock rules are exercised without waiting.
import net from 'node:net';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
	createHash, createHmac, createPrivateKey, privateDecrypt, createDecipheriv, constants,
} from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text, ROOT, OUT } from '../lib/harness.mjs';
import {
	boot, one, q, loginAs, Client, DEMO, msg, tag, uniqueLogin, freshBizno, inputValue, textareaValue,
	selectedOption, auditRows, raw, unescape, newSupplier, staff, review, PASSWORD,
} from './helpers.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const T = tag(); // this run's marker in titles and names
const PASS = `개찰암호-${T}-Open!2026`; // the opening passphrase (>= 12 characters)
const KEYPASS = `키파일암호-${T}-Key!2026`; // the suppliers' key file password
const G2B = path.join(ROOT, 'build/g2b');
const PGRUN = path.join(OUT, 'pg', 'run');
const SLOW = { timeout: 300e3 };

let srv;
let WORK; // temporary directory for keys, certificates, receipts
let agency; // 서울특별시 agency user
let officer; // 서울특별시 bid officer (the officer of every notice here)
let officer2; // another bid officer of 서울특별시
let busanAgency; // an agency user of 부산광역시
let admin; // portal staff
const ids = {};
const cat = {};
// Bids deliberately damaged in the database (the opening test): the chain
// check keeps naming them, by design; other tests ignore exactly those.
const wrecked = new Set();
// Every receipt a supplier received in this file: { text, sig (Buffer) }.
const receipts = [];

before(async () => {
	srv = await boot();
	WORK = mkdtempSync(path.join(os.tmpdir(), 'g2b-bidding-'));
	ids.seoul = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	ids.busan = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6260000'");
	ids.officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	ids.demoSupplierOrg = await one(srv, "SELECT id FROM portal.org WHERE bizno = '1234567891'");
	const code = async (like, n = 0) => one(srv,
		`SELECT code FROM portal.category WHERE level = 4 AND code LIKE ${q(like)} ORDER BY code OFFSET ${n} LIMIT 1`);
	cat.it1 = await code('4321%');
	cat.it2 = await code('4321%', 1);
	for (const v of Object.values(cat)) assert.match(v, /^\d{8}$/);
	// A second officer of 서울특별시 and an agency user of 부산광역시, with the
	// demo agency user's password hash (Agency!2026).
	const seed = async (role, org, prefix) => {
		const login = uniqueLogin(prefix);
		await srv.sql(`INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
			SELECT ${q(login)}, ${org}, ${q(role)}, '시드담당', ${q(`${login}@test.example`)}, pwhash
			FROM portal.users WHERE login = 'agency'`);
		return login;
	};
	const o2 = await seed('officer', ids.seoul, 'of');
	const bu = await seed('agency', ids.busan, 'bu');
	ids.officer2 = await one(srv, `SELECT id FROM portal.users WHERE login = ${q(o2)}`);
	[agency, officer, officer2, busanAgency, admin] = await Promise.all([
		loginAs(srv, ...DEMO.agency), loginAs(srv, ...DEMO.officer), loginAs(srv, o2, DEMO.agency[1]),
		loginAs(srv, bu, DEMO.agency[1]), staff(srv),
	]);
});

after(async () => {
	await srv?.shutdown();
	if (WORK) rmSync(WORK, { recursive: true, force: true });
});

// ------------------------------------------------------------ processes

// Run a program; never rejects: { code, stdout, stderr }. A program that
// could not be started (being rebuilt: ETXTBSY, ENOENT) is tried again.
async function run(cmd, args, { env = {}, cwd } = {}) {
	for (let attempt = 0; ; attempt++) {
		const r = await new Promise((resolve) => {
			execFile(cmd, args, {
				cwd: cwd || WORK, env: { ...process.env, ...env }, timeout: 120e3, maxBuffer: 16 << 20, encoding: 'utf8',
			}, (err, stdout, stderr) => {
				const c = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
				resolve({ code: c, stdout: stdout || '', stderr: (stderr || '') + (c === -1 ? String(err.message) : ''), spawnError: c === -1 ? err.code : null });
			});
		});
		if (!['ETXTBSY', 'ENOENT', 'EACCES'].includes(r.spawnError) || attempt >= 20) return r;
		await new Promise((res) => setTimeout(res, 500));
	}
}

// The command-line client as supplier `who` (passwords in the environment).
function g2b(args, who) {
	return run(G2B, args, { env: { G2B_PASSWORD: who ? who.password : '', G2B_KEY_PASSWORD: KEYPASS } });
}

// "name: value" lines of a command's output (first of each name).
function fields(out) {
	const o = {};
	for (const l of out.split('\n')) {
		const m = l.match(/^([a-z0-9-]+): (.*)$/);
		if (m && !(m[1] in o)) o[m[1]] = m[2];
	}
	return o;
}

// `g2b chain-check` on this server's database, with the problems it names.
async function chainCheck() {
	const r = await run(G2B, ['chain-check', '--db', `host=${PGRUN} dbname=${srv.db} user=postgres`]);
	r.problems = r.stdout.split('\n').filter((l) => l.startsWith('problem:'));
	r.bids = new Set(r.problems.map((l) => (l.match(/\bbid (\d+):/) || [])[1]).filter(Boolean));
	return r;
}

// The chain check passes except for the bids damaged on purpose.
async function assertChainOk(what) {
	const r = await chainCheck();
	const other = r.problems.filter((l) => !(l.match(/\bbid (\d+):/) && wrecked.has(l.match(/\bbid (\d+):/)[1])));
	assert.deepEqual(other, [], `${what}: chain-check problems\n${r.stdout}${r.stderr}`);
	if (wrecked.size === 0) {
		assert.equal(r.code, 0, `${what}: chain-check exit status\n${r.stdout}${r.stderr}`);
		const m = r.stdout.match(/^chain ok: (\d+) entries in \d+ lanes, (\d+) bids$/m);
		assert.ok(m, `${what}: chain ok line\n${r.stdout}`);
		const [[entries, bids]] = await srv.sql('SELECT (SELECT count(*) FROM bidding.bid_chain), (SELECT count(*) FROM bidding.bid)');
		assert.deepEqual([m[1], m[2]], [entries, bids], `${what}: every entry and bid checked`);
	}
	return r;
}

function sha256hex(data) {
	return createHash('sha256').update(data).digest('hex');
}

// ------------------------------------------------------------ suppliers

// An approved supplier that can bid: a copy of the demo supplier with a
// fresh business number (or, with viaRegistration, one registered through
// the real form and approved by staff), a g2b key file and a certificate
// issued by the portal CA through `g2b cert`.
async function bidder(label, { region = '11', viaRegistration = false } = {}) {
	let b;
	if (viaRegistration) {
		const reg = await newSupplier(srv, { region });
		const rv = await review(admin, reg.orgId, 'approve');
		assert.equal(rv.status, 303, 'staff approves the registration');
		b = { login: reg.f.login, password: PASSWORD, orgId: reg.orgId, bizno: reg.digits, company: reg.f.company };
		b.userId = await one(srv, `SELECT id FROM portal.users WHERE login = ${q(b.login)}`);
	} else {
		const login = uniqueLogin('bd');
		const bizno = freshBizno();
		const company = `(주)${label} ${T}`;
		const [[orgId, userId]] = await srv.sql(`WITH d AS (SELECT * FROM portal.org WHERE id = ${ids.demoSupplierOrg}),
			o AS (INSERT INTO portal.org (kind, status, name, region, address, bizno, representative, biz_type, licences,
				contact_name, email, phone, reviewed_at)
				SELECT kind, 'approved', ${q(company)}, ${q(region)}, address, ${q(bizno)}, representative, biz_type, licences,
				contact_name, ${q(`${login}@test.example`)}, phone, now() FROM d RETURNING id),
			c AS (INSERT INTO portal.org_category (org_id, code)
				SELECT o.id, x.code FROM o, portal.org_category x WHERE x.org_id = ${ids.demoSupplierOrg}),
			u AS (INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
				SELECT ${q(login)}, o.id, 'supplier', '입찰담당', ${q(`${login}@test.example`)},
				(SELECT pwhash FROM portal.users WHERE login = 'supplier') FROM o RETURNING id, org_id)
			SELECT org_id, id FROM u`);
		b = { login, password: DEMO.supplier[1], orgId, userId, bizno, company };
	}
	b.label = label;
	b.dir = path.join(WORK, b.login);
	mkdirSync(b.dir, { recursive: true });
	await newCert(b);
	return b;
}

// A new key file and certificate for b (b.key, b.cert, b.certId, b.serial).
async function newCert(b) {
	const n = tag();
	b.key = path.join(b.dir, `key-${n}.json`);
	b.cert = path.join(b.dir, `cert-${n}.pem`);
	const k = await g2b(['keygen', '--out', b.key, '--iterations', '1000'], b);
	assert.equal(k.code, 0, `g2b keygen: ${k.stderr}`);
	assert.match(k.stdout, /public-key-sha256: [0-9a-f]{64}/);
	const c = await g2b(['cert', '--server', srv.base, '--user', b.login, '--key', b.key, '--out', b.cert], b);
	assert.equal(c.code, 0, `g2b cert: ${c.stderr}`);
	const f = fields(c.stdout);
	assert.match(f.id, /^\d+$/);
	assert.match(f.serial, /^[0-9A-F]+$/);
	b.certId = f.id;
	b.serial = f.serial;
	assert.match(readFileSync(b.cert, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
	return b;
}

function bidders(labels, opts) {
	return Promise.all(labels.map((l) => bidder(l, opts)));
}

async function session(b) {
	b.client ??= await loginAs(srv, b.login, b.password);
	return b.client;
}

// Read a receipt saved by the client: { text, sig }.
function savedReceipt(prefix) {
	return { text: readFileSync(`${prefix}.txt`, 'utf8'), sig: readFileSync(`${prefix}.sig`) };
}

// `g2b bid`: { code, stdout, stderr, receipt, hash, bidId, prefix }.
async function cliBid(b, notice, amount, picks) {
	const prefix = path.join(b.dir, `r-${tag()}`);
	const r = await g2b(['bid', '--server', srv.base, '--user', b.login, '--key', b.key, '--cert', b.cert,
		'--notice', String(notice), '--amount', String(amount), '--picks', picks.join(','), '--receipt-out', prefix], b);
	const f = fields(r.stdout);
	return { ...r, receipt: f.receipt, hash: f['bid-sha256'], bidId: f['bid-id'], prefix, amount, picks };
}

// A bid that must be accepted.
async function bid(b, notice, amount, picks) {
	const r = await cliBid(b, notice, amount, picks);
	assert.equal(r.code, 0, `g2b bid by ${b.label} on ${notice} refused: ${r.stderr}`);
	assert.match(r.receipt, /^R-\d{4}-\d{8}$/);
	assert.match(r.hash, /^[0-9a-f]{64}$/);
	assert.match(r.bidId, /^\d+$/);
	assert.match(r.stdout, /signature verified/);
	receipts.push(savedReceipt(r.prefix));
	return r;
}

async function bidinfo(notice) {
	const r = await raw(srv, 'GET', `/api/notices/${notice}/bidinfo`);
	assert.equal(r.status, 200, `bidinfo of ${notice}`);
	return JSON.parse(r.text);
}

// `g2b prepare-bid`: the form fields (canonical, sealed, signature) of a
// bid, made offline with the notice's opening key (order: as now, unless
// given). `as` signs with another supplier's key and certificate.
async function prepared(b, notice, { amount = 120000000, picks = [1, 2], order, as = b } = {}) {
	const info = await bidinfo(notice);
	const pub = path.join(b.dir, `notice-${notice}-${tag()}.pem`);
	writeFileSync(pub, info.public_key);
	const r = await g2b(['prepare-bid', '--pubkey', pub, '--notice', String(notice), '--notice-no', info.notice_no,
		'--order', String(order ?? info.order), '--key', as.key, '--cert', as.cert, '--amount', String(amount),
		'--picks', picks.join(','), '--out', '-'], as);
	assert.equal(r.code, 0, `g2b prepare-bid: ${r.stderr}`);
	const lines = r.stdout.split('\n').filter(Boolean);
	assert.equal(lines.length, 1);
	const body = Object.fromEntries(new URLSearchParams(lines[0]));
	assert.deepEqual(Object.keys(body), ['canonical', 'sealed', 'signature', 'certificate']);
	return body;
}

async function csrfOf(c) {
	const r = await c.get('/api/csrf');
	assert.equal(r.status, 200);
	return JSON.parse(r.text).csrf;
}

// POST a bid body as client c (with its CSRF token unless csrf: false).
async function postBid(c, notice, body, { csrf = true } = {}) {
	const f = csrf ? { csrf: await csrfOf(c), ...body } : { ...body };
	const r = await c.request('POST', `/notices/${notice}/bid`, f, { accept: 'application/json' });
	let json;
	try { json = JSON.parse(r.text); } catch { json = undefined; }
	return { ...r, json };
}

// A refusal with the JSON error and the message of the catalog.
function assertRefused(r, status, code, what) {
	assert.equal(r.status, status, `${what}: HTTP status (${r.text})`);
	assert.match(r.headers.get('content-type') || '', /^application\/json/, what);
	assert.deepEqual(r.json, { error: code, message: msg(`bid.err.${code}`) }, what);
}

async function withdrawJson(c, notice) {
	const r = await c.request('POST', `/notices/${notice}/withdraw`, { csrf: await csrfOf(c) }, { accept: 'application/json' });
	let json;
	try { json = JSON.parse(r.text); } catch { json = undefined; }
	return { ...r, json };
}

// Everything a bid or a refusal could write.
async function bidWrites() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.bid), (SELECT count(*) FROM bidding.bid_chain),
		(SELECT count(*) FROM portal.audit WHERE event LIKE 'bid.%'), (SELECT sum(seq) FROM bidding.chain_head),
		(SELECT string_agg(id || ':' || status, ',' ORDER BY id) FROM bidding.bid)`))[0];
}

async function bidRows(notice, orgId) {
	return srv.sql(`SELECT id, status, ord, receipt_no, encode(bid_hash, 'hex') FROM bidding.bid
		WHERE notice_id = ${notice} AND org_id = ${orgId} ORDER BY id`);
}

async function chainKinds(bidId) {
	return (await srv.sql(`SELECT kind FROM bidding.bid_chain WHERE bid_id = ${bidId} ORDER BY at, seq`)).map((r) => r[0]);
}

// ------------------------------------------------------------ notices

// A datetime-local value in Korea time, `ms` from now ("YYYY-MM-DDTHH:MM").
function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

// Every field of the notice form, valid: two items, amounts with commas.
function form(over = {}) {
	return {
		title: `전자입찰 노트북 구매 ${T}`,
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

// Draft as the agency user, publish as the officer (each publication in
// its own officer session, so several may run at once).
async function published(over = {}) {
	const d = await drafted(agency, over);
	const c = await loginAs(srv, ...DEMO.officer);
	const r = await publish(c, d.id);
	assert.equal(r.status, 303, `publish refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	d.no = await one(srv, `SELECT notice_no FROM bidding.notice WHERE id = ${d.id}`);
	assert.match(d.no, /^G2B-\d{4}-\d{6}$/);
	return d;
}

function fieldErrs(html) {
	const out = {};
	for (const m of (html || '').matchAll(/<p class="err(?: wide)?" id="e-([a-z0-9_]+)"[^>]*>([^<]*)<\/p>/g)) out[m[1]] = unescape(m[2]);
	return out;
}

// Time travel on the current order: bidding opens now.
async function openBidding(id) {
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '1 minute'
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
	assert.equal((await bidinfo(id)).phase, 'open');
}

// Bidding closed a moment ago; the opening is `opening` from now (SQL interval).
async function closeBidding(id, opening = '-1 second') {
	await srv.sql(`UPDATE bidding.notice_version SET bid_close = now() - interval '2 seconds',
		opening_at = now() + interval ${q(opening)}
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
	assert.equal((await bidinfo(id)).phase, 'closed');
}

async function openingDue(id) {
	await srv.sql(`UPDATE bidding.notice_version SET opening_at = now() - interval '1 second'
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
}

// The opening as client c: POST /notices/ID/open with the passphrase.
async function openAs(c, id, passphrase = PASS) {
	return c.request('POST', `/notices/${id}/open`, { csrf: await csrfOf(c), passphrase });
}

// What an opening writes, for "nothing changed" checks.
async function openingState(id) {
	return (await srv.sql(`SELECT n.opened_at IS NULL, coalesce(n.outcome, '-'), n.status,
		(SELECT count(*) FROM bidding.opening WHERE notice_id = n.id),
		(SELECT count(*) FROM bidding.bid_result WHERE notice_id = n.id),
		(SELECT count(*) FROM bidding.contract WHERE notice_id = n.id),
		(SELECT string_agg(b.id || ':' || b.status, ',' ORDER BY b.id) FROM bidding.bid b WHERE b.notice_id = n.id),
		(SELECT count(*) FROM bidding.bid_chain c JOIN bidding.bid b ON b.id = c.bid_id WHERE b.notice_id = n.id),
		(SELECT count(*) FROM portal.audit WHERE event IN ('notice.open', 'notice.review') AND detail->>'notice' = n.id::text),
		(SELECT count(*) FROM portal.notification WHERE link = '/notices/' || n.id)
		FROM bidding.notice n WHERE n.id = ${id}`))[0];
}

// Notifications about a notice: [[org_id, args as JSON]] for one key.
async function notes(id, key) {
	return srv.sql(`SELECT u.org_id, array_to_json(n.args)::text FROM portal.notification n
		JOIN portal.users u ON u.id = n.user_id
		WHERE n.link = '/notices/${id}' AND n.msg_key = ${q(key)} ORDER BY u.org_id, n.id`);
}

function orgsOf(rows) {
	return [...new Set(rows.map((r) => r[0]))].sort();
}

// ------------------------------------------------------------ amendments

function itemInputs(html, name) {
	return [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => unescape(m[1]));
}

function hiddenOrd(html) {
	const m = html.match(/<input type="hidden" name="ord" value="([^"]*)">/);
	return m ? m[1] : undefined;
}

// The amendment form as a browser submits it, with `over` changed.
async function amended(c, id, over) {
	const g = await c.get(`/notices/${id}/amend`);
	assert.equal(g.status, 200, `GET /notices/${id}/amend`);
	const h = g.text;
	const f = {
		ord: hiddenOrd(h),
		reason: textareaValue(h, 'reason') ?? '',
		title: inputValue(h, 'title'),
		family: selectedOption(h, 'family') ?? '',
		base_amount: inputValue(h, 'base_amount'),
		budget: inputValue(h, 'budget'),
		contract_method: selectedOption(h, 'contract_method') ?? '',
		award_method: selectedOption(h, 'award_method') ?? '',
		range: selectedOption(h, 'range') ?? '2',
		region_limit: selectedOption(h, 'region_limit') ?? '',
		category_limit: inputValue(h, 'category_limit') ?? '',
		bid_start: inputValue(h, 'bid_start'),
		bid_close: inputValue(h, 'bid_close'),
		opening_at: inputValue(h, 'opening_at'),
		officer: selectedOption(h, 'officer') ?? '',
		item_code: itemInputs(h, 'item_code'),
		item_qty: itemInputs(h, 'item_qty'),
		item_unit: itemInputs(h, 'item_unit'),
		...over,
	};
	const r = await c.post(`/notices/${id}/amend`, f);
	assert.equal(r.status, 303, `amendment refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	assert.equal(r.location, `/notices/${id}?ok=amended`);
	return r;
}

// ------------------------------------------------------------ results

const won = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const pct = (milli) => `${milli / 1000n}.${String(milli % 1000n).padStart(3, '0')}%`;

// The published opening result on a notice page.
function resultOf(html) {
	const prices = [...html.matchAll(/<tr( class="chosen")?><td class="num">(\d+)<\/td><td class="num">([\d,]+)<\/td><td class="num">(\d+)( <span aria-hidden="true">✓<\/span><span class="sr">[^<]*<\/span>)?<\/td><\/tr>/g)]
		.map((m) => ({ n: Number(m[2]), amount: BigInt(m[3].replace(/,/g, '')), count: Number(m[4]), chosen: Boolean(m[1]) && Boolean(m[5]) }));
	const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const p = html.match(new RegExp(`<dt>${esc(msg('result.planned'))}</dt><dd><strong>([\\d,]+) ${msg('won')}</strong> <small>${esc(msg('result.planned_rule'))} ([\\d, ]+)</small></dd>`));
	const seed = html.match(new RegExp(`<dt>${esc(msg('result.lot_seed'))}</dt><dd class="mono wrap small">([0-9a-f]*)</dd>`));
	const floor = html.match(new RegExp(`<dt>${esc(msg('result.floor'))}</dt><dd>([\\d,]+) ${msg('won')} \\(([\\d.]+%)\\)</dd>`));
	const rows = [...html.matchAll(/<tr><td class="num">(\d*)<\/td><td>([^<]*)<\/td><td class="nowrap">(\d{3}-\d{2}-\d{5})<\/td><td class="num">([\d,]*)<\/td><td class="num">([\d.%]*)<\/td><td>([^<]*)<\/td><td>([\s\S]*?)<\/td><td class="mono small" title="([0-9a-f]{64})">([A-Z0-9-]+)<\/td><\/tr>/g)]
		.map((m) => ({
			rank: m[1], company: unescape(m[2]), bizno: m[3].replace(/-/g, ''), amount: m[4], ratio: m[5], picks: m[6],
			note: text(m[7]).trim(), hash: m[8], receipt: m[9], reviewBid: (m[7].match(/name="bid" value="(\d+)"/) || [])[1],
		}));
	return {
		prices, rows, planned: p ? BigInt(p[1].replace(/,/g, '')) : undefined, chosen: p ? p[2].split(', ').map(Number) : undefined,
		seed: seed ? seed[1] : undefined, floor: floor ? { amount: BigInt(floor[1].replace(/,/g, '')), rate: floor[2] } : undefined,
	};
}

// Rule 3 of bidding/prices.h, independently: the 4 most-picked numbers
// (ties: the lower number first), their average rounded up to the won.
function plannedOf(prices, counts) {
	const chosen = [...Array(15).keys()].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, 4);
	const sum = chosen.reduce((s, k) => s + prices[k], 0n);
	return { chosen: chosen.map((k) => k + 1), planned: (sum + 3n) / 4n };
}

function tally(pickList) {
	const counts = Array(15).fill(0);
	for (const [a, b] of pickList) { counts[a - 1]++; counts[b - 1]++; }
	return counts;
}

// A bid as a ratio of the planned price in 0.001 %, half up.
function ratioOf(amount, planned) {
	return (2n * BigInt(amount) * 100000n + planned) / (2n * planned);
}

// The lot (추첨) seed and keys from public data (bidding/prices.h, rule 6).
function lotSeed(noticeNo, order, hashes) {
	const be = Buffer.alloc(4);
	be.writeUInt32BE(order);
	const sorted = hashes.map((h) => Buffer.from(h, 'hex')).sort(Buffer.compare);
	return createHash('sha256').update(Buffer.concat([Buffer.from('g2b-lot-v1\0'), Buffer.from(`${noticeNo}\0`), be, ...sorted])).digest();
}

function lotKey(seed, hash) {
	return createHmac('sha256', seed).update(Buffer.from(hash, 'hex')).digest();
}

// Ranking by rule 6: amount ascending, equal amounts by lot key.
function ranking(bids, seed) {
	return [...bids].sort((x, y) => (BigInt(x.amount) < BigInt(y.amount) ? -1 : BigInt(x.amount) > BigInt(y.amount) ? 1
		: Buffer.compare(lotKey(seed, x.hash), lotKey(seed, y.hash))));
}

// Open the sealed preliminary prices of order `ord` (AAD of order
// `aadOrd`) with the passphrase, as bidding/seal.h describes.
async function openPrices(id, ord, aadOrd = ord) {
	const [[pemLines, b64]] = await srv.sql(`SELECT replace(k.private_enc_pem, E'\\n', '|'), replace(v.prices_sealed, E'\\n', '')
		FROM bidding.opening_key k JOIN bidding.notice_version v ON v.notice_id = k.notice_id AND v.ord = ${ord}
		WHERE k.notice_id = ${id}`);
	const key = createPrivateKey({ key: pemLines.replace(/\|/g, '\n'), format: 'pem', passphrase: PASS });
	const env = Buffer.from(b64, 'base64');
	const k = env.readUInt16BE(1);
	const aesKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, env.subarray(3, 3 + k));
	const d = createDecipheriv('aes-256-gcm', aesKey, env.subarray(3 + k, 15 + k));
	const aad = aadOrd <= 1 ? `notice:${id}:prices` : `notice:${id}:${aadOrd}:prices`;
	d.setAAD(Buffer.concat([Buffer.from('g2b-prices-v1\0'), Buffer.from(aad)]));
	d.setAuthTag(env.subarray(env.length - 16));
	const plain = Buffer.concat([d.update(env.subarray(15 + k, env.length - 16)), d.final()]);
	return Array.from({ length: 15 }, (_, i) => plain.readBigInt64BE(i * 8));
}

// Check a published result against the bids made (each { b, amount,
// picks, hash, receipt, bidId }) and the notice's sealed prices; returns
// the expected ranking (first = rank 1).
async function checkResult(id, no, order, made, { base, range = 2000, invalid = [] } = {}) {
	const page = await new Client(srv.base).get(`/notices/${id}`);
	assert.equal(page.status, 200);
	const res = resultOf(page.text);
	// The 15 preliminary prices: as sealed at publication, one per band.
	assert.equal(res.prices.length, 15, '15 preliminary prices are shown');
	assert.deepEqual(res.prices.map((p) => p.n), [...Array(15).keys()].map((k) => k + 1));
	const prices = res.prices.map((p) => p.amount);
	const [[pricesOrd]] = await srv.sql(`SELECT prices_ord FROM bidding.notice_version WHERE notice_id = ${id} AND ord = ${order}`);
	assert.deepEqual(prices, await openPrices(id, order, Number(pricesOrd)), 'the published prices are the sealed ones');
	const b = BigInt(base);
	const d = (b * BigInt(range)) / 100000n;
	assert.ok(prices.every((p, k) => p >= b - d + (BigInt(k) * (2n * d + 1n)) / 15n
		&& p <= b - d + (BigInt(k + 1) * (2n * d + 1n)) / 15n - 1n), 'one price per band of the base amount ± range');
	// Pick counts from the valid bids only.
	const valid = made.filter((m) => !invalid.includes(m));
	const counts = tally(valid.map((m) => m.picks));
	assert.deepEqual(res.prices.map((p) => p.count), counts, 'pick counts of the valid bids');
	const exp = plannedOf(prices, counts);
	assert.deepEqual(res.chosen, exp.chosen, 'the four most-picked numbers, ties to the lower number');
	assert.deepEqual(res.prices.filter((p) => p.chosen).map((p) => p.n).sort((x, y) => x - y), [...exp.chosen].sort((x, y) => x - y),
		'the chosen prices are marked');
	assert.equal(res.planned, exp.planned, 'planned price = average of the 4, rounded up to the won');
	// The lot seed from every opened bid's hash; the ranking.
	const seed = lotSeed(no, order, made.map((m) => m.hash));
	assert.equal(res.seed, seed.toString('hex'), 'lot seed recomputed from the bid hashes');
	const ranked = ranking(valid, seed);
	assert.equal(res.rows.length, made.length, 'every opened bid is listed');
	for (const [i, m] of ranked.entries()) {
		const row = res.rows[i];
		assert.deepEqual({ rank: row.rank, bizno: row.bizno, company: row.company, amount: row.amount, ratio: row.ratio,
			picks: row.picks, hash: row.hash, receipt: row.receipt }, {
			rank: String(i + 1), bizno: m.b.bizno, company: m.b.company, amount: won(m.amount),
			ratio: pct(ratioOf(m.amount, exp.planned)), picks: `${m.picks[0]}, ${m.picks[1]}`, hash: m.hash, receipt: m.receipt,
		}, `rank ${i + 1}`);
	}
	for (const [i, m] of invalid.entries()) {
		const row = res.rows[ranked.length + i];
		assert.ok(row, 'an invalid bid is listed after the ranked ones');
		assert.deepEqual([row.rank, row.amount, row.ratio, row.picks], ['', '', '', ''], 'not ranked, nothing disclosed');
		assert.equal(row.receipt, m.receipt);
		assert.equal(row.bizno, m.b.bizno);
		assert.equal(row.note, msg(`result.reason.${m.reason}`));
	}
	// The stored result agrees.
	const [op] = await srv.sql(`SELECT array_to_string(prices, ','), array_to_string(counts, ','), array_to_string(chosen, ','),
		planned, bids, ranked, encode(lot_seed, 'hex'), ord FROM bidding.opening WHERE notice_id = ${id}`);
	assert.deepEqual(op, [prices.join(','), counts.join(','), exp.chosen.join(','), String(exp.planned), String(made.length),
		String(ranked.length), seed.toString('hex'), String(order)]);
	const stored = await srv.sql(`SELECT b.id, coalesce(r.rank::text, ''), coalesce(r.amount::text, ''), coalesce(r.ratio_milli::text, ''),
		r.valid, coalesce(r.reason, ''), encode(r.lot_key, 'hex') FROM bidding.bid_result r JOIN bidding.bid b ON b.id = r.bid_id
		WHERE r.notice_id = ${id} ORDER BY b.id`);
	for (const m of made) {
		const s = stored.find((x) => x[0] === m.bidId);
		assert.ok(s, `bid ${m.bidId} has a result row`);
		const i = ranked.indexOf(m);
		if (i >= 0) {
			assert.deepEqual(s.slice(1, 6), [String(i + 1), String(m.amount), String(ratioOf(m.amount, exp.planned)), 't', '']);
		} else {
			assert.deepEqual(s.slice(1, 6), ['', '', '', 'f', m.reason]);
		}
		assert.equal(s[6], lotKey(seed, m.hash).toString('hex'), 'lot key = HMAC(seed, bid hash)');
	}
	return { ranked, planned: exp.planned, page, res };
}

// ------------------------------------------------------------ 1. lifecycle

test('lowest price: bids, withdrawal and re-bid, amendments that keep or void bids, the opening rules, the public result and the award', SLOW, async () => {
	const L = await published({ title: `최저가 전자입찰 노트북 ${T}` });
	const [A, B, C, D] = await bidders(['가나전자', '다라정보', '마바시스템', '사아테크']);

	// Before bid_start the client refuses by itself and the server by its clock.
	const early = await cliBid(A, L.id, 121000000, [1, 5]);
	assert.equal(early.code, 1);
	assert.match(early.stderr, /not open for bids: phase 'upcoming'/);
	await openBidding(L.id);
	const info = await bidinfo(L.id);
	assert.deepEqual([info.notice_no, info.order, info.phase], [L.no, 1, 'open']);
	assert.match(info.public_key, /^-----BEGIN PUBLIC KEY-----/);

	// Three suppliers bid; A withdraws and bids again.
	const a1 = await bid(A, L.id, 121000000, [1, 5]);
	const b1 = await bid(B, L.id, 122000000, [2, 5]);
	const c1 = await bid(C, L.id, 123000000, [3, 9]);
	assert.equal(new Set([a1.receipt, b1.receipt, c1.receipt]).size, 3);
	const w = await g2b(['withdraw', '--server', srv.base, '--user', A.login, '--notice', L.id], A);
	assert.equal(w.code, 0, w.stderr);
	assert.match(w.stdout, new RegExp(`withdrawn: your bid on notice ${L.id}`));
	const none = await g2b(['withdraw', '--server', srv.base, '--user', D.login, '--notice', L.id], D);
	assert.equal(none.code, 1, 'D has no bid to withdraw');
	assert.ok(none.stderr.includes(msg('bid.err.no_live_bid')), none.stderr);
	const a2 = await bid(A, L.id, 120500000, [4, 5]);
	assert.deepEqual((await bidRows(L.id, A.orgId)).map((r) => [r[0], r[1], r[3]]),
		[[a1.bidId, 'withdrawn', a1.receipt], [a2.bidId, 'live', a2.receipt]], 'both versions kept, one live');
	assert.deepEqual(await chainKinds(a1.bidId), ['submit', 'withdraw']);
	assert.deepEqual(await chainKinds(a2.bidId), ['submit']);
	assert.equal((await auditRows(srv, `event = 'bid.withdraw' AND detail->>'notice' = ${q(L.id)}`)).length, 1);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${L.id} AND status = 'live'`), '3');
	// A's own list shows both, the live one withdrawable.
	const mine = await (await session(A)).get('/bids');
	assert.equal(mine.status, 200);
	const t = text(mine.text);
	assert.ok(t.includes(a1.receipt) && t.includes(a2.receipt));
	assert.ok(t.includes(msg('bid.state.withdrawn')) && t.includes(msg('bid.state.live')));

	// An amendment of the title only keeps the bids; the bidders are told.
	await amended(agency, L.id, { reason: `제목 정정 ${T}`, title: `최저가 전자입찰 노트북(정정) ${T}` });
	assert.deepEqual((await srv.sql(`SELECT cur_ord, rebid_ord FROM bidding.notice WHERE id = ${L.id}`))[0], ['2', '1']);
	assert.equal(await one(srv, `SELECT string_agg(status, ',' ORDER BY id) FROM bidding.bid WHERE notice_id = ${L.id}`),
		'withdrawn,live,live,live', 'the bids stand');
	const kept = await notes(L.id, 'notif.bid_kept');
	assert.deepEqual(orgsOf(kept), [A.orgId, B.orgId, C.orgId].sort(), 'each bidder (and nobody else) is told');
	assert.ok(kept.every((r) => r[1] === JSON.stringify([L.no, '2'])));
	assert.equal((await notes(L.id, 'notif.bid_rebid')).length, 0);
	const inboxB = await (await session(B)).get('/notifications');
	assert.ok(text(inboxB.text).includes(msg('notif.bid_kept', 'ko', L.no, '2')), 'B reads that the bid stands');
	assert.ok(text((await new Client(srv.base).get(`/notices/${L.id}`)).text).includes(msg('notice.rebid_kept')));

	// An amendment of the base amount voids them: everybody must bid again.
	await amended(agency, L.id, { reason: `기초금액 정정 ${T}`, base_amount: '120,000,000', budget: '130,000,000' });
	assert.deepEqual((await srv.sql(`SELECT cur_ord, rebid_ord FROM bidding.notice WHERE id = ${L.id}`))[0], ['3', '3']);
	assert.equal(await one(srv, `SELECT rebid FROM bidding.notice_version WHERE notice_id = ${L.id} AND ord = 3`), 't');
	assert.equal(await one(srv, `SELECT string_agg(status, ',' ORDER BY id) FROM bidding.bid WHERE notice_id = ${L.id}`),
		'withdrawn,void,void,void');
	for (const x of [a2, b1, c1]) assert.deepEqual(await chainKinds(x.bidId), ['submit', 'void']);
	const rebid = await notes(L.id, 'notif.bid_rebid');
	assert.deepEqual(orgsOf(rebid), [A.orgId, B.orgId, C.orgId].sort());
	assert.ok(rebid.every((r) => r[1] === JSON.stringify([L.no, '3'])));
	assert.ok(text((await (await session(C)).get('/notifications')).text).includes(msg('notif.bid_rebid', 'ko', L.no, '3')));
	const pageC = await (await session(C)).get(`/notices/${L.id}`);
	assert.ok(text(pageC.text).includes(msg('notice.rebid_needed')));
	assert.ok(pageC.text.includes(`href="/notices/${L.id}/bid"`), 'C may bid again');
	assert.equal((await bidinfo(L.id)).order, 3);
	// A bid still made for order 2 is refused (stale order) and writes nothing.
	const stale = await prepared(B, L.id, { order: 2, amount: 117000000, picks: [2, 3] });
	const w0 = await bidWrites();
	assertRefused(await postBid(await session(B), L.id, stale), 403, 'order', 'a bid for an earlier order');
	assert.deepEqual(await bidWrites(), w0);

	// Everybody bids on order 3 (B and C with the same amount: the lot decides).
	const made = [
		{ b: A, amount: 118000000, picks: [1, 2] },
		{ b: B, amount: 117000000, picks: [2, 3] },
		{ b: C, amount: 117000000, picks: [2, 4] },
		{ b: D, amount: 119500000, picks: [3, 9] },
	];
	for (const m of made) Object.assign(m, await bid(m.b, L.id, m.amount, m.picks));
	assert.deepEqual((await bidRows(L.id, A.orgId)).map((r) => [r[1], r[2]]), [['withdrawn', '1'], ['void', '1'], ['live', '3']]);

	// The close: nobody can bid or withdraw any more.
	await closeBidding(L.id, '1 hour');
	const wClosed = await bidWrites();
	const late = await prepared(A, L.id, { amount: 116000000, picks: [5, 6] });
	assertRefused(await postBid(await session(A), L.id, late), 403, 'closed', 'a bid after the close');
	assertRefused(await withdrawJson(await session(A), L.id), 403, 'closed', 'a withdrawal after the close');
	const wcli = await g2b(['withdraw', '--server', srv.base, '--user', B.login, '--notice', L.id], B);
	assert.equal(wcli.code, 1);
	assert.ok(wcli.stderr.includes(msg('bid.err.closed')), wcli.stderr);
	const lateCli = await cliBid(C, L.id, 116000000, [5, 6]);
	assert.equal(lateCli.code, 1);
	assert.match(lateCli.stderr, /phase 'closed'/);
	assert.deepEqual(await bidWrites(), wClosed, 'nothing written after the close');

	// Too early: before opening_at the opening is refused and nothing is stored.
	const s0 = await openingState(L.id);
	const g = await officer.get(`/notices/${L.id}/open`);
	assert.equal(g.status, 200);
	assert.ok(text(g.text).includes(msg('open.early')));
	assert.ok(!g.text.includes('name="passphrase"'), 'no opening form yet');
	const tooEarly = await openAs(officer, L.id);
	assert.equal(tooEarly.status, 409);
	assert.ok(text(tooEarly.text).includes(msg('open.early')));
	assert.deepEqual(await openingState(L.id), s0, 'nothing stored');

	// Due now. A wrong passphrase is refused, recorded, and changes nothing else.
	await openingDue(L.id);
	const form0 = await officer.get(`/notices/${L.id}/open`);
	assert.equal(form0.status, 200);
	assert.ok(form0.text.includes('name="passphrase"'));
	assert.ok(text(form0.text).includes(msg('open.live_bids')));
	const s1 = await openingState(L.id);
	const wrong = await openAs(officer, L.id, `틀린암호-${T}-Open!2026`);
	assert.equal(wrong.status, 403);
	assert.equal(fieldErrs(wrong.text).passphrase, msg('open.wrong_passphrase'));
	assert.deepEqual(await openingState(L.id), s1, 'nothing opened');
	const refused = await auditRows(srv, `event = 'notice.open_refused' AND detail->>'notice' = ${q(L.id)}`);
	assert.deepEqual(refused.map((x) => x.detail), [{ notice: Number(L.id), reason: 'wrong_passphrase' }]);
	assert.equal(await one(srv, `SELECT actor FROM portal.audit WHERE event = 'notice.open_refused' AND detail->>'notice' = ${q(L.id)}`),
		ids.officer);

	// Nobody but the notice's officer may open, even with the right passphrase.
	assert.equal((await officer2.get(`/notices/${L.id}/open`)).status, 403, 'another officer: no form');
	assert.equal((await openAs(officer2, L.id)).status, 403, 'another officer of the agency');
	assert.equal((await openAs(agency, L.id)).status, 403, 'an agency user');
	assert.equal((await openAs(await session(A), L.id)).status, 403, 'a supplier');
	const anon = new Client(srv.base);
	assert.equal((await anon.request('POST', `/notices/${L.id}/open`, { csrf: await csrfOf(anon), passphrase: PASS })).status, 401);
	assert.deepEqual(await openingState(L.id), s1, 'still nothing opened');

	// The opening.
	const opened = await openAs(officer, L.id);
	assert.equal(opened.status, 303, `opening refused (${opened.status}): ${text(opened.text).slice(0, 300)}`);
	assert.equal(opened.location, `/notices/${L.id}?ok=opened#result`);
	const flash = await officer.get(`/notices/${L.id}?ok=opened`);
	assert.ok(text(flash.text).includes(msg('flash.opened')));
	const [st] = await srv.sql(`SELECT opened_at IS NOT NULL, outcome FROM bidding.notice WHERE id = ${L.id}`);
	assert.deepEqual(st, ['t', 'awarded']);

	// The public result, recomputed independently.
	const { ranked, planned, page } = await checkResult(L.id, L.no, 3, made, { base: 120000000 });
	const winner = ranked[0];
	assert.ok([B, C].includes(winner.b), 'the lowest amount wins (B or C by lot)');
	assert.deepEqual(ranked.slice(2).map((m) => m.b), [A, D]);
	assert.ok(planned > 117000000n && planned < 123000000n);
	const t2 = text(page.text);
	assert.ok(t2.includes(msg('outcome.awarded')));

	// The award: a contract for rank 1, the winner told.
	const [contract] = await srv.sql(`SELECT contract_no, bid_id, supplier_id, agency_id, amount, status
		FROM bidding.contract WHERE notice_id = ${L.id}`);
	assert.match(contract[0], /^C-\d{4}-\d{6}$/);
	assert.deepEqual(contract.slice(1), [winner.bidId, winner.b.orgId, ids.seoul, String(winner.amount), 'awarded']);
	assert.ok(t2.includes(contract[0]) && t2.includes(winner.b.company) && t2.includes(won(winner.amount)), 'the award on the page');
	const awarded = await notes(L.id, 'notif.awarded');
	assert.deepEqual(orgsOf(awarded), [winner.b.orgId]);
	assert.ok(awarded.every((r) => r[1] === JSON.stringify([L.no])));
	assert.ok(text((await (await session(winner.b)).get('/notifications')).text).includes(msg('notif.awarded', 'ko', L.no)));
	assert.deepEqual(orgsOf(await notes(L.id, 'notif.opened')), [A.orgId, B.orgId, C.orgId, D.orgId, ids.seoul].sort(),
		'every bidder and the agency are told of the opening');
	const cw = await (await session(winner.b)).get('/contracts');
	assert.ok(text(cw.text).includes(contract[0]), "in the winner's contracts");
	assert.ok(!text((await (await session(D)).get('/contracts')).text).includes(contract[0]), 'not in a loser\'s contracts');
	const open = await auditRows(srv, `event = 'notice.open' AND detail->>'notice' = ${q(L.id)}`);
	assert.deepEqual(open.map((x) => x.detail), [{ notice: Number(L.id), bids: 4, ranked: 4, planned: Number(planned), outcome: 'awarded' }]);
	for (const m of made) assert.deepEqual(await chainKinds(m.bidId), ['submit', 'open']);
	assert.equal(await one(srv, `SELECT string_agg(status, ',' ORDER BY id) FROM bidding.bid WHERE notice_id = ${L.id} AND ord = 3`),
		'opened,opened,opened,opened');

	// A second opening is refused and changes nothing.
	const s2 = await openingState(L.id);
	const again = await openAs(officer, L.id);
	assert.equal(again.status, 409);
	assert.ok(text(again.text).includes(msg('open.already')));
	assert.deepEqual(await openingState(L.id), s2);
	// After the opening there is nothing to bid on or withdraw.
	const w2 = await bidWrites();
	assertRefused(await postBid(await session(A), L.id, late), 403, 'not_published', 'a bid after the opening');
	assertRefused(await withdrawJson(await session(D), L.id), 404, 'no_live_bid', 'a withdrawal after the opening');
	assert.deepEqual(await bidWrites(), w2);
	await assertChainOk('after the lifecycle');
});

// ------------------------------------------------------------ 2. review

test('qualification review: outcome review, rank 1 failed with a reason, rank 2 must come next and passes with its amount', SLOW, async () => {
	const Q = await published({ title: `적격심사 전자입찰 ${T}`, award_method: 'qualification' });
	const [P1, P2, P3] = await bidders(['적격일', '적격이', '적격삼']);
	await openBidding(Q.id);
	const made = [
		{ b: P1, amount: 110000000, picks: [1, 2] },
		{ b: P2, amount: 111000000, picks: [3, 4] },
		{ b: P3, amount: 112000000, picks: [5, 6] },
	];
	for (const m of made) Object.assign(m, await bid(m.b, Q.id, m.amount, m.picks));
	await closeBidding(Q.id);
	const r = await openAs(officer, Q.id);
	assert.equal(r.status, 303, `opening refused (${r.status})`);
	assert.deepEqual((await srv.sql(`SELECT outcome FROM bidding.notice WHERE id = ${Q.id}`))[0], ['review']);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.contract WHERE notice_id = ${Q.id}`), '0', 'no award yet');
	const { ranked, planned, res } = await checkResult(Q.id, Q.no, 1, made, { base: 125000000 });
	assert.deepEqual(ranked.map((m) => m.b), [P1, P2, P3]);
	// The floor (낙찰하한) of the notice's rate applies and is shown.
	const rate = BigInt(await one(srv, `SELECT floor_rate_milli FROM bidding.notice_version WHERE notice_id = ${Q.id} AND ord = 1`));
	const floor = (planned * rate + 99999n) / 100000n;
	assert.deepEqual(res.floor, { amount: floor, rate: pct(rate) });
	assert.equal(await one(srv, `SELECT floor_amount FROM bidding.opening WHERE notice_id = ${Q.id}`), String(floor));
	assert.ok(text((await new Client(srv.base).get(`/notices/${Q.id}`)).text).includes(msg('outcome.review')));
	// Only the officer sees one review form, for rank 1.
	const op = resultOf((await officer.get(`/notices/${Q.id}`)).text);
	assert.deepEqual(op.rows.filter((x) => x.reviewBid).map((x) => x.reviewBid), [made[0].bidId]);
	assert.ok(resultOf((await agency.get(`/notices/${Q.id}`)).text).rows.every((x) => !x.reviewBid), 'no form for the agency user');

	const reviewAs = async (c, bidId, decision, reason) => c.request('POST', `/notices/${Q.id}/review`,
		{ csrf: await csrfOf(c), bid: bidId, decision, reason });
	const state = async () => srv.sql(`SELECT b.id, coalesce(r.review, '-'), coalesce(r.review_reason, '-') FROM bidding.bid_result r
		JOIN bidding.bid b ON b.id = r.bid_id WHERE r.notice_id = ${Q.id} ORDER BY r.rank`);
	const s0 = [await state(), await openingState(Q.id)];
	// Out of order, by someone else, or incomplete: refused, nothing changes.
	const skip = await reviewAs(officer, made[2].bidId, 'pass', '3순위 먼저 심사');
	assert.equal(skip.status, 303);
	assert.equal(skip.location, `/notices/${Q.id}?ok=review_refused#result`);
	assert.equal((await reviewAs(officer2, made[0].bidId, 'pass', '다른 집행관')).status, 403);
	assert.equal((await reviewAs(agency, made[0].bidId, 'pass', '수요기관 사용자')).status, 403);
	assert.equal((await reviewAs(await session(P1), made[0].bidId, 'pass', '업체 스스로')).status, 403);
	const bad = await reviewAs(officer, made[0].bidId, 'maybe', '');
	assert.equal(bad.location, `/notices/${Q.id}?ok=review_invalid#result`);
	assert.deepEqual([await state(), await openingState(Q.id)], s0);

	// Rank 1 fails with a reason; rank 3 still cannot come before rank 2.
	const why1 = `경영상태 부적격 <실적 미달> ${T}`;
	const f1 = await reviewAs(officer, made[0].bidId, 'fail', why1);
	assert.equal(f1.location, `/notices/${Q.id}?ok=reviewed_bid#result`);
	assert.deepEqual(await state(), [[made[0].bidId, 'fail', why1], [made[1].bidId, '-', '-'], [made[2].bidId, '-', '-']]);
	assert.deepEqual((await srv.sql(`SELECT outcome FROM bidding.notice WHERE id = ${Q.id}`))[0], ['review']);
	assert.deepEqual((await notes(Q.id, 'notif.review_fail')).map((x) => [x[0], x[1]]), [[P1.orgId, JSON.stringify([Q.no, why1])]]);
	const skip2 = await reviewAs(officer, made[2].bidId, 'pass', '3순위 심사');
	assert.equal(skip2.location, `/notices/${Q.id}?ok=review_refused#result`);
	assert.equal(await one(srv, `SELECT coalesce(review, '-') FROM bidding.bid_result WHERE bid_id = ${made[2].bidId}`), '-');
	const page2 = await officer.get(`/notices/${Q.id}`);
	assert.deepEqual(resultOf(page2.text).rows.filter((x) => x.reviewBid).map((x) => x.reviewBid), [made[1].bidId], 'the form moved to rank 2');
	assert.ok(text(page2.text).includes(`${msg('review.fail')}: ${why1}`), 'the failure and its reason are public');

	// Rank 2 passes: the contract has rank 2's amount.
	const why2 = `적격 심사 통과 ${T}`;
	const p2 = await reviewAs(officer, made[1].bidId, 'pass', why2);
	assert.equal(p2.location, `/notices/${Q.id}?ok=reviewed_bid#result`);
	assert.deepEqual((await srv.sql(`SELECT outcome FROM bidding.notice WHERE id = ${Q.id}`))[0], ['awarded']);
	const [contract] = await srv.sql(`SELECT bid_id, supplier_id, amount FROM bidding.contract WHERE notice_id = ${Q.id}`);
	assert.deepEqual(contract, [made[1].bidId, P2.orgId, '111000000']);
	assert.deepEqual((await notes(Q.id, 'notif.review_pass')).map((x) => [x[0], x[1]]), [[P2.orgId, JSON.stringify([Q.no, why2])]]);
	assert.deepEqual(orgsOf(await notes(Q.id, 'notif.awarded')), [P2.orgId]);
	assert.deepEqual(orgsOf(await notes(Q.id, 'notif.opened')), [P1.orgId, P2.orgId, P3.orgId, ids.seoul].sort());
	assert.equal((await notes(Q.id, 'notif.review_fail')).length, 1, 'P3 was never reviewed');
	assert.ok(text((await (await session(P2)).get('/notifications')).text).includes(msg('notif.review_pass', 'ko', Q.no, why2)));
	assert.ok(text((await (await session(P1)).get('/notifications')).text).includes(msg('notif.review_fail', 'ko', Q.no, why1)));
	const audit = await auditRows(srv, `event = 'notice.review' AND detail->>'notice' = ${q(Q.id)}`);
	assert.deepEqual(audit.map((x) => [x.detail.bid, x.detail.pass, x.detail.reason]),
		[[Number(made[0].bidId), false, why1], [Number(made[1].bidId), true, why2]]);
	// Once awarded, no more reviews.
	const after1 = await openingState(Q.id);
	assert.equal((await reviewAs(officer, made[2].bidId, 'pass', '추가 심사')).location, `/notices/${Q.id}?ok=review_refused#result`);
	assert.deepEqual(await openingState(Q.id), after1);
	const pub = text((await new Client(srv.base).get(`/notices/${Q.id}`)).text);
	assert.ok(pub.includes(msg('outcome.awarded')) && pub.includes(won(111000000)) && pub.includes(P2.company));
});

// ------------------------------------------------------------ 3. 유찰

test('유찰: one bid in open competition fails; the one-step re-notice copies the terms into one draft with a new window', SLOW, async () => {
	const F = await published({ title: `유찰 예정 공고 ${T}`, region_limit: '11', range: '3' });
	const [S] = await bidders(['단독입찰']);
	await openBidding(F.id);
	const only = { b: S, amount: 123000000, picks: [7, 8] };
	Object.assign(only, await bid(S, F.id, only.amount, only.picks));
	await closeBidding(F.id);
	assert.equal((await openAs(officer, F.id)).status, 303);
	assert.deepEqual((await srv.sql(`SELECT outcome, status FROM bidding.notice WHERE id = ${F.id}`))[0], ['failed', 'published']);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.contract WHERE notice_id = ${F.id}`), '0');
	assert.equal(await one(srv, `SELECT ranked FROM bidding.opening WHERE notice_id = ${F.id}`), '1');
	assert.equal((await notes(F.id, 'notif.awarded')).length, 0);
	const pub = await new Client(srv.base).get(`/notices/${F.id}`);
	assert.ok(text(pub.text).includes(msg('outcome.failed')));
	assert.ok(!pub.text.includes(`/notices/${F.id}/renotice`), 'no re-notice button for the public');
	const pa = await agency.get(`/notices/${F.id}`);
	assert.ok(pa.text.includes(`action="/notices/${F.id}/renotice"`), 'the agency user is offered the re-notice');

	const count = async () => one(srv, `SELECT count(*) FROM bidding.notice WHERE renotice_of = ${F.id}`);
	const renotice = async (c) => c.request('POST', `/notices/${F.id}/renotice`, { csrf: await csrfOf(c) });
	// Not for suppliers or another agency.
	assert.equal((await renotice(await session(S))).status, 403);
	assert.equal((await renotice(busanAgency)).status, 403);
	assert.equal(await count(), '0');
	// A notice that did not fail cannot be re-noticed.
	const R = await openNotice();
	assert.equal((await agency.request('POST', `/notices/${R.id}/renotice`, { csrf: await csrfOf(agency) })).status, 403);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice WHERE renotice_of = ${R.id}`), '0');

	const r1 = await renotice(agency);
	assert.equal(r1.status, 303);
	const m = r1.location.match(/^\/notices\/(\d+)\/edit$/);
	assert.ok(m, `redirect to the new draft's edit page: ${r1.location}`);
	const newId = m[1];
	const r2 = await renotice(agency);
	assert.equal(r2.location, r1.location, 'posting twice gives the same draft');
	const r3 = await renotice(officer);
	assert.equal(r3.location, r1.location, 'and so does the officer');
	assert.equal(await count(), '1');
	assert.equal((await auditRows(srv, `event = 'notice.renotice' AND detail->>'notice' = ${q(F.id)}`)).length, 1);

	const [n] = await srv.sql(`SELECT status, cur_ord, agency_id, renotice_of, coalesce(notice_no, '-') FROM bidding.notice WHERE id = ${newId}`);
	assert.deepEqual(n, ['draft', '0', ids.seoul, F.id, '-']);
	const cols = 'family, base_amount, budget, contract_method, award_method, range_milli, coalesce(region_limit, \'-\'), coalesce(category_limit, \'-\'), officer_id';
	const [orig] = await srv.sql(`SELECT ${cols} FROM bidding.notice_version WHERE notice_id = ${F.id} AND ord = 1`);
	const [copy] = await srv.sql(`SELECT ${cols} FROM bidding.notice_version WHERE notice_id = ${newId} AND ord = 0`);
	assert.deepEqual(copy, orig, 'the terms are copied');
	assert.deepEqual(copy.slice(5, 7), ['3000', '11']);
	assert.equal(await one(srv, `SELECT title FROM bidding.notice_version WHERE notice_id = ${newId} AND ord = 0`), `[재공고] ${F.f.title}`);
	const items = (o, ord) => srv.sql(`SELECT line, code, quantity, unit FROM bidding.notice_item WHERE notice_id = ${o} AND ord = ${ord} ORDER BY line`);
	assert.deepEqual(await items(newId, 0), await items(F.id, 1), 'the items are copied');
	const [win] = await srv.sql(`SELECT v.bid_start = date_trunc('hour', n.created_at) + interval '2 hours',
		v.bid_close - v.bid_start = interval '7 days', v.opening_at - v.bid_start = interval '7 days 1 hour'
		FROM bidding.notice_version v JOIN bidding.notice n ON n.id = v.notice_id WHERE v.notice_id = ${newId} AND v.ord = 0`);
	assert.deepEqual(win, ['t', 't', 't'], 'a fresh window: in two hours, seven days long, opening an hour later');
	const edit = await agency.get(r1.location);
	assert.equal(edit.status, 200);
	assert.equal(inputValue(edit.text, 'title'), `[재공고] ${F.f.title}`);
	assert.equal(inputValue(edit.text, 'base_amount').replace(/,/g, ''), '125000000');
	const again = await agency.get(`/notices/${F.id}`);
	assert.ok(again.text.includes(`href="/notices/${newId}"`), 'the failed notice links to its re-notice');
	assert.ok(!again.text.includes(`action="/notices/${F.id}/renotice"`));
	assert.equal((await new Client(srv.base).get(`/notices/${newId}`)).status, 404, 'the draft is not public');
});

// ------------------------------------------------------------ 4. refusals

// A published notice open for bids, shared by the refusal tests (each uses
// its own suppliers, so the one-live-bid rule does not interfere).
let openFixture;
function openNotice() {
	openFixture ??= (async () => {
		const n = await published({ title: `입찰 거부 검사 공고 ${T}` });
		await openBidding(n.id);
		return n;
	})();
	return openFixture;
}

// Group commit (portal/web.c g2b_query_batch, bidding/sql/015): bids that
// wait for a database connection together are stored in one transaction.
// The test holds the notice's advisory lock (which every bid takes, shared)
// so that the first bids block on every connection the server has and the
// rest queue behind them; 20 bids over 2 workers of 4 connections leave at
// least 6 queued on one worker. Each bid still gets its own answer.
async function rushUnderLock(id, posts) {
	const lockKey = `7242100, ${Number(id) % 2147483647}`;
	await srv.sql(`SELECT pg_advisory_lock(${lockKey})`);
	let answers;
	try {
		const pending = Promise.all(posts.map((f) => f()));
		const blocked = () => one(srv, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
			AND NOT granted AND classid = 7242100 AND objid = ${Number(id) % 2147483647}`);
		let n = 0;
		let still = 0;
		for (let i = 0; i < 200 && still < 5; i++) {
			await new Promise((r) => setTimeout(r, 50));
			const m = Number(await blocked());
			still = m === n && m >= 2 ? still + 1 : 0;
			n = m;
		}
		if (!(n >= 2 && n < posts.length)) {
			const act = await srv.sql(`SELECT state, wait_event_type, wait_event, left(query, 60)
				FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
			assert.fail(`bids blocked on every connection (${n}), the rest queued; backends: ${JSON.stringify(act)}`);
		}
		await srv.sql(`SELECT pg_advisory_unlock(${lockKey})`);
		answers = await pending;
	} finally {
		await srv.sql('SELECT pg_advisory_unlock_all()');
	}
	return answers;
}

// Per transaction, how many of a notice's bids it stored (descending).
async function bidsPerTransaction(id) {
	return (await srv.sql(`SELECT count(*) FROM bidding.bid WHERE notice_id = ${id}
		GROUP BY xmin::text ORDER BY 1 DESC`)).map((r) => Number(r[0]));
}

test('bids that wait for the database together are stored in one transaction, each with its own answer', SLOW, async () => {
	const G = await published({ title: `묶음 저장 검사 공고 ${T}` });
	await openBidding(G.id);
	const labels = Array.from({ length: 20 }, (_, i) => `묶음${i + 1}`);
	const bs = await bidders(labels);
	const stale = bs[19];
	const bodies = await Promise.all(bs.map((b, i) => prepared(b, G.id, {
		amount: 121000000 + i * 1000, picks: [1 + (i % 15), 1 + ((i + 7) % 15)], order: b === stale ? 2 : undefined,
	})));
	const formsOf = (list, bodyList) => Promise.all(list.map(async (b, i) => {
		const c = await session(b);
		return { c, f: { csrf: await csrfOf(c), ...bodyList[i] } };
	}));
	const post = ({ c, f }) => async () => {
		let r;
		try {
			r = await c.request('POST', `/notices/${G.id}/bid`, f, { accept: 'application/json' });
		} catch (e) {
			return { status: 0, text: `no answer: ${e.cause?.code || e.message}` };
		}
		let json;
		try { json = JSON.parse(r.text); } catch { json = undefined; }
		return { ...r, json };
	};
	const forms = await formsOf(bs, bodies);
	// The first bid is posted twice: both posts get its one receipt.
	const answers = await rushUnderLock(G.id, [...forms.map(post), post(forms[0])]);
	for (let i = 0; i < 19; i++) {
		const r = answers[i];
		assert.equal(r.status, 200, `${labels[i]}: ${r.text}`);
		assert.match(r.json.receipt_no, /^R-\d{4}-\d{8}$/);
		assert.equal(r.json.bid_sha256, sha256hex(bodies[i].canonical), `${labels[i]}: its own bid's receipt`);
		receipts.push({ text: r.json.receipt, sig: Buffer.from(r.json.signature, 'base64') });
	}
	assert.equal(new Set(answers.slice(0, 19).map((r) => r.json.receipt_no)).size, 19, 'nineteen receipts');
	assert.deepEqual([answers[20].status, answers[20].json.receipt_no, answers[20].json.bid_id],
		[200, answers[0].json.receipt_no, answers[0].json.bid_id], 'the repeated post: the same receipt');
	assert.equal([answers[0], answers[20]].filter((r) => r.json.duplicate).length, 1, 'one of the two is the duplicate');
	assertRefused(answers[19], 403, 'order', 'a bid on an order that is not current, in the same rush');
	const per = await bidsPerTransaction(G.id);
	assert.equal(per.reduce((a, b) => a + b, 0), 19, 'nineteen bids stored, none for the stale one');
	assert.ok(per[0] >= 2, `several bids in one transaction (${per.join(' ')})`);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE org_id = ${stale.orgId}`), '0');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit a WHERE event = 'bid.submit'
		AND (detail->>'notice')::bigint = ${G.id}`), '19', 'one audit row per stored bid');
	await assertChainOk('after a batched rush');

	// A batch whose statement fails (here its function is missing, and one
	// member's own statement fails too: a trigger refuses its company's
	// row) loses nothing: every member runs on its own and gets its own
	// answer, 503 for the one that fails alone as well.
	const more = await bidders(labels.slice(0, 12).map((l) => `${l}b`));
	const failing = more[11];
	const moreBodies = await Promise.all(more.map((b, i) => prepared(b, G.id, { amount: 122000000 + i * 1000, picks: [2, 3] })));
	const moreForms = await formsOf(more, moreBodies);
	// The stand-in counts its calls in a sequence (not rolled back).
	await srv.sql(`ALTER FUNCTION bidding.bid_submit_batch RENAME TO bid_submit_batch_e2e;
		CREATE SEQUENCE bidding.e2e_batches; GRANT USAGE ON SEQUENCE bidding.e2e_batches TO PUBLIC;
		CREATE FUNCTION bidding.bid_submit_batch(bytea[], int[], bigint[], int[], text[], text[], text[], text[],
			bytea[], bytea[], bytea[], inet[]) RETURNS TABLE (status text, bid_id bigint, receipt_no text,
			received text, user_id bigint, org_id bigint, role text, member int) LANGUAGE plpgsql AS $$
		BEGIN PERFORM nextval('bidding.e2e_batches'); RAISE EXCEPTION 'e2e: the batch fails'; END $$;
		CREATE FUNCTION bidding.e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'e2e: this company''s bid fails'; END $$;
		CREATE TRIGGER e2e_refuse BEFORE INSERT ON bidding.bid FOR EACH ROW
		WHEN (NEW.org_id = ${failing.orgId}) EXECUTE FUNCTION bidding.e2e_refuse()`);
	let alone;
	let batches = 0;
	try {
		alone = await rushUnderLock(G.id, moreForms.map(post));
	} finally {
		batches = Number(await one(srv, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM bidding.e2e_batches`));
		await srv.sql(`DROP FUNCTION bidding.bid_submit_batch; DROP SEQUENCE bidding.e2e_batches;
			ALTER FUNCTION bidding.bid_submit_batch_e2e RENAME TO bid_submit_batch;
			DROP TRIGGER e2e_refuse ON bidding.bid; DROP FUNCTION bidding.e2e_refuse()`);
	}
	assert.ok(batches >= 1, `a batch was tried and failed (${batches})`);
	alone.slice(0, 11).forEach((r, i) => {
		assert.equal(r.status, 200, `${more[i].label}: ${r.text}`);
		assert.equal(r.json.bid_sha256, sha256hex(moreBodies[i].canonical));
		receipts.push({ text: r.json.receipt, sig: Buffer.from(r.json.signature, 'base64') });
	});
	assertRefused(alone[11], 503, 'unavailable', 'the member whose own statement fails');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE org_id = ${failing.orgId}`), '0');
	assert.equal((await bidsPerTransaction(G.id)).reduce((a, b) => a + b, 0), 30);
	await assertChainOk('after failed batches');
});

test('bidders who leave while their bids wait to be stored together do not take the worker down', SLOW, async () => {
	const G = await published({ title: `묶음 이탈 검사 공고 ${T}` });
	await openBidding(G.id);
	const bs = await bidders(Array.from({ length: 24 }, (_, i) => `이탈${i + 1}`));
	const bodies = await Promise.all(bs.map((b, i) => prepared(b, G.id, { amount: 123000000 + i * 1000, picks: [4, 5] })));
	const forms = await Promise.all(bs.map(async (b, i) => {
		const c = await session(b);
		return { c, f: { csrf: await csrfOf(c), ...bodies[i] } };
	}));
	// A POST on a connection of its own; leave: close it that many ms
	// after sending (as a bid waits: first in a batch, gated, or alone).
	const rawPost = ({ c, f }, leave = 0) => () => new Promise((resolve) => {
		const body = new URLSearchParams(f).toString();
		const s = net.connect(srv.port, '127.0.0.1');
		let data = '';
		s.setEncoding('utf8');
		s.on('connect', () => {
			s.write(`POST /notices/${G.id}/bid HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${c.cookieHeader()}\r\n` +
				`Accept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
				`Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
			if (leave) setTimeout(() => { s.destroy(); resolve(-1); }, leave);
		});
		s.on('data', (d) => { data += d; });
		s.on('error', () => {});
		s.on('close', () => {
			const m = data.match(/^HTTP\/1\.1 (\d{3})/);
			resolve(m ? Number(m[1]) : 0);
		});
	});
	const leaves = (i) => (i % 3 === 1 ? 40 + (i % 5) * 40 : 0);
	const st = await rushUnderLock(G.id, forms.map((x, i) => rawPost(x, leaves(i))));
	st.forEach((s, i) => { if (!leaves(i)) assert.equal(s, 200, `bid ${i + 1} stayed and was answered`); });
	assert.equal((await raw(srv, 'GET', '/health')).status, 200);
	// Everyone posts again: each bid is stored exactly once (a leaver's
	// may have been stored before it left, or not).
	const again = await Promise.all(forms.map((x) => rawPost(x)()));
	assert.deepEqual(again, Array(24).fill(200));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${G.id}`), '24');
	await assertChainOk('after bidders left a batched rush');
	await new Promise((r) => setTimeout(r, 1500));
	assert.doesNotMatch(srv.logText(), /exited with status|fatal|batch_leave/);
});

test('a bid before bid_start or after bid_close is refused by the server clock and writes nothing', SLOW, async () => {
	const W = await published({ title: `입찰 기간 검사 ${T}` });
	const [X] = await bidders(['기간검사']);
	const c = await session(X);
	const body = await prepared(X, W.id, { amount: 124000000, picks: [1, 15] });
	const w0 = await bidWrites();
	assertRefused(await postBid(c, W.id, body), 403, 'not_open', 'before bid_start');
	assert.deepEqual(await bidWrites(), w0);
	await openBidding(W.id);
	const ok = await postBid(c, W.id, body);
	assert.equal(ok.status, 200, 'the same bid in the window is accepted');
	receipts.push({ text: ok.json.receipt, sig: Buffer.from(ok.json.signature, 'base64') });
	await closeBidding(W.id, '1 hour');
	const w1 = await bidWrites();
	const late = await prepared(X, W.id, { amount: 123000000, picks: [2, 14] });
	assertRefused(await postBid(c, W.id, late), 403, 'closed', 'after bid_close');
	assertRefused(await withdrawJson(c, W.id), 403, 'closed', 'a withdrawal after bid_close');
	assert.deepEqual(await bidWrites(), w1);
	assert.equal(await one(srv, `SELECT string_agg(status, ',') FROM bidding.bid WHERE notice_id = ${W.id}`), 'live');
});

test('a sanctioned supplier cannot bid until staff lift the sanction', SLOW, async () => {
	const R = await openNotice();
	const [S] = await bidders(['제재업체']);
	const today = kst(0).slice(0, 10);
	const in30 = kst(30 * DAY).slice(0, 10);
	await admin.get('/admin/sanctions');
	const unknown = await admin.post('/admin/sanctions', { bizno: freshBizno(), starts: today, ends: in30, reason: '없는 업체' });
	assert.equal(unknown.status, 400);
	assert.equal(fieldErrs(unknown.text).bizno, msg('err.bizno_unknown'));
	const reason = `입찰 담합 적발 ${T}`;
	const add = await admin.post('/admin/sanctions', { bizno: S.bizno, starts: today, ends: in30, reason });
	assert.equal(add.status, 303);
	assert.equal(add.location, '/admin/sanctions?ok=sanctioned');
	const [[sid, sOrg, starts, ends, why]] = await srv.sql(`SELECT id, org_id, starts, ends, reason FROM bidding.sanction
		WHERE org_id = ${S.orgId} AND lifted_at IS NULL`);
	assert.deepEqual([sOrg, starts, ends, why], [S.orgId, today, in30, reason]);
	assert.equal((await auditRows(srv, `event = 'sanction.add' AND org_id = ${S.orgId}`)).length, 1);

	const w0 = await bidWrites();
	const cli = await cliBid(S, R.id, 121000000, [3, 4]);
	assert.equal(cli.code, 1, 'the client reports the refusal');
	assert.ok(cli.stderr.includes(msg('bid.err.sanctioned')), cli.stderr);
	assert.match(cli.stderr, /sanctioned, HTTP 403/);
	assertRefused(await postBid(await session(S), R.id, await prepared(S, R.id)), 403, 'sanctioned', 'during a sanction');
	assert.deepEqual(await bidWrites(), w0, 'no bid, no chain entry');

	await admin.get('/admin/sanctions');
	const lift = await admin.post(`/admin/sanctions/${sid}/lift`);
	assert.equal(lift.status, 303);
	assert.equal(lift.location, '/admin/sanctions?ok=lifted');
	assert.equal(await one(srv, `SELECT lifted_at IS NOT NULL FROM bidding.sanction WHERE id = ${sid}`), 't');
	await bid(S, R.id, 121000000, [3, 4]);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${R.id} AND org_id = ${S.orgId}`), '1');
});

test('a revoked certificate cannot sign bids; a new certificate can', SLOW, async () => {
	const R = await openNotice();
	const [V] = await bidders(['폐지인증서']);
	const body = await prepared(V, R.id, { amount: 120100000, picks: [6, 7] });
	await admin.get('/admin/certificates');
	const short = await admin.post(`/admin/certificates/${V.certId}/revoke`, { reason: 'x' });
	assert.equal(short.location, '/admin/certificates?ok=reason', 'a reason is required');
	assert.equal(await one(srv, `SELECT revoked_at IS NULL FROM bidding.cert WHERE id = ${V.certId}`), 't');
	const reason = `키 분실 신고 ${T}`;
	const rv = await admin.post(`/admin/certificates/${V.certId}/revoke`, { reason });
	assert.equal(rv.status, 303);
	assert.equal(rv.location, '/admin/certificates?ok=revoked');
	assert.deepEqual((await srv.sql(`SELECT revoked_by IS NOT NULL, revoke_reason FROM bidding.cert WHERE id = ${V.certId}`))[0], ['t', reason]);
	assert.equal(await one(srv, `SELECT array_to_json(args)::text FROM portal.notification WHERE user_id = ${V.userId}
		AND msg_key = 'notif.cert_revoked'`), JSON.stringify([V.serial, reason]));

	const w0 = await bidWrites();
	assertRefused(await postBid(await session(V), R.id, body), 403, 'cert_revoked', 'a bid signed before the revocation');
	const cli = await cliBid(V, R.id, 120100000, [6, 7]);
	assert.equal(cli.code, 1);
	assert.ok(cli.stderr.includes(msg('bid.err.cert_revoked')), cli.stderr);
	assert.deepEqual(await bidWrites(), w0);
	const form = await (await session(V)).get(`/notices/${R.id}/bid`);
	assert.equal(form.status, 200);
	assert.ok(!form.text.includes(V.serial), 'the bid form no longer offers the revoked certificate');

	await newCert(V);
	await bid(V, R.id, 120100000, [6, 7]);
});

test('refused bids write nothing: another user\'s certificate, another bizno, tampered envelope, wrong signature, another notice', SLOW, async () => {
	const R = await openNotice();
	const R2 = await published({ title: `다른 공고 ${T}` });
	await openBidding(R2.id);
	const [X, Y] = await bidders(['변조검사', '남의인증서']);
	const c = await session(X);
	const w0 = await bidWrites();

	// Signed with another supplier's key and certificate.
	const foreign = await prepared(X, R.id, { as: Y });
	assertRefused(await postBid(c, R.id, foreign), 403, 'cert_unknown', "another user's certificate");
	// X's certificate but another company's business number in the bid.
	const good = await prepared(X, R.id, { amount: 119900000, picks: [8, 9] });
	const otherBizno = { ...good, canonical: good.canonical.replace(`bizno:${X.bizno}`, `bizno:${Y.bizno}`) };
	assert.notEqual(otherBizno.canonical, good.canonical);
	// Altered after signing: the signature no longer covers it.
	assertRefused(await postBid(c, R.id, otherBizno), 400, 'signature', 'a bid naming another bizno');
	// Without the certificate in the post the server looks it up by serial.
	const { certificate, ...noCert } = good;
	assert.ok(certificate.startsWith('-----BEGIN CERTIFICATE-----'));
	assertRefused(await postBid(c, R.id, { ...noCert, canonical: otherBizno.canonical }), 400, 'signature',
		'the same, the certificate looked up by serial');
	// A certificate that is not the one the bid names (Y's, valid, for X's bid).
	assertRefused(await postBid(c, R.id, { ...good, certificate: readFileSync(Y.cert, 'utf8') }), 400, 'signature',
		"another supplier's certificate shipped with X's bid");
	// One byte of the sealed part flipped, nothing else fixed.
	const env = Buffer.from(good.sealed, 'base64');
	env[env.length - 20] ^= 0x01;
	const flipped = { ...good, sealed: env.toString('base64') };
	assertRefused(await postBid(c, R.id, flipped), 400, 'sealed_hash', 'a flipped byte in the envelope');
	// ... and the hash in the canonical text recomputed: the signature breaks.
	const rehashed = {
		...flipped,
		canonical: good.canonical.replace(/sealed-sha256:[0-9a-f]{64}/, `sealed-sha256:${sha256hex(env)}`),
	};
	assert.notEqual(rehashed.canonical, good.canonical);
	assertRefused(await postBid(c, R.id, rehashed), 400, 'signature', 'a re-hashed tampered envelope');
	// A valid signature, but over another bid.
	const other = await prepared(X, R.id, { amount: 119800000, picks: [8, 10] });
	assertRefused(await postBid(c, R.id, { ...good, signature: other.signature }), 400, 'signature', 'the signature of another bid');
	const sig = Buffer.from(good.signature, 'base64');
	sig[sig.length - 1] ^= 0x80;
	assertRefused(await postBid(c, R.id, { ...good, signature: sig.toString('base64') }), 400, 'signature', 'a flipped signature bit');
	assertRefused(await postBid(c, R.id, { ...good, sealed: '***' }), 400, 'sealed', 'an envelope that is not base64');
	assertRefused(await postBid(c, R.id, { canonical: good.canonical, sealed: good.sealed }), 400, 'incomplete', 'no signature');
	// A bid for notice R posted to notice R2 (and to a notice that does not exist).
	assertRefused(await postBid(c, R2.id, good), 400, 'canonical', 'a bid for another notice than the URL');
	assertRefused(await postBid(c, '999999999', good), 400, 'canonical', 'a bid for a notice that does not exist');
	// A malformed canonical text: 400 with the Korean message of the catalog.
	for (const bad of [good.canonical.replace('g2b-bid-v1', 'g2b-bid-v2'), good.canonical.replace(/\n/g, '\r\n'),
		`${good.canonical}\n`, good.canonical.replace('declarations:integrity,no-collusion', 'declarations:integrity'),
		good.canonical.replace(/order:\d+/, 'order:01'), good.canonical.replace(/nonce:[0-9a-f]{32}/, `nonce:${'A'.repeat(32)}`),
		'g2b-bid-v1\n']) {
		const r = await postBid(c, R.id, { ...good, canonical: bad });
		assertRefused(r, 400, 'canonical', `malformed canonical ${JSON.stringify(bad.slice(0, 40))}`);
		assert.equal(r.json.message, '입찰서 형식이 올바르지 않거나 다른 공고의 입찰서입니다.');
	}
	assert.deepEqual(await bidWrites(), w0, 'no bid row, no chain entry, no audit');

	// The untouched bid goes through: the refusals were about the tampering.
	const ok = await postBid(c, R.id, good);
	assert.equal(ok.status, 200, ok.text);
	assert.equal(ok.json.bid_sha256, sha256hex(good.canonical));
	receipts.push({ text: ok.json.receipt, sig: Buffer.from(ok.json.signature, 'base64') });
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE org_id = ${X.orgId}`), '1');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE notice_id = ${R2.id}`), '0');
});

test('a repeated post of the same signed bid is idempotent; a second different bid is 409 live_exists', SLOW, async () => {
	const R = await openNotice();
	const [X, Y] = await bidders(['중복제출', '타업체']);
	const c = await session(X);
	const body = await prepared(X, R.id, { amount: 120700000, picks: [11, 12] });
	const first = await postBid(c, R.id, body);
	assert.equal(first.status, 200, first.text);
	assert.equal(first.json.duplicate, false);
	receipts.push({ text: first.json.receipt, sig: Buffer.from(first.json.signature, 'base64') });
	const w1 = await bidWrites();
	const second = await postBid(c, R.id, body);
	assert.equal(second.status, 200);
	assert.equal(second.json.duplicate, true);
	assert.deepEqual([second.json.bid_id, second.json.receipt_no, second.json.receipt, second.json.bid_sha256],
		[first.json.bid_id, first.json.receipt_no, first.json.receipt, first.json.bid_sha256], 'the first receipt again');
	// A fresh session (as after a lost connection) gets the same answer.
	const third = await postBid(await loginAs(srv, X.login, X.password), R.id, body);
	assert.equal(third.json.receipt_no, first.json.receipt_no);
	assert.deepEqual(await bidWrites(), w1, 'one row, one chain entry');
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE org_id = ${X.orgId}`), '1');
	// Someone else posting X's bid is refused (X's certificate is not theirs).
	assertRefused(await postBid(await session(Y), R.id, body), 403, 'cert_unknown', "another supplier reposting X's bid");
	// One live bid per supplier and notice.
	const other = await prepared(X, R.id, { amount: 120600000, picks: [11, 13] });
	assertRefused(await postBid(c, R.id, other), 409, 'live_exists', 'a second, different bid');
	const cli = await cliBid(X, R.id, 120600000, [11, 13]);
	assert.equal(cli.code, 1);
	assert.ok(cli.stderr.includes(msg('bid.err.live_exists')), cli.stderr);
	assert.deepEqual(await bidWrites(), w1);
	// The database keeps a notice's bids (bidding/sql/012): neither the
	// notice nor its version can be deleted or renumbered under them, and a
	// bid row needs an existing notice version.
	const versions = await one(srv, `SELECT count(*) FROM bidding.notice_version WHERE notice_id = ${R.id}`);
	await assert.rejects(srv.sql(`DELETE FROM bidding.notice_version WHERE notice_id = ${R.id}`),
		/a version with bids cannot be deleted/);
	await assert.rejects(srv.sql(`DELETE FROM bidding.notice WHERE id = ${R.id}`),
		/a notice with bids cannot be deleted/);
	await assert.rejects(srv.sql(`UPDATE bidding.notice SET id = id + 1000000000 WHERE id = ${R.id}`),
		/cannot be deleted or renumbered/);
	await assert.rejects(srv.sql(`INSERT INTO bidding.bid (notice_id, ord, org_id, user_id, cert_id, canonical,
			sealed, signature, bid_hash, receipt_no, received_at)
		SELECT notice_id, 99, org_id, user_id, cert_id, canonical, sealed, signature, sha256(bid_hash),
			receipt_no || '-x', received_at FROM bidding.bid WHERE org_id = ${X.orgId}`),
		/notice \d+ order 99 does not exist/);
	// Nor can the company, user, certificate or bid a bid row, its audit
	// row or its chain entry names (bidding/sql/013, in place of keys).
	const [certId, bidId, userId] = (await srv.sql(`SELECT cert_id, id, user_id FROM bidding.bid
		WHERE org_id = ${X.orgId}`))[0];
	for (const [sql, by] of [[`DELETE FROM bidding.cert WHERE id = ${certId}`, 'bidding.bid.cert_id'],
		[`DELETE FROM bidding.bid WHERE id = ${bidId}`, 'bidding.bid_chain.bid_id'],
		[`UPDATE bidding.bid SET id = id + 1000000000 WHERE id = ${bidId}`, 'bidding.bid_chain.bid_id'],
		[`DELETE FROM portal.users WHERE id = ${userId}`, 'bidding.bid.user_id'],
		[`DELETE FROM portal.org WHERE id = ${X.orgId}`, 'bidding.bid.org_id']]) {
		await assert.rejects(srv.sql(sql), new RegExp(`still referenced by ${by.replace(/\./g, '\\.')}`), sql);
	}
	// A user with audit rows but no bid is kept as well.
	assert.notEqual(await one(srv, `SELECT count(*) FROM portal.audit WHERE actor = ${Y.userId}`), '0');
	await assert.rejects(srv.sql(`DELETE FROM portal.users WHERE id = ${Y.userId}`),
		/still referenced by portal\.audit\.actor/);
	assert.deepEqual(await bidWrites(), w1);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.notice_version WHERE notice_id = ${R.id}`), versions);
});

test('bids on a region-restricted notice: a supplier from another region is refused, a local one (registered through the form) bids', SLOW, async () => {
	const G = await published({ title: `부산 지역제한 공고 ${T}`, contract_method: 'restricted', region_limit: '26' });
	await openBidding(G.id);
	const [seoul] = await bidders(['서울소재']);
	const local = await bidder('부산소재', { region: '26', viaRegistration: true });
	assert.equal(await one(srv, `SELECT region FROM portal.org WHERE id = ${local.orgId}`), '26');
	const w0 = await bidWrites();
	const cli = await cliBid(seoul, G.id, 124000000, [1, 2]);
	assert.equal(cli.code, 1);
	assert.ok(cli.stderr.includes(msg('bid.err.not_eligible_region')), cli.stderr);
	assertRefused(await postBid(await session(seoul), G.id, await prepared(seoul, G.id)), 403, 'not_eligible_region', 'a Seoul supplier');
	assert.deepEqual(await bidWrites(), w0);
	const ok = await bid(local, G.id, 124000000, [1, 2]);
	assert.deepEqual((await bidRows(G.id, local.orgId)).map((r) => [r[0], r[1]]), [[ok.bidId, 'live']]);
	// A restricted competition, like an open one, needs two valid bids:
	// the single bid ends it as 유찰 (국가계약법 시행령 제20조), no contract.
	await closeBidding(G.id);
	assert.equal((await openAs(officer, G.id)).status, 303);
	assert.equal(await one(srv, `SELECT ranked FROM bidding.opening WHERE notice_id = ${G.id}`), '1');
	assert.deepEqual((await srv.sql(`SELECT outcome FROM bidding.notice WHERE id = ${G.id}`))[0], ['failed']);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.contract WHERE notice_id = ${G.id}`), '0');
});

test('only approved suppliers may bid, with a valid CSRF token', SLOW, async () => {
	const R = await openNotice();
	const [X] = await bidders(['권한검사']);
	const body = await prepared(X, R.id, { amount: 120300000, picks: [13, 14] });
	const w0 = await bidWrites();
	const pending = await loginAs(srv, ...DEMO.pending);
	for (const [who, c] of [['agency', agency], ['officer', officer], ['staff', admin], ['pending supplier', pending]]) {
		const r = await postBid(c, R.id, body);
		assert.equal(r.status, 403, `${who} POST`);
		assert.equal((await c.get(`/notices/${R.id}/bid`)).status, 403, `${who} GET`);
	}
	const anon = new Client(srv.base);
	await anon.get('/');
	assert.equal((await postBid(anon, R.id, body)).status, 401, 'anonymous');
	const g = await anon.get(`/notices/${R.id}/bid`);
	assert.equal(g.status, 303);
	assert.match(g.location, /^\/login\?next=/);
	const c = await session(X);
	assert.equal((await postBid(c, R.id, body, { csrf: false })).status, 403, 'no CSRF token');
	assert.equal((await postBid(c, R.id, { ...body, csrf: 'A'.repeat(43) }, { csrf: false })).status, 403, 'a forged token');
	assert.equal((await postBid(c, R.id, { ...body, csrf: await csrfOf(agency) }, { csrf: false })).status, 403, "another session's token");
	assert.equal((await c.request('POST', `/notices/${R.id}/withdraw`, {})).status, 403, 'withdraw without a token');
	assert.deepEqual(await bidWrites(), w0);
	// The same body with the supplier's token is a valid bid.
	assert.equal((await postBid(c, R.id, body)).status, 200);
});

// ------------------------------------------------------------ 5. receipts

test('receipts verify with openssl and g2b verify-receipt, are served again to their owner only, and each matches one stored bid', SLOW, async () => {
	const R = await openNotice();
	const [X, Y] = await bidders(['접수증', '남의접수증']);
	const made = await bid(X, R.id, 120400000, [4, 9]);
	const ybid = await bid(Y, R.id, 120450000, [4, 10]);
	const keyFile = path.join(X.dir, 'receipt-key.pem');
	const k = await raw(srv, 'GET', '/receipt-key.pem');
	assert.equal(k.status, 200);
	assert.match(k.text, /^-----BEGIN PUBLIC KEY-----/);
	writeFileSync(keyFile, k.text);
	const openssl = (txt, sig) => run('openssl', ['dgst', '-sha256', '-verify', keyFile, '-signature', sig, txt]);

	// What the client saved, checked offline both ways.
	const v1 = await openssl(`${made.prefix}.txt`, `${made.prefix}.sig`);
	assert.equal(v1.code, 0, v1.stdout + v1.stderr);
	assert.match(v1.stdout, /Verified OK/);
	const v2 = await g2b(['verify-receipt', '--receipt', `${made.prefix}.txt`, '--sig', `${made.prefix}.sig`, '--pubkey', keyFile]);
	assert.equal(v2.code, 0, v2.stderr);
	const f = fields(v2.stdout);
	assert.equal(f.signature, 'ok');
	assert.deepEqual([f.receipt, f['notice-no'], f.order, f.bizno, f['bid-sha256']], [made.receipt, R.no, '1', X.bizno, made.hash]);
	assert.match(f.received, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
	const saved = readFileSync(`${made.prefix}.txt`, 'utf8');
	assert.equal(saved, `g2b-receipt-v1\nreceipt:${made.receipt}\nnotice-no:${R.no}\norder:1\nbizno:${X.bizno}\nbid-sha256:${made.hash}\nreceived:${f.received}\n`);
	// A changed receipt does not verify.
	const forged = path.join(X.dir, 'forged.txt');
	writeFileSync(forged, saved.replace(`bizno:${X.bizno}`, `bizno:${Y.bizno}`));
	assert.equal((await openssl(forged, `${made.prefix}.sig`)).code, 1);
	const v3 = await g2b(['verify-receipt', '--receipt', forged, '--sig', `${made.prefix}.sig`, '--pubkey', keyFile]);
	assert.equal(v3.code, 1);
	assert.match(v3.stderr, /does NOT verify/);

	// Served again: the same text, a valid signature.
	const c = await session(X);
	const t = await c.get(`/bids/${made.bidId}/receipt.txt`);
	assert.equal(t.status, 200);
	assert.equal(t.text, saved, 'the same receipt text');
	assert.match(t.headers.get('content-disposition'), new RegExp(`${made.receipt}\\.txt`));
	const sres = await fetch(`${srv.base}/bids/${made.bidId}/receipt.sig`, { headers: { cookie: c.cookieHeader() } });
	assert.equal(sres.status, 200);
	const served = path.join(X.dir, 'served');
	writeFileSync(`${served}.txt`, t.text);
	writeFileSync(`${served}.sig`, Buffer.from(await sres.arrayBuffer()));
	assert.equal((await openssl(`${served}.txt`, `${served}.sig`)).code, 0, 'the served signature verifies');
	const html = await c.get(`/bids/${made.bidId}/receipt`);
	assert.equal(html.status, 200);
	assert.ok(text(html.text).includes(made.receipt) && html.text.includes(made.hash));
	const rc = await g2b(['receipt', '--server', srv.base, '--user', X.login, '--bid', made.bidId, '--receipt-out', path.join(X.dir, 'again')], X);
	assert.equal(rc.code, 0, rc.stderr);
	assert.equal(fields(rc.stdout)['bid-sha256'], made.hash);
	assert.equal(readFileSync(path.join(X.dir, 'again.txt'), 'utf8'), saved);
	// Nobody else's: another supplier gets 404, staff may look.
	const cy = await session(Y);
	for (const s of ['', '.txt', '.sig']) {
		assert.equal((await cy.get(`/bids/${made.bidId}/receipt${s}`)).status, 404, `another supplier: receipt${s}`);
		assert.equal((await c.get(`/bids/${ybid.bidId}/receipt${s}`)).status, 404, `X for Y's receipt${s}`);
	}
	assert.equal((await agency.get(`/bids/${made.bidId}/receipt.txt`)).status, 403, 'an agency user may not');
	const ry = await g2b(['receipt', '--server', srv.base, '--user', Y.login, '--bid', made.bidId, '--receipt-out', path.join(Y.dir, 'x')], Y);
	assert.equal(ry.code, 1);

	// Every receipt handed out in this file verifies and names exactly one
	// stored bid whose hash is the SHA-256 of its canonical text.
	assert.ok(receipts.length >= 2);
	for (const [i, r] of receipts.entries()) {
		const p = path.join(X.dir, `all-${i}`);
		writeFileSync(`${p}.txt`, r.text);
		writeFileSync(`${p}.sig`, r.sig);
		assert.equal((await openssl(`${p}.txt`, `${p}.sig`)).code, 0, `receipt ${i} verifies`);
		const kv = Object.fromEntries(r.text.trim().split('\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
		const rows = await srv.sql(`SELECT encode(b.bid_hash, 'hex'), encode(sha256(convert_to(b.canonical, 'UTF8')), 'hex'),
			n.notice_no, b.ord, o.bizno, to_char(b.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
			FROM bidding.bid b JOIN bidding.notice n ON n.id = b.notice_id JOIN portal.org o ON o.id = b.org_id
			WHERE b.receipt_no = ${q(kv.receipt)}`);
		assert.equal(rows.length, 1, `receipt ${kv.receipt}: one stored bid`);
		assert.deepEqual(rows[0], [kv['bid-sha256'], kv['bid-sha256'], kv['notice-no'], kv.order, kv.bizno, kv.received]);
		assert.equal(await one(srv, `SELECT count(*) FROM bidding.bid WHERE bid_hash = '\\x${kv['bid-sha256']}'`), '1');
	}
});

// Regression: receipt_get (bidding/bids.c) passed the staff user's empty
// org_id as $2::bigint, so every receipt URL answered 503 to staff.
test('staff may look at any supplier\'s receipt (text, signature, page)', SLOW, async () => {
	const R = await openNotice();
	const [X] = await bidders(['직원열람']);
	const made = await bid(X, R.id, 120350000, [5, 12]);
	const saved = readFileSync(`${made.prefix}.txt`, 'utf8');
	const t = await admin.get(`/bids/${made.bidId}/receipt.txt`);
	assert.equal(t.status, 200, 'staff: receipt.txt');
	assert.equal(t.text, saved);
	const page = await admin.get(`/bids/${made.bidId}/receipt`);
	assert.equal(page.status, 200, 'staff: receipt page');
	assert.ok(text(page.text).includes(made.receipt) && text(page.text).includes(X.company));
	const s = await fetch(`${srv.base}/bids/${made.bidId}/receipt.sig`, { headers: { cookie: admin.cookieHeader() } });
	assert.equal(s.status, 200, 'staff: receipt.sig');
	const p = path.join(X.dir, 'staff');
	writeFileSync(`${p}.txt`, t.text);
	writeFileSync(`${p}.sig`, Buffer.from(await s.arrayBuffer()));
	const k = path.join(X.dir, 'staff-key.pem');
	writeFileSync(k, (await raw(srv, 'GET', '/receipt-key.pem')).text);
	const v = await run('openssl', ['dgst', '-sha256', '-verify', k, '-signature', `${p}.sig`, `${p}.txt`]);
	assert.equal(v.code, 0, v.stdout + v.stderr);
});

// ------------------------------------------------------------ 6. chain

test('g2b chain-check: ok, then names a bid whose row was altered, a deleted entry and an edited hash; ok again once restored', SLOW, async () => {
	const R = await openNotice();
	const [X, Y] = await bidders(['체인일', '체인이']);
	const x = await bid(X, R.id, 120200000, [2, 7]);
	await bid(Y, R.id, 120250000, [2, 8]);
	const w = await g2b(['withdraw', '--server', srv.base, '--user', Y.login, '--notice', R.id], Y);
	assert.equal(w.code, 0, w.stderr);
	await assertChainOk('before tampering');
	const bk = `public.bk_bid_${T}`;
	const bkc = `public.bk_chain_${T}`;
	// chain-check exits 1 and names bid x; another bid only where the lane
	// link breaks after a damaged entry (`lane`: its next entry's seq or
	// prev_hash no longer follows).
	const expectNamed = async (what, mustSay, lane) => {
		const r = await chainCheck();
		assert.equal(r.code, 1, `${what}: chain-check exits 1\n${r.stdout}`);
		assert.ok(r.bids.has(x.bidId), `${what}: names bid ${x.bidId}\n${r.stdout}`);
		const others = r.problems.filter((l) => {
			const id = (l.match(/\bbid (\d+):/) || [])[1];
			if (!id || id === x.bidId || wrecked.has(id)) return false;
			return !(lane !== undefined && l.startsWith(`problem: lane ${lane}, seq `) && /: (seq \d+ follows seq|prev_hash is not the hash)/.test(l));
		});
		assert.deepEqual(others, [], `${what}: names no other bid\n${r.stdout}`);
		for (const s of mustSay) assert.ok(r.problems.some((l) => l.includes(s)), `${what}: "${s}"\n${r.stdout}`);
		assert.match(r.stderr, /chain-check: \d+ problems? in \d+ entries/);
		return r;
	};

	// One byte of the stored envelope.
	const flip = `UPDATE bidding.bid SET sealed = set_byte(sealed, 40, get_byte(sealed, 40) # 1) WHERE id = ${x.bidId}`;
	await srv.sql(flip);
	await expectNamed('a flipped envelope byte', ['row_hash is not the hash of the bid row as stored now',
		'the stored envelope is not the one the canonical text names']);
	await srv.sql(flip);
	await assertChainOk('envelope restored');

	// The canonical text (one digit of the nonce).
	await srv.sql(`CREATE TABLE ${bk} AS SELECT id, canonical, signature FROM bidding.bid WHERE id = ${x.bidId}`);
	try {
		await srv.sql(`UPDATE bidding.bid SET canonical = regexp_replace(canonical, 'nonce:([0-9a-f])',
			'nonce:' || CASE WHEN substring(canonical FROM 'nonce:([0-9a-f])') = '0' THEN '1' ELSE '0' END) WHERE id = ${x.bidId}`);
		await expectNamed('an edited canonical text', ['bid_hash is not the SHA-256 of the canonical text', 'row_hash is not the hash']);
		await srv.sql(`UPDATE bidding.bid b SET canonical = k.canonical FROM ${bk} k WHERE b.id = k.id`);
		await assertChainOk('canonical restored');
		// The signature.
		await srv.sql(`UPDATE bidding.bid SET signature = set_byte(signature, 10, get_byte(signature, 10) # 1) WHERE id = ${x.bidId}`);
		await expectNamed('an edited signature', ['row_hash is not the hash']);
		await srv.sql(`UPDATE bidding.bid b SET signature = k.signature FROM ${bk} k WHERE b.id = k.id`);
		await assertChainOk('signature restored');
	} finally {
		await srv.sql(`UPDATE bidding.bid b SET canonical = k.canonical, signature = k.signature FROM ${bk} k WHERE b.id = k.id`);
		await srv.sql(`DROP TABLE ${bk}`);
	}

	// A deleted chain entry, then an edited chain hash.
	const [[lane, seq]] = await srv.sql(`SELECT lane, seq FROM bidding.bid_chain WHERE bid_id = ${x.bidId} AND kind = 'submit'`);
	await srv.sql(`CREATE TABLE ${bkc} AS SELECT * FROM bidding.bid_chain WHERE lane = ${lane} AND seq = ${seq}`);
	try {
		await srv.sql(`DELETE FROM bidding.bid_chain WHERE lane = ${lane} AND seq = ${seq}`);
		const del = await expectNamed('a deleted entry', ["0 'submit' entries"], lane);
		assert.ok(del.problems.some((l) => l.includes(`lane ${lane}`)), `the lane is named\n${del.stdout}`);
		await srv.sql(`INSERT INTO bidding.bid_chain SELECT * FROM ${bkc}`);
		await assertChainOk('entry restored');
		const edit = `UPDATE bidding.bid_chain SET hash = set_byte(hash, 0, get_byte(hash, 0) # 1) WHERE lane = ${lane} AND seq = ${seq}`;
		await srv.sql(edit);
		const r = await expectNamed('an edited chain hash', [`lane ${lane}, seq ${seq}, bid ${x.bidId}: hash does not recompute`], lane);
		assert.ok(r.problems.length >= 2, 'the next link (or the head) no longer matches either');
		await srv.sql(edit);
		await assertChainOk('hash restored');
	} finally {
		await srv.sql(`INSERT INTO bidding.bid_chain SELECT * FROM ${bkc} k WHERE NOT EXISTS (SELECT 1 FROM bidding.bid_chain c
			WHERE c.lane = k.lane AND c.seq = k.seq)`);
		await srv.sql(`UPDATE bidding.bid_chain c SET hash = k.hash FROM ${bkc} k WHERE c.lane = k.lane AND c.seq = k.seq`);
		await srv.sql(`DROP TABLE ${bkc}`);
	}
	await assertChainOk('after the tamper test');
});

// ------------------------------------------------------------ 7. opening vs sealed data

// Last in the file: the damage done here is permanent by design (the
// chain's 'open' entries record the rows as they were opened), so the
// chain check names these bids from now on (see `wrecked`).
test('bids altered in the database before the opening are listed invalid and not ranked; the others are ranked', SLOW, async () => {
	const O = await published({ title: `변조 입찰서 개찰 ${T}` });
	const [A, B, C, D] = await bidders(['정상일', '정상이', '봉인변조', '서명변조']);
	await openBidding(O.id);
	const made = [
		{ b: A, amount: 124000000, picks: [1, 3] },
		{ b: B, amount: 123500000, picks: [3, 5] },
		{ b: C, amount: 118000000, picks: [14, 15] },
		{ b: D, amount: 118500000, picks: [13, 15] },
	];
	for (const m of made) Object.assign(m, await bid(m.b, O.id, m.amount, m.picks));
	await closeBidding(O.id);
	// C's envelope loses one bit; D's signature too.
	await srv.sql(`UPDATE bidding.bid SET sealed = set_byte(sealed, length(sealed) - 1, get_byte(sealed, length(sealed) - 1) # 1)
		WHERE id = ${made[2].bidId}`);
	await srv.sql(`UPDATE bidding.bid SET signature = set_byte(signature, length(signature) - 1,
		get_byte(signature, length(signature) - 1) # 1) WHERE id = ${made[3].bidId}`);
	made[2].reason = 'sealed_hash';
	made[3].reason = 'signature';
	wrecked.add(made[2].bidId);
	wrecked.add(made[3].bidId);
	const before1 = await chainCheck();
	assert.equal(before1.code, 1);
	assert.ok(before1.bids.has(made[2].bidId) && before1.bids.has(made[3].bidId), before1.stdout);

	const r = await openAs(officer, O.id);
	assert.equal(r.status, 303, `opening (${r.status}): ${text(r.text).slice(0, 300)}`);
	assert.equal(await one(srv, `SELECT outcome FROM bidding.notice WHERE id = ${O.id}`), 'awarded', 'two valid bids are enough');
	const { ranked } = await checkResult(O.id, O.no, 1, made, { base: 125000000, invalid: [made[2], made[3]] });
	assert.deepEqual(ranked.map((m) => m.b), [B, A], 'only the untouched bids are ranked, lowest first');
	assert.equal(await one(srv, `SELECT bid_id FROM bidding.contract WHERE notice_id = ${O.id}`), made[1].bidId,
		'the award goes to the lowest valid bid, not to a cheaper altered one');
	assert.deepEqual(await srv.sql(`SELECT bids, ranked FROM bidding.opening WHERE notice_id = ${O.id}`), [['4', '2']]);
	const after1 = await chainCheck();
	assert.equal(after1.code, 1);
	assert.deepEqual([...after1.bids].sort(), [made[2].bidId, made[3].bidId].sort(), 'the chain check names exactly the altered bids');
});
