// Notice attachments (입찰공고 첨부파일) over HTTP: an agency uploads files
// of its own notice (multipart/form-data, one file a post), each checked by
// extension and content, stored with its SHA-256; draft files become public
// with the publication (order 1), later additions and removals with the
// next amendment (정정공고) and its order; removed files stay downloadable,
// struck through; after the close nothing changes; a re-notice (재공고)
// copies the live files. Downloads carry the extension's content type,
// an RFC 6266 file name and the hash as ETag. Every refusal (type, size,
// count, duplicate, body limits, CSRF, another agency, a supplier,
// anonymous) is checked to write nothing, in Korean and English.
//
// Uploads are made with Node's fetch + FormData + Blob (what a browser
// sends), or with a hand-written body where the exact bytes matter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { text, ROOT } from '../lib/harness.mjs';
import {
	boot, one, q, loginAs, Client, DEMO, msg, tag, uniqueLogin, inputValue, textareaValue, selectedOption,
	auditRows, raw, unescape,
} from './helpers.mjs';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const MB = 1024 * 1024;
const T = tag(); // this run's marker in titles
const PASS = `첨부파일-${T}-Open!2026`; // the opening passphrase (>= 12 characters)

let srv;
let agency; // 서울특별시 agency user
let officer; // 서울특별시 bid officer
let supplier;
let busan; // an agency user of 부산광역시
const ids = {};
const cat = {};

before(async () => {
	srv = await boot();
	ids.seoul = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6110000'");
	ids.busan = await one(srv, "SELECT id FROM portal.org WHERE agency_code = '6260000'");
	assert.ok(ids.seoul && ids.busan, 'the demo agencies exist');
	ids.officer = await one(srv, "SELECT id FROM portal.users WHERE login = 'officer'");
	ids.agency = await one(srv, "SELECT id FROM portal.users WHERE login = 'agency'");
	const code = async (like, n = 0) => one(srv,
		`SELECT code FROM portal.category WHERE level = 4 AND code LIKE ${q(like)} ORDER BY code OFFSET ${n} LIMIT 1`);
	cat.it1 = await code('4321%');
	cat.it2 = await code('4321%', 1);
	const login = uniqueLogin('bs');
	await srv.sql(`INSERT INTO portal.users (login, org_id, role, name, email, pwhash)
		SELECT ${q(login)}, ${ids.busan}, 'agency', '부산담당', ${q(`${login}@test.example`)}, pwhash
		FROM portal.users WHERE login = 'agency'`);
	[agency, officer, supplier, busan] = await Promise.all([
		loginAs(srv, ...DEMO.agency), loginAs(srv, ...DEMO.officer), loginAs(srv, ...DEMO.supplier),
		loginAs(srv, login, DEMO.agency[1]),
	]);
});
after(async () => { await srv?.shutdown(); });

// ------------------------------------------------------------ messages

// The attachment messages live in bidding/i18n/attach.<lang>.txt.
const attachCatalogs = {};
function amsg(key, lang = 'ko') {
	if (!attachCatalogs[lang]) {
		attachCatalogs[lang] = {};
		for (const line of readFileSync(path.join(ROOT, `bidding/i18n/attach.${lang}.txt`), 'utf8').split('\n')) {
			const m = line.match(/^\s*([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/);
			if (m && !line.trimStart().startsWith('#')) attachCatalogs[lang][m[1]] = m[2];
		}
	}
	const v = attachCatalogs[lang][key];
	if (v === undefined) throw new Error(`no message ${key} in attach.${lang}.txt`);
	return v;
}

// ------------------------------------------------------------ notices

// A datetime-local value in Korea time, `ms` from now ("YYYY-MM-DDTHH:MM").
function kst(ms) {
	return new Date(Date.now() + ms + 9 * HOUR).toISOString().slice(0, 16);
}

function form(over = {}) {
	return {
		title: `첨부파일 시험 공고 ${T}`,
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

function fieldErrs(html) {
	const out = {};
	for (const m of (html || '').matchAll(/<p class="err(?: wide)?" id="e-([a-z0-9_]+)"[^>]*>([^<]*)<\/p>/g)) out[m[1]] = unescape(m[2]);
	return out;
}

async function drafted(title) {
	assert.equal((await agency.get('/notices/new')).status, 200);
	const r = await agency.post('/notices/new', form({ title: `${title} ${T}` }));
	assert.equal(r.status, 303, `draft refused: ${JSON.stringify(fieldErrs(r.text))}`);
	const m = r.location.match(/^\/notices\/(\d+)\?ok=saved$/);
	assert.ok(m, `redirect to the draft: ${r.location}`);
	return m[1];
}

async function publish(id) {
	const c = await loginAs(srv, ...DEMO.officer);
	await c.get(`/notices/${id}/publish`);
	const r = await c.post(`/notices/${id}/publish`, { passphrase: PASS, passphrase2: PASS });
	assert.equal(r.status, 303, `publish refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	assert.equal(await one(srv, `SELECT status FROM bidding.notice WHERE id = ${id}`), 'published');
}

function itemInputs(html, name) {
	return [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => unescape(m[1]));
}

// The amendment form as a browser submits it, with a reason.
async function amended(id, reason) {
	const g = await agency.get(`/notices/${id}/amend`);
	assert.equal(g.status, 200, `GET /notices/${id}/amend`);
	const h = g.text;
	const f = {
		ord: h.match(/<input type="hidden" name="ord" value="([^"]*)">/)[1],
		reason,
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
	};
	assert.equal(textareaValue(h, 'reason'), '');
	const r = await agency.post(`/notices/${id}/amend`, f);
	assert.equal(r.status, 303, `amendment refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	return Number(f.ord) + 1;
}

// Time travel: bidding of the current order closed an hour ago.
async function closeBidding(id) {
	await srv.sql(`UPDATE bidding.notice_version SET bid_start = now() - interval '3 hours',
		bid_close = now() - interval '1 hour', opening_at = now() + interval '1 hour'
		WHERE notice_id = ${id} AND ord = (SELECT cur_ord FROM bidding.notice WHERE id = ${id})`);
}

// ------------------------------------------------------------ files

const CTYPE = {
	pdf: 'application/pdf',
	hwp: 'application/x-hwp',
	doc: 'application/msword',
	xls: 'application/vnd.ms-excel',
	ppt: 'application/vnd.ms-powerpoint',
	hwpx: 'application/hwp+zip',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	zip: 'application/zip',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	txt: 'text/plain; charset=utf-8',
	csv: 'text/csv; charset=utf-8',
};
const OLE = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const MAGIC = {
	pdf: Buffer.from('%PDF-1.7\n'),
	hwp: OLE, doc: OLE, xls: OLE, ppt: OLE,
	hwpx: Buffer.from('PK\x03\x04'), docx: Buffer.from('PK\x03\x04'), xlsx: Buffer.from('PK\x03\x04'),
	pptx: Buffer.from('PK\x03\x04'), zip: Buffer.from('PK\x03\x04'),
	png: Buffer.from('89504e470d0a1a0a', 'hex'),
	jpg: Buffer.from('ffd8ffe0', 'hex'), jpeg: Buffer.from('ffd8ffe1', 'hex'),
};

// Content of a given type: the format's first bytes and random bytes (text
// for txt/csv), different every call.
function content(ext, n = 3000) {
	if (ext === 'txt') return Buffer.from(`입찰 참가 자격 안내 ${tag()}\n`.repeat(Math.ceil(n / 40)));
	if (ext === 'csv') return Buffer.from(`\ufeff품목,수량,단위\n노트북,10,대\n${tag()},1,식\n`);
	return Buffer.concat([MAGIC[ext.toLowerCase()], randomBytes(n)]);
}

const sha = (b) => createHash('sha256').update(b).digest('hex');

// POST one file as a browser does (FormData): csrf first, then the file.
// csrf: undefined = the token of the page just fetched, null = none.
async function upload(c, id, name, data, { type = 'application/octet-stream', csrf, lang, get = true, fields = {} } = {}) {
	if (get) await c.get(`/notices/${id}/attachments`);
	const fd = new FormData();
	if (csrf !== null) fd.append('csrf', csrf ?? c.csrf());
	for (const [k, v] of Object.entries(fields)) fd.append(k, v);
	if (name !== null) fd.append('file', new Blob([data], { type }), name);
	return send(c, `/notices/${id}/attachments${lang ? `?lang=${lang}` : ''}`, fd);
}

async function send(c, url, body, headers = {}) {
	const h = { ...headers };
	if (c && c.cookies.size) h.cookie = c.cookieHeader();
	const res = await fetch(srv.base + url, { method: 'POST', body, headers: h, redirect: 'manual' });
	if (c) c.keepCookies(res);
	const t = await res.text();
	if (c && (res.headers.get('content-type') || '').startsWith('text/html')) c.html = t;
	return { status: res.status, headers: res.headers, text: t, location: res.headers.get('location') };
}

// A hand-written multipart body: parts of { name, filename?, type?, data }
// or { head, data } (the part's header block as is).
function multipart(parts, boundary) {
	const out = [];
	for (const p of parts) {
		out.push(Buffer.from(`--${boundary}\r\n`));
		const head = p.head ?? (`Content-Disposition: form-data; name="${p.name}"`
			+ (p.filename !== undefined ? `; filename="${p.filename}"\r\nContent-Type: ${p.type || 'application/octet-stream'}` : ''));
		out.push(Buffer.from(`${head}\r\n\r\n`, 'utf8'), Buffer.from(p.data), Buffer.from('\r\n'));
	}
	out.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(out);
}

async function sendRaw(c, url, body, boundary) {
	return send(c, url, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}

// A request over a plain socket: the head, then (unless the server has
// answered within a second) the body. A server may answer and close as
// soon as it reads the head (Kore does for a Content-Length over
// http_body_max); fetch, still sending, then only reports EPIPE and the
// answer is lost in the reset. Returns { status, text, early }.
function rawHttp(head, body) {
	const { port } = new URL(srv.base);
	return new Promise((resolve, reject) => {
		const chunks = [];
		let early = false;
		const s = net.connect(Number(port), '127.0.0.1');
		s.on('data', (d) => chunks.push(d));
		s.on('error', () => { /* EPIPE/ECONNRESET after the answer */ });
		s.on('close', () => {
			const t = Buffer.concat(chunks).toString('latin1');
			const m = t.match(/^HTTP\/1\.[01] (\d{3})/);
			if (!m) reject(new Error(`no HTTP answer: ${JSON.stringify(t.slice(0, 200))}`));
			else resolve({ status: Number(m[1]), text: t, early });
		});
		s.on('connect', async () => {
			s.write(head);
			await new Promise((r) => setTimeout(r, 1000));
			if (chunks.length > 0) { early = true; s.end(); return; }
			for (let i = 0; i < body.length && !s.destroyed && chunks.length === 0; i += 64 * 1024) {
				if (!s.write(body.subarray(i, i + 64 * 1024))) await new Promise((r) => { s.once('drain', r); s.once('close', r); });
			}
			if (!s.destroyed) s.end();
		});
		s.setTimeout(30_000, () => s.destroy(new Error('timeout')));
	});
}

// Uploaded and redirected back to the list with the flash.
async function uploaded(c, id, name, data, opts) {
	const r = await upload(c, id, name, data, opts);
	assert.equal(r.status, 303, `upload of ${name} refused (${r.status}): ${JSON.stringify(fieldErrs(r.text))}`);
	assert.equal(r.location, `/notices/${id}/attachments?ok=attached`);
	const aid = await one(srv, `SELECT id FROM bidding.attachment WHERE notice_id = ${id} AND sha256 = decode('${sha(data)}', 'hex') AND removed_ord IS NULL`);
	assert.ok(aid, `${name} is stored`);
	return aid;
}

async function removeFile(c, id, aid, undo = false) {
	await c.get(`/notices/${id}/attachments`);
	return c.post(`/notices/${id}/attachments/${aid}/remove`, undo ? { undo: '1' } : {});
}

// Download as c (a Client) or anonymously (null).
async function download(c, id, aid, headers = {}) {
	const h = { ...headers };
	if (c && c.cookies.size) h.cookie = c.cookieHeader();
	const res = await fetch(`${srv.base}/notices/${id}/attachments/${aid}`, { headers: h, redirect: 'manual' });
	return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

// The UTF-8 name of a Content-Disposition header (RFC 6266 filename*).
function dispositionName(cd) {
	const m = cd.match(/filename\*=UTF-8''([^;\s]+)/);
	return m ? decodeURIComponent(m[1]) : undefined;
}

async function downloadedOk(c, id, aid, name, data, ext) {
	const d = await download(c, id, aid);
	assert.equal(d.status, 200, `download ${name}`);
	assert.equal(d.body.length, data.length, `${name}: length`);
	assert.equal(sha(d.body), sha(data), `${name}: byte-exact`);
	assert.equal(d.headers.get('content-type'), CTYPE[ext], `${name}: the extension's content type`);
	const cd = d.headers.get('content-disposition');
	assert.match(cd, /^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9%._~-]+$/, `${name}: ${cd}`);
	assert.equal(dispositionName(cd), name, `${name}: filename*`);
	assert.equal(d.headers.get('etag'), `"${sha(data)}"`);
	assert.equal(d.headers.get('x-content-type-options'), 'nosniff', 'the browser may not sniff another type');
	return d;
}

// The rows of the management page.
function rows(html) {
	return [...html.matchAll(/<tr( class="removed")?><td><a href="\/notices\/(\d+)\/attachments\/(\d+)" download>([^<]*)<\/a><\/td><td class="num nowrap">([^<]*)<\/td><td class="mono small hash" title="([0-9a-f]{64})"><span class="hash-short">([^<]*)<\/span><\/td>\s*<td>([\s\S]*?)<\/td>\s*<td class="nowrap">([^<]*)<\/td>\s*<td>([\s\S]*?)<\/td><\/tr>/g)]
		.map((m) => ({
			removed: Boolean(m[1]), id: m[3], name: unescape(m[4]), size: m[5], sha256: m[7],
			state: text(m[8]).trim(), at: m[9], actions: m[10], title: m[6],
		}));
}

// The file list of a notice page.
function listed(html) {
	return [...html.matchAll(/<li( class="removed")?><a href="\/notices\/(\d+)\/attachments\/(\d+)" download>([^<]*)<\/a> <span class="muted">([^<]*)<\/span>([\s\S]*?)<br><span class="mono wrap small" title="SHA-256">SHA-256 ([^<]*)<\/span><\/li>/g)]
		.map((m) => ({ removed: Boolean(m[1]), id: m[3], name: unescape(m[4]), size: m[5], state: text(m[6]).trim(), sha256: m[7] }));
}

async function stored(id) {
	return srv.sql(`SELECT id, name, ctype, size, encode(sha256, 'hex'), coalesce(added_ord::text, '-'),
		coalesce(removed_ord::text, '-'), remove_pending FROM bidding.attachment WHERE notice_id = ${id} ORDER BY id`);
}

// Everything the attachment functions write, for "nothing written".
async function snapshot() {
	return (await srv.sql(`SELECT (SELECT count(*) FROM bidding.attachment),
		(SELECT coalesce(string_agg(id || ':' || notice_id || ':' || coalesce(added_ord, 0) || ':' || coalesce(removed_ord, 0)
			|| ':' || remove_pending || ':' || encode(sha256, 'hex') || ':' || name, ',' ORDER BY id), '') FROM bidding.attachment),
		(SELECT count(*) FROM portal.audit WHERE event IN ('notice.attach', 'notice.detach', 'notice.attach_keep'))`))[0];
}

async function fileAudit(id) {
	return auditRows(srv, `event IN ('notice.attach', 'notice.detach', 'notice.attach_keep') AND detail->>'notice' = '${id}'`);
}

function assertRefused(r, key, lang = 'ko', status = 400) {
	assert.equal(r.status, status, `refusal ${key}: ${r.status}`);
	assert.deepEqual(fieldErrs(r.text), { file: amsg(key, lang) }, `message of ${key} (${lang})`);
	assert.ok(r.text.includes(msg('err.form', lang)), 'the form error summary');
	assert.ok(/<input id="file" name="file" type="file"[^>]*aria-describedby="h-file e-file"[^>]*aria-invalid="true"/.test(r.text),
		'the file input is marked invalid and described by the message');
	assert.ok(r.text.includes('enctype="multipart/form-data"'), 'the upload form is shown again');
}

// An upload refused because the notice can no longer change: 400, the
// page says bidding has closed and offers no form.
function assertClosed(r, lang) {
	assert.equal(r.status, 400, `closed: ${r.status}`);
	assert.ok(text(r.text).includes(amsg('attach.closed', lang)), `the closed message (${lang})`);
	assert.match(r.text, /<p class="notice bad" role="alert">/, 'the alert gives the reason');
	assert.ok(!r.text.includes('enctype="multipart/form-data"'), 'no upload form');
}

// ---------------------------------------------------------------- tests

test('draft files: every accepted type is stored with its hash, seen only by the agency, and made public (order 01) by the publication', async () => {
	const id = await drafted('첨부 초안 공고');
	const url = `/notices/${id}/attachments`;

	// The empty page: the form (multipart, hidden CSRF), the rules, no files.
	const g = await agency.get(url);
	assert.equal(g.status, 200);
	assert.ok(g.text.includes(`<form method="post" action="${url}" enctype="multipart/form-data"`));
	assert.match(g.text, /<input type="hidden" name="csrf" value="[^"]+">/);
	for (const k of ['attach.title', 'attach.draft_help', 'attach.rules', 'attach.none']) assert.ok(text(g.text).includes(amsg(k)), k);
	assert.deepEqual(rows(g.text), []);
	// The draft's page links to it.
	const dp = await agency.get(`/notices/${id}`);
	assert.ok(dp.text.includes(`href="${url}"`), 'the draft links to its files');
	assert.ok(text(dp.text).includes(amsg('attach.none')));

	// One file of every accepted type, the browser claiming a wrong type;
	// an upper-case extension is accepted too.
	const exts = Object.keys(CTYPE);
	const files = exts.map((ext, i) => ({ ext, name: `첨부${String(i + 1).padStart(2, '0')} 규격서.${ext}`, data: content(ext) }));
	files.push({ ext: 'pdf', name: `SCAN_${T}.PDF`, data: content('pdf') });
	for (const f of files) f.aid = await uploaded(agency, id, f.name, f.data, { type: 'text/html' });
	const fl = await agency.get(`${url}?ok=attached`);
	assert.ok(fl.text.includes(amsg('flash.attached')), 'flash');

	// Stored: name, the extension's content type, size, SHA-256, pending.
	const db = await stored(id);
	assert.deepEqual(db, files.map((f) => [f.aid, f.name, CTYPE[f.ext], String(f.data.length), sha(f.data), '-', '-', 'f']));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE notice_id = ${id}
		AND uploaded_by = ${ids.agency} AND sha256 = sha256(data) AND uploaded_at > now() - interval '10 minutes'`), String(files.length));
	// The list: name, size, hash, not yet published, a remove button each.
	const list = rows(fl.text);
	assert.deepEqual(list.map((r) => [r.id, r.name, r.sha256, r.state, r.removed]),
		files.map((f) => [f.aid, f.name, sha(f.data), amsg('attach.pending'), false]));
	assert.ok(list.every((r) => /^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(r.at)), 'upload times');
	assert.ok(list.every((r) => r.actions.includes(`action="/notices/${id}/attachments/${r.id}/remove"`)));
	assert.match(list.find((r) => r.name.endsWith('.txt')).size, /^\d+ (B|KB)$/);
	// Audit: one notice.attach each, with name, hash and size.
	const audit = await fileAudit(id);
	assert.deepEqual(audit.map((a) => [a.event, a.detail]), files.map((f) => ['notice.attach',
		{ notice: Number(id), attachment: Number(f.aid), name: f.name, sha256: sha(f.data), size: f.data.length }]));
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit WHERE event = 'notice.attach' AND detail->>'notice' = '${id}'
		AND actor = ${ids.agency} AND org_id = ${ids.seoul}`), String(files.length));

	// Pending draft files: the agency (and its officer) download them; nobody else.
	for (const f of files) await downloadedOk(agency, id, f.aid, f.name, f.data, f.ext);
	await downloadedOk(officer, id, files[0].aid, files[0].name, files[0].data, files[0].ext);
	for (const c of [null, supplier, busan]) assert.equal((await download(c, id, files[0].aid)).status, 404);
	// The draft page shows them to the agency with their hashes.
	const dp2 = await agency.get(`/notices/${id}`);
	assert.deepEqual(listed(dp2.text).map((x) => [x.id, x.name, x.sha256, x.state]),
		files.map((f) => [f.aid, f.name, sha(f.data), amsg('attach.pending')]));
	assert.equal((await new Client(srv.base).get(`/notices/${id}`)).status, 404, 'the draft is not public');

	// Publication: every file is published with order 1.
	await publish(id);
	assert.deepEqual((await stored(id)).map((r) => r.slice(5)), files.map(() => ['1', '-', 'f']));
	const pub = await new Client(srv.base).get(`/notices/${id}`);
	assert.equal(pub.status, 200);
	const shown = listed(pub.text);
	assert.deepEqual(shown.map((x) => [x.id, x.name, x.state, x.removed]),
		files.map((f) => [f.aid, f.name, `${amsg('attach.added_in')} 01`, false]));
	// The hash shown is the hash of what anyone downloads.
	for (const x of shown) {
		const f = files.find((y) => y.aid === x.id);
		const d = await downloadedOk(null, id, x.id, f.name, f.data, f.ext);
		assert.equal(x.sha256, sha(d.body), `${f.name}: the shown SHA-256 is the file's`);
	}
	assert.ok(!pub.text.includes(`href="${url}"`), 'no management link for the public');
	for (const c of [supplier, busan]) await downloadedOk(c, id, files[1].aid, files[1].name, files[1].data, files[1].ext);

	// ETag: the same hash in If-None-Match answers 304 without a body.
	const etag = `"${sha(files[0].data)}"`;
	const nm = await download(null, id, files[0].aid, { 'if-none-match': etag });
	assert.equal(nm.status, 304);
	assert.equal(nm.body.length, 0);
	assert.equal(nm.headers.get('etag'), etag);
	assert.equal((await download(null, id, files[0].aid, { 'if-none-match': `"${sha(files[1].data)}"` })).status, 200);
	// HEAD works like GET without a body.
	const head = await fetch(`${srv.base}/notices/${id}/attachments/${files[0].aid}`, { method: 'HEAD' });
	assert.equal(head.status, 200);
	assert.equal(head.headers.get('content-type'), 'application/pdf');

	// The manage page of a published notice says changes wait for an amendment.
	const m = await agency.get(url);
	assert.ok(text(m.text).includes(amsg('attach.published_help')));
	assert.ok(!text(m.text).includes(amsg('attach.amend_needed')), 'nothing pending yet');
	assert.deepEqual(rows(m.text).map((r) => r.state), files.map(() => `${amsg('attach.added_in')} 01`));

	// A file of another notice is not served under this one; unknown ids are 404.
	const other = await drafted('다른 공고');
	assert.equal((await download(agency, other, files[0].aid)).status, 404);
	assert.equal((await download(null, id, '999999999')).status, 404);
	assert.equal((await download(null, '999999999', files[0].aid)).status, 404);
});

test('file names: a Korean name with a quote, a Windows or Unix path reduced to its base name; the download names it in UTF-8', async () => {
	const id = await drafted('파일 이름 공고');
	const url = `/notices/${id}/attachments`;

	// FormData sends the quote as %22 (as browsers do); the server decodes it.
	const quoted = `입찰 공고문 "최종" (${T}).hwp`;
	const qd = content('hwp');
	const qa = await uploaded(agency, id, quoted, qd);
	assert.equal(await one(srv, `SELECT name FROM bidding.attachment WHERE id = ${qa}`), quoted);
	const d = await downloadedOk(agency, id, qa, quoted, qd, 'hwp');
	const cd = d.headers.get('content-disposition');
	const ascii = cd.match(/filename="([^"]*)"/)[1];
	assert.ok(/^[\x20-\x7e]*$/.test(ascii) && ascii.endsWith('.hwp'), `ASCII fallback: ${ascii}`);
	const page = await agency.get(url);
	assert.ok(page.text.includes(`>입찰 공고문 &quot;최종&quot; (${T}).hwp</a>`), 'escaped in the list');
	assert.equal(rows(page.text)[0].name, quoted);

	// Full paths, as some clients send them (IE sends the Windows path as is).
	const b = `----g2b${T}`;
	const cases = [
		[`C:\\Users\\kim\\Desktop\\과업지시서 ${T}.pdf`, `과업지시서 ${T}.pdf`],
		[`D:\\\\공유\\\\내역서 ${T}.xlsx`, `내역서 ${T}.xlsx`],
		[`/home/kim/문서/도면 ${T}.png`, `도면 ${T}.png`],
	];
	for (const [sent, want] of cases) {
		const ext = want.split('.').pop();
		const data = content(ext);
		await agency.get(url);
		const r = await sendRaw(agency, url, multipart([{ name: 'csrf', data: agency.csrf() },
			{ name: 'file', filename: sent, type: 'application/octet-stream', data }], b), b);
		assert.equal(r.status, 303, `${sent}: ${r.status} ${JSON.stringify(fieldErrs(r.text))}`);
		const got = await one(srv, `SELECT name FROM bidding.attachment WHERE notice_id = ${id} AND sha256 = decode('${sha(data)}', 'hex')`);
		assert.equal(got, want, `the base name of ${sent}`);
	}

	// A name that is only a path, starts with a dot, or is too long is refused.
	const before = await snapshot();
	{
		await agency.get(url);
		const r = await sendRaw(agency, url, multipart([{ name: 'csrf', data: agency.csrf() },
			{ name: 'file', filename: 'C:\\Users\\kim\\', data: content('pdf') }], b), b);
		assert.equal(r.status, 400, 'a path without a file name');
	}
	assertRefused(await upload(agency, id, '.hidden.pdf', content('pdf')), 'err.attach_bad_name');
	assertRefused(await upload(agency, id, `${'가'.repeat(70)}.pdf`, content('pdf')), 'err.attach_bad_name'); // 214 bytes
	assertRefused(await upload(agency, id, `${'a'.repeat(197)}.pdf`, content('pdf'), { lang: 'en' }), 'err.attach_bad_name', 'en');
	// A line break in a name (sent as %0D%0A by browsers) is refused too.
	const nl = await upload(agency, id, `줄\r\n바꿈.pdf`, content('pdf'));
	assert.equal(nl.status, 400);
	assert.deepEqual(await snapshot(), before, 'nothing written');
	// 200 bytes exactly is fine.
	const long = `${'b'.repeat(196)}.pdf`;
	const la = await uploaded(agency, id, long, content('pdf'));
	assert.equal(await one(srv, `SELECT name FROM bidding.attachment WHERE id = ${la}`), long);
});

test('refused files write nothing and say why, in Korean and in English: type, content, empty, size (10 MB exactly is fine, one byte more is not), none chosen', async () => {
	const id = await drafted('거부 검사 공고');
	const url = `/notices/${id}/attachments`;
	const mz = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), randomBytes(4000)]);
	const cases = [
		['setup.exe', mz, 'err.attach_bad_type'],
		[`규격서_${T}.pdf`, mz, 'err.attach_mismatch'], // a renamed executable
		['script.pdf', Buffer.from('<script>alert(1)</script>'), 'err.attach_mismatch'],
		['사진.png', content('jpg'), 'err.attach_mismatch'],
		['문서.docx', content('hwp'), 'err.attach_mismatch'],
		['바이너리.txt', Buffer.from('abc\0def'), 'err.attach_mismatch'],
		['euckr.csv', Buffer.from([0xc7, 0xb0, 0xb8, 0xf1, 0x2c, 0x31, 0x0a]), 'err.attach_mismatch'],
		['page.html', Buffer.from('<html></html>'), 'err.attach_bad_type'],
		['README', Buffer.from('hello'), 'err.attach_bad_type'],
		['끝점.', content('pdf'), 'err.attach_bad_type'],
		['빈파일.pdf', Buffer.alloc(0), 'err.attach_empty'],
	];
	const before = await snapshot();
	for (const [name, data, key] of cases) {
		assertRefused(await upload(agency, id, name, data), key, 'ko');
		assertRefused(await upload(agency, id, name, data, { lang: 'en' }), key, 'en');
	}
	// English through the language cookie as well.
	const en = await loginAs(srv, ...DEMO.agency);
	await en.get('/lang?to=en&next=/');
	assert.ok(en.cookieHeader().includes('g2b_lang=en'), `the language cookie: ${en.cookieHeader()}`);
	const ec = await upload(en, id, 'setup.exe', mz);
	assertRefused(ec, 'err.attach_bad_type', 'en');
	assert.match(ec.text, /<html lang="en"/);

	// No file chosen: the browser sends an empty part with an empty name.
	const b = `----g2b${T}`;
	for (const lang of ['ko', 'en']) {
		await agency.get(url);
		const r = await sendRaw(agency, `${url}?lang=${lang}`, multipart([{ name: 'csrf', data: agency.csrf() },
			{ name: 'file', filename: '', data: '' }], b), b);
		assertRefused(r, 'err.attach_required', lang);
	}
	// A text field named file is not a file either.
	await agency.get(url);
	assertRefused(await sendRaw(agency, url, multipart([{ name: 'csrf', data: agency.csrf() },
		{ name: 'file', data: '%PDF-1.7' }], b), b), 'err.attach_required');
	assert.deepEqual(await snapshot(), before, 'nothing written');

	// 10 MB + 1 byte: refused by size; 10 MB exactly: stored and served back byte for byte.
	const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(10 * MB - 9)]);
	assert.equal(big.length, 10 * MB);
	const over = Buffer.concat([big, Buffer.from([0x25])]);
	assertRefused(await upload(agency, id, '대용량.pdf', over), 'err.attach_too_big');
	assertRefused(await upload(agency, id, '대용량.pdf', over, { lang: 'en' }), 'err.attach_too_big', 'en');
	assert.deepEqual(await snapshot(), before, 'nothing written');
	const aid = await uploaded(agency, id, '대용량 설계도면.pdf', big);
	assert.deepEqual((await stored(id)).map((r) => r.slice(1, 5)), [['대용량 설계도면.pdf', 'application/pdf', String(10 * MB), sha(big)]]);
	await downloadedOk(agency, id, aid, '대용량 설계도면.pdf', big, 'pdf');
	const l = rows((await agency.get(url)).text);
	assert.equal(l[0].size, '10.0 MB');

	// Every byte value survives the trip (a zip is binary beyond its header).
	const all = Buffer.concat([MAGIC.zip, Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256)), Buffer.from('\r\n--\r\n\r\n'), randomBytes(5000)]);
	const za = await uploaded(agency, id, `모든바이트 ${T}.zip`, all);
	await downloadedOk(agency, id, za, `모든바이트 ${T}.zip`, all, 'zip');
	// A body that contains the boundary-like line "--" + CRLF inside a file is kept too.
	const tricky = Buffer.concat([MAGIC.pdf, Buffer.from(`\r\n------formdata-undici-0\r\n--\r\n`), randomBytes(100)]);
	const ta = await uploaded(agency, id, '경계.pdf', tricky);
	await downloadedOk(agency, id, ta, '경계.pdf', tricky, 'pdf');
});

test('the same content twice is refused; a notice carries at most 20 live files', async () => {
	const id = await drafted('20개 제한 공고');
	const first = content('pdf');
	const a1 = await uploaded(agency, id, '원본.pdf', first);
	const before = await snapshot();
	assertRefused(await upload(agency, id, '사본.pdf', first), 'err.attach_duplicate');
	assertRefused(await upload(agency, id, '사본.pdf', first, { lang: 'en' }), 'err.attach_duplicate', 'en');
	assert.deepEqual(await snapshot(), before, 'nothing written');
	// The same content on another notice is fine.
	const id2 = await drafted('같은 내용 다른 공고');
	await uploaded(agency, id2, '원본.pdf', first);

	for (let i = 2; i <= 20; i++) await uploaded(agency, id, `목록 ${String(i).padStart(2, '0')}.txt`, content('txt', 60));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE notice_id = ${id}`), '20');
	const full = await agency.get(`/notices/${id}/attachments`);
	assert.equal(rows(full.text).length, 20);
	const s20 = await snapshot();
	assertRefused(await upload(agency, id, '21번째.pdf', content('pdf')), 'err.attach_too_many');
	assertRefused(await upload(agency, id, '21번째.pdf', content('pdf'), { lang: 'en' }), 'err.attach_too_many', 'en');
	assert.deepEqual(await snapshot(), s20, 'nothing written');
	// Removing a draft file deletes it (it was never public) and frees a place.
	const rm = await removeFile(agency, id, a1);
	assert.equal(rm.status, 303);
	assert.equal(rm.location, `/notices/${id}/attachments?ok=detached`);
	assert.ok((await agency.follow(rm)).text.includes(amsg('flash.detached')));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE id = ${a1}`), '0');
	assert.equal((await download(agency, id, a1)).status, 404);
	const audit = await fileAudit(id);
	assert.deepEqual(audit.at(-1), { event: 'notice.detach', detail: { notice: Number(id), attachment: Number(a1), name: '원본.pdf' } });
	// Undoing the removal of a file that no longer exists: 404, nothing written.
	const s19 = await snapshot();
	assert.equal((await removeFile(agency, id, a1, true)).status, 404);
	assert.deepEqual(await snapshot(), s19);
	await uploaded(agency, id, '21번째.pdf', content('pdf'));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE notice_id = ${id}`), '20');
});

test('concurrent uploads keep the rules: one of two identical files, no 21st file; two files in one post store one', async () => {
	const id = await drafted('동시 업로드 공고');
	// The same content posted three times at once: one is stored.
	const same = content('pdf', 50_000);
	const cs = await Promise.all([0, 1, 2].map(() => loginAs(srv, ...DEMO.agency)));
	const rs = await Promise.all(cs.map(async (c, i) => {
		await c.get(`/notices/${id}/attachments`);
		return c;
	})).then((cl) => Promise.all(cl.map((c, i) => upload(c, id, `동시 ${i}.pdf`, same, { get: false }))));
	assert.deepEqual(rs.map((r) => r.status).sort(), [303, 400, 400], `statuses ${rs.map((r) => r.status)}`);
	for (const r of rs.filter((x) => x.status === 400)) assert.deepEqual(fieldErrs(r.text), { file: amsg('err.attach_duplicate') });
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE notice_id = ${id}`), '1');
	assert.equal((await fileAudit(id)).length, 1);
	// 18 more (19 in all), then three different files at once: one gets the 20th place.
	for (let i = 2; i <= 19; i++) await uploaded(agency, id, `파일 ${i}.csv`, content('csv'));
	const three = await Promise.all(cs.map((c, i) => upload(c, id, `마지막 ${i}.png`, content('png'), { get: false })));
	assert.deepEqual(three.map((r) => r.status).sort(), [303, 400, 400], `statuses ${three.map((r) => r.status)}`);
	for (const r of three.filter((x) => x.status === 400)) assert.deepEqual(fieldErrs(r.text), { file: amsg('err.attach_too_many') });
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE notice_id = ${id}`), '20');
	assert.equal((await fileAudit(id)).length, 20);

	// A post with two file parts (the form has one file input): one file at most.
	const id2 = await drafted('두 파일 공고');
	const b = `----g2b${T}`;
	await agency.get(`/notices/${id2}/attachments`);
	const f1 = content('pdf');
	const f2 = content('png');
	const r = await sendRaw(agency, `/notices/${id2}/attachments`, multipart([{ name: 'csrf', data: agency.csrf() },
		{ name: 'file', filename: '첫째.pdf', data: f1 }, { name: 'file', filename: '둘째.png', data: f2 }], b), b);
	assert.ok([303, 400].includes(r.status), `two files: ${r.status}`);
	const got = await stored(id2);
	assert.ok(got.length <= 1, `at most one file stored: ${got.map((x) => x[1])}`);
	if (r.status === 303) assert.deepEqual(got.map((x) => [x[1], x[4]]), [['첫째.pdf', sha(f1)]]);
});

test('the file page and the notice page read in English', async () => {
	const id = await drafted('영문 화면 공고');
	const aid = await uploaded(agency, id, 'Specification.pdf', content('pdf'));
	const g = await agency.get(`/notices/${id}/attachments?lang=en`);
	assert.equal(g.status, 200);
	assert.match(g.text, /<html lang="en"/);
	const t = text(g.text);
	for (const k of ['attach.title', 'attach.draft_help', 'attach.choose', 'attach.rules', 'attach.upload', 'attach.name',
		'attach.size', 'attach.state', 'attach.uploaded', 'attach.pending']) assert.ok(t.includes(amsg(k, 'en')), k);
	const main = text(g.text.slice(g.text.indexOf('<main'), g.text.indexOf('</main>')));
	assert.ok(main.includes(amsg('attach.rules', 'en')));
	assert.ok(!/[가-힣]{2,}/.test(main.replace(/영문 화면 공고 [0-9a-f]{8}/g, '')), `no Korean left: ${main}`);
	assert.ok(g.text.includes(`aria-label="${amsg('attach.remove', 'en')}: Specification.pdf"`), 'the remove button names the file');
	const d = await agency.get(`/notices/${id}?lang=en`);
	assert.ok(text(d.text).includes(amsg('attach.files', 'en')) && text(d.text).includes(amsg('attach.manage', 'en')));
	assert.deepEqual(listed(d.text).map((x) => [x.id, x.state]), [[aid, amsg('attach.pending', 'en')]]);
	await publish(id);
	const p = await new Client(srv.base).get(`/notices/${id}?lang=en`);
	assert.deepEqual(listed(p.text).map((x) => x.state), [`${amsg('attach.added_in', 'en')} 01`]);
});

test('on a published notice additions and removals wait for the next amendment, which publishes them with its order; removed files stay downloadable, struck through', async () => {
	const id = await drafted('정정 첨부 공고');
	const url = `/notices/${id}/attachments`;
	const A = { name: `공고문 ${T}.pdf`, data: content('pdf') };
	const B = { name: `내역서 ${T}.xlsx`, data: content('xlsx') };
	A.aid = await uploaded(agency, id, A.name, A.data);
	B.aid = await uploaded(agency, id, B.name, B.data);
	await publish(id);

	// An addition after publication is pending: not on the public page,
	// not downloadable by others; the page asks for an amendment.
	const C = { name: `추가 규격서 ${T}.hwpx`, data: content('hwpx') };
	C.aid = await uploaded(agency, id, C.name, C.data);
	assert.deepEqual((await stored(id)).map((r) => [r[0], r[5], r[6], r[7]]),
		[[A.aid, '1', '-', 'f'], [B.aid, '1', '-', 'f'], [C.aid, '-', '-', 'f']]);
	let m = await agency.get(url);
	assert.ok(text(m.text).includes(amsg('attach.amend_needed')));
	assert.ok(m.text.includes(`href="/notices/${id}/amend"`));
	assert.deepEqual(rows(m.text).map((r) => r.state), [`${amsg('attach.added_in')} 01`, `${amsg('attach.added_in')} 01`, amsg('attach.pending')]);
	let pub = await new Client(srv.base).get(`/notices/${id}`);
	assert.deepEqual(listed(pub.text).map((x) => x.id), [A.aid, B.aid], 'the pending file is not public');
	assert.deepEqual(listed((await agency.get(`/notices/${id}`)).text).map((x) => x.id), [A.aid, B.aid],
		'the notice page shows what is public, to the agency too');
	for (const c of [null, supplier, busan]) assert.equal((await download(c, id, C.aid)).status, 404);
	await downloadedOk(agency, id, C.aid, C.name, C.data, 'hwpx');

	// Removing a published file marks it; Keep takes that back; the file stays public meanwhile.
	let r = await removeFile(agency, id, A.aid);
	assert.equal(r.status, 303);
	assert.equal(r.location, `${url}?ok=detached`);
	assert.deepEqual((await stored(id))[0].slice(5), ['1', '-', 't']);
	m = await agency.get(url);
	const rowA = rows(m.text).find((x) => x.id === A.aid);
	assert.equal(rowA.state, `${amsg('attach.added_in')} 01 ${amsg('attach.remove_pending')}`);
	assert.ok(rowA.actions.includes('name="undo" value="1"') && rowA.actions.includes(amsg('attach.keep')), 'a Keep button');
	pub = await new Client(srv.base).get(`/notices/${id}`);
	assert.deepEqual(listed(pub.text).map((x) => [x.id, x.removed]), [[A.aid, false], [B.aid, false]]);
	await downloadedOk(null, id, A.aid, A.name, A.data, 'pdf');
	r = await removeFile(agency, id, A.aid, true);
	assert.equal(r.status, 303);
	assert.deepEqual((await stored(id))[0].slice(5), ['1', '-', 'f']);
	// Remove again (to be published), and remove B and take that back.
	assert.equal((await removeFile(agency, id, A.aid)).status, 303);
	assert.equal((await removeFile(agency, id, B.aid)).status, 303);
	assert.equal((await removeFile(agency, id, B.aid, true)).status, 303);
	// A pending addition removed is simply gone; a new one replaces it.
	assert.equal((await removeFile(agency, id, C.aid)).status, 303);
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.attachment WHERE id = ${C.aid}`), '0');
	const D = { name: `추가 규격서(수정) ${T}.hwpx`, data: content('hwpx') };
	D.aid = await uploaded(agency, id, D.name, D.data);
	// The same content as a file marked for removal is still a duplicate.
	const sd = await snapshot();
	assertRefused(await upload(agency, id, '다시.pdf', A.data), 'err.attach_duplicate');
	assert.deepEqual(await snapshot(), sd);
	assert.deepEqual((await fileAudit(id)).map((a) => [a.event, String(a.detail.attachment)]), [
		['notice.attach', A.aid], ['notice.attach', B.aid], ['notice.attach', C.aid],
		['notice.detach', A.aid], ['notice.attach_keep', A.aid], ['notice.detach', A.aid],
		['notice.detach', B.aid], ['notice.attach_keep', B.aid], ['notice.detach', C.aid], ['notice.attach', D.aid],
	]);

	// The amendment (order 2) publishes both changes.
	const ord = await amended(id, `첨부파일 교체에 따른 정정 ${T}`);
	assert.equal(ord, 2);
	assert.deepEqual((await stored(id)).map((x) => [x[0], x[5], x[6], x[7]]),
		[[A.aid, '1', '2', 'f'], [B.aid, '1', '-', 'f'], [D.aid, '2', '-', 'f']]);
	pub = await new Client(srv.base).get(`/notices/${id}`);
	assert.deepEqual(listed(pub.text).map((x) => [x.id, x.name, x.removed, x.state]), [
		[A.aid, A.name, true, `${amsg('attach.added_in')} 01 ${amsg('attach.removed_in')} 02`],
		[B.aid, B.name, false, `${amsg('attach.added_in')} 01`],
		[D.aid, D.name, false, `${amsg('attach.added_in')} 02`],
	]);
	// Removed files remain downloadable by anyone, with the hash shown.
	await downloadedOk(null, id, A.aid, A.name, A.data, 'pdf');
	await downloadedOk(null, id, D.aid, D.name, D.data, 'hwpx');
	assert.equal(listed(pub.text)[0].sha256, sha(A.data));
	m = await agency.get(url);
	const after = rows(m.text);
	assert.ok(after[0].removed, 'the removed row is marked (struck through)');
	assert.ok(!after[0].actions.includes('<form'), 'a removed file has no action');
	assert.ok(!text(m.text).includes(amsg('attach.amend_needed')), 'nothing pending any more');
	// A removed file cannot be removed or kept again.
	const s = await snapshot();
	assert.equal((await removeFile(agency, id, A.aid)).status, 404);
	assert.equal((await removeFile(agency, id, A.aid, true)).status, 404);
	assert.deepEqual(await snapshot(), s);
	// Its content may be attached again (as a new file, pending).
	const again = await uploaded(agency, id, `공고문(재첨부) ${T}.pdf`, A.data);
	assert.deepEqual((await stored(id)).at(-1).slice(5), ['-', '-', 'f']);
	assert.notEqual(again, A.aid);
});

test('on a published notice: taking back a removal never makes a 21st file; a Keep or Remove that changes nothing writes nothing', async () => {
	const id = await drafted('삭제 취소 제한 공고');
	const files = [];
	for (let i = 1; i <= 20; i++) files.push(await uploaded(agency, id, `문서 ${String(i).padStart(2, '0')}.txt`, content('txt', 70 + i)));
	await publish(id);
	const x = files[0];
	// Keep on a file with no pending removal: nothing to take back.
	let snap = await snapshot();
	assert.equal((await removeFile(agency, id, x, true)).status, 404);
	assert.deepEqual(await snapshot(), snap, 'no audit row for a removal that never happened');
	// Remove X (pending), then again: the second changes nothing.
	assert.equal((await removeFile(agency, id, x)).status, 303);
	snap = await snapshot();
	assert.equal((await removeFile(agency, id, x)).status, 404);
	assert.deepEqual(await snapshot(), snap, 'a second removal writes nothing');
	// Its place is taken by a new file; taking the removal back would
	// make 21 files in force: refused, with the reason.
	await uploaded(agency, id, '새 문서.pdf', content('pdf'));
	snap = await snapshot();
	const r = await removeFile(agency, id, x, true);
	assert.equal(r.status, 303);
	assert.equal(r.location, `/notices/${id}/attachments?ok=attach_too_many`);
	const page = await agency.follow(r);
	assert.ok(page.text.includes('class="notice bad"'), 'the refusal reads as one');
	assert.ok(text(page.text).includes(amsg('flash.attach_too_many')));
	assert.deepEqual(await snapshot(), snap, 'nothing written');
	assert.equal(await one(srv, `SELECT remove_pending FROM bidding.attachment WHERE id = ${x}`), 't');
});

test('after the bid close (or a cancellation) the files cannot change; they stay downloadable', async () => {
	const id = await drafted('마감 공고');
	const url = `/notices/${id}/attachments`;
	const A = { name: '공고문.pdf', data: content('pdf') };
	A.aid = await uploaded(agency, id, A.name, A.data);
	await publish(id);
	const P = { name: '대기.png', data: content('png') };
	P.aid = await uploaded(agency, id, P.name, P.data);
	await closeBidding(id);

	const m = await agency.get(url);
	assert.equal(m.status, 200);
	assert.ok(text(m.text).includes(amsg('attach.closed')));
	assert.ok(!m.text.includes('enctype="multipart/form-data"'), 'no upload form');
	assert.ok(!m.text.includes('/remove"'), 'no remove buttons');
	assert.ok(!(await agency.get(`/notices/${id}`)).text.includes(`href="${url}"`), 'no management link');
	const before = await snapshot();
	// The form fetched before the close, posted after it.
	assertClosed(await upload(agency, id, '늦은 파일.pdf', content('pdf')), 'ko');
	assertClosed(await upload(agency, id, '늦은 파일.pdf', content('pdf'), { lang: 'en' }), 'en');
	for (const [aid, undo] of [[A.aid, false], [P.aid, false], [A.aid, true]]) {
		const x = await removeFile(agency, id, aid, undo);
		assert.equal(x.status, 303);
		assert.equal(x.location, `${url}?ok=attach_closed`);
		assert.ok((await agency.follow(x)).text.includes(amsg('flash.attach_closed')));
	}
	assert.deepEqual(await snapshot(), before, 'nothing written');
	await downloadedOk(null, id, A.aid, A.name, A.data, 'pdf');
	assert.equal((await download(null, id, P.aid)).status, 404, 'never published');

	// A cancelled notice: no changes either; the cancellation publishes nothing.
	const c = await drafted('취소 공고');
	const ca = await uploaded(agency, c, '공고문.pdf', content('pdf'));
	await publish(c);
	const cp = await uploaded(agency, c, '취소 전 추가.pdf', content('pdf'));
	await agency.get(`/notices/${c}/cancel`);
	const cr = await agency.post(`/notices/${c}/cancel`, { ord: '1', reason: `사업 계획 변경으로 취소 ${T}` });
	assert.equal(cr.status, 303);
	assert.deepEqual((await stored(c)).map((x) => [x[0], x[5], x[6]]), [[ca, '1', '-'], [cp, '-', '-']], 'the cancellation publishes no change');
	const cb = await snapshot();
	await agency.get(`/notices/${c}`);
	const cm = await agency.get(`/notices/${c}/attachments`);
	assert.equal(cm.status, 200);
	assert.ok(text(cm.text).includes(amsg('attach.closed')));
	assert.ok(!cm.text.includes('enctype="multipart/form-data"'), 'no upload form');
	assertClosed(await upload(agency, c, '취소 후.pdf', content('pdf')), 'ko');
	assert.equal((await removeFile(agency, c, ca)).location, `/notices/${c}/attachments?ok=attach_closed`);
	assert.deepEqual(await snapshot(), cb, 'nothing written');
});

test('a re-notice (재공고) starts with the files in force; publishing it makes them its order 01', async () => {
	const id = await drafted('재공고 원공고');
	const keep = { name: `공고문 ${T}.pdf`, data: content('pdf') };
	const gone = { name: `삭제될 내역서 ${T}.xls`, data: content('xls') };
	keep.aid = await uploaded(agency, id, keep.name, keep.data);
	gone.aid = await uploaded(agency, id, gone.name, gone.data);
	await publish(id);
	assert.equal((await removeFile(agency, id, gone.aid)).status, 303);
	await amended(id, `내역서 삭제 정정 ${T}`);
	const late = { name: `정정 대기 ${T}.txt`, data: content('txt') };
	late.aid = await uploaded(agency, id, late.name, late.data);
	await agency.get(`/notices/${id}/cancel`);
	assert.equal((await agency.post(`/notices/${id}/cancel`, { ord: '2', reason: `재공고를 위한 취소 ${T}` })).status, 303);

	await agency.get(`/notices/${id}`);
	const r = await agency.post(`/notices/${id}/renotice`);
	assert.equal(r.status, 303);
	const nid = r.location.match(/^\/notices\/(\d+)\/edit$/)[1];
	const copied = await stored(nid);
	assert.deepEqual(copied.map((x) => x.slice(1)), [[keep.name, 'application/pdf', String(keep.data.length), sha(keep.data), '-', '-', 'f']],
		'only the file in force is copied, pending');
	assert.notEqual(copied[0][0], keep.aid, 'a copy of its own');
	await downloadedOk(agency, nid, copied[0][0], keep.name, keep.data, 'pdf');
	assert.equal((await download(null, nid, copied[0][0])).status, 404, 'the re-notice draft is not public');
	const m = await agency.get(`/notices/${nid}/attachments`);
	assert.deepEqual(rows(m.text).map((x) => [x.name, x.state]), [[keep.name, amsg('attach.pending')]]);
	// The original's history is untouched.
	assert.deepEqual((await stored(id)).map((x) => [x[0], x[5], x[6]]), [[keep.aid, '1', '-'], [gone.aid, '1', '2'], [late.aid, '-', '-']]);
	await publish(nid);
	assert.deepEqual((await stored(nid)).map((x) => [x[5], x[6]]), [['1', '-']]);
	await downloadedOk(null, nid, copied[0][0], keep.name, keep.data, 'pdf');
});

test('bodies and access: 413, 415, 400 for a malformed body, 403 without CSRF, 404 for another agency, 403 for a supplier, login for anonymous; nothing written', async () => {
	const id = await drafted('접근 검사 공고');
	const url = `/notices/${id}/attachments`;
	const A = { name: '공고문.pdf', data: content('pdf') };
	A.aid = await uploaded(agency, id, A.name, A.data);
	const before = await snapshot();
	const b = `----g2b${T}`;
	const good = () => multipart([{ name: 'csrf', data: agency.csrf() }, { name: 'file', filename: '새 파일.pdf', data: content('pdf') }], b);

	// A url-encoded body over 1 MB: 413, here and on other routes.
	await agency.get(url);
	const bigForm = { csrf: agency.csrf(), pad: 'x'.repeat(MB + 10) };
	for (const u of [url, `${url}/${A.aid}/remove`, `/notices/${id}/edit`]) {
		const r = await agency.request('POST', u, bigForm);
		assert.equal(r.status, 413, `${u}: ${r.status}`);
	}
	// Multipart where uploads are not accepted: 415.
	for (const u of [`${url}/${A.aid}/remove`, '/notices/new', `/notices/${id}/edit`]) {
		await agency.get(url);
		const r = await sendRaw(agency, u, good(), b);
		assert.equal(r.status, 415, `${u}: ${r.status}`);
	}
	// A body over the upload limit (~10.25 MB): 413, well over it and just
	// over it (the answer comes from the Content-Length, before the body).
	{
		await agency.get(url);
		const huge = multipart([{ name: 'csrf', data: agency.csrf() },
			{ name: 'file', filename: '너무 큰 파일.pdf', data: Buffer.concat([MAGIC.pdf, randomBytes(10 * MB + 300 * 1024)]) }], b);
		const head = `POST ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${agency.cookieHeader()}\r\n`
			+ `Content-Type: multipart/form-data; boundary=${b}\r\nContent-Length: ${huge.length}\r\nConnection: close\r\n\r\n`;
		const r = await rawHttp(head, huge);
		assert.equal(r.status, 413, `${huge.length} bytes`);
		// Just over: the server's own limit (G2B_UPLOAD_BODY_MAX) with Kore's.
		const edge = multipart([{ name: 'csrf', data: agency.csrf() },
			{ name: 'file', filename: '경계 크기.pdf', data: Buffer.concat([MAGIC.pdf, randomBytes(10 * MB + 256 * 1024 - 9)]) }], b);
		assert.ok(edge.length > 10 * MB + 256 * 1024);
		const e = await rawHttp(head.replace(/Content-Length: \d+/, `Content-Length: ${edge.length}`), edge);
		assert.equal(e.status, 413, `${edge.length} bytes`);
	}
	// Malformed multipart bodies: 400.
	await agency.get(url);
	const csrf = agency.csrf();
	const malformed = [
		['no closing delimiter', Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 xx`)],
		['no delimiter at all', Buffer.from('%PDF-1.7 just bytes')],
		['a part without headers', Buffer.from(`--${b}\r\n\r\n${csrf}\r\n--${b}--\r\n`)],
		['a part without a disposition', multipart([{ head: 'Content-Type: text/plain', data: csrf }, { name: 'file', filename: 'a.pdf', data: content('pdf') }], b)],
		['another disposition type', multipart([{ name: 'csrf', data: csrf }, { head: 'Content-Disposition: attachment; name="file"; filename="a.pdf"', data: content('pdf') }], b)],
		['an unterminated quoted name', multipart([{ name: 'csrf', data: csrf }, { head: 'Content-Disposition: form-data; name="file"; filename="a.pdf', data: content('pdf') }], b)],
		['two dispositions', multipart([{ name: 'csrf', data: csrf }, { head: 'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Disposition: form-data; name="x"', data: content('pdf') }], b)],
		['garbage after a delimiter', Buffer.from(`--${b}garbage\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n--${b}--\r\n`)],
	];
	for (const [what, body] of malformed) {
		const r = await sendRaw(agency, url, body, b);
		assert.equal(r.status, 400, `${what}: ${r.status}`);
	}
	// A multipart type without a boundary is not an upload.
	{
		const r = await send(agency, url, good(), { 'content-type': 'multipart/form-data' });
		assert.ok([400, 415].includes(r.status), `no boundary: ${r.status}`);
	}
	// CSRF missing, wrong, or of another session (in the multipart body): 403.
	await agency.get(url);
	for (const [what, token] of [['missing', null], ['wrong', 'x'.repeat(64)], ['another session', officer.csrf()]]) {
		const r = await upload(agency, id, '새 파일.pdf', content('pdf'), { get: false, csrf: token });
		assert.equal(r.status, 403, `CSRF ${what}: ${r.status}`);
	}
	// The token in the query string does not count.
	{
		const r = await upload(agency, id, '새 파일.pdf', content('pdf'), { csrf: null });
		assert.equal(r.status, 403);
		const fd = new FormData();
		fd.append('file', new Blob([content('pdf')]), '새 파일.pdf');
		assert.equal((await send(agency, `${url}?csrf=${agency.csrf()}`, fd)).status, 403);
	}
	// Remove without or with a wrong token: 403.
	assert.equal((await agency.request('POST', `${url}/${A.aid}/remove`, {})).status, 403);
	assert.equal((await agency.request('POST', `${url}/${A.aid}/remove`, { csrf: 'y'.repeat(64) })).status, 403);

	// Another agency's user: 404 everywhere, even with its own valid token.
	assert.equal((await busan.get(url)).status, 404);
	await busan.get('/agency/notices');
	const bt = busan.csrf();
	assert.equal((await upload(busan, id, '타기관.pdf', content('pdf'), { get: false, csrf: bt })).status, 404);
	assert.equal((await busan.post(`${url}/${A.aid}/remove`)).status, 404);
	assert.equal((await busan.post(`${url}/${A.aid}/remove`, { undo: '1' })).status, 404);
	assert.equal((await download(busan, id, A.aid)).status, 404);
	// A supplier: 403.
	assert.equal((await supplier.get(url)).status, 403);
	await supplier.get('/');
	assert.equal((await upload(supplier, id, '업체.pdf', content('pdf'), { get: false, csrf: supplier.csrf() })).status, 403);
	assert.equal((await supplier.post(`${url}/${A.aid}/remove`)).status, 403);
	// Anonymous: the login page for a GET, 401 for a POST.
	const anon = new Client(srv.base);
	const a = await anon.get(url);
	assert.ok([302, 303].includes(a.status), `anonymous GET: ${a.status}`);
	assert.equal(a.location, `/login?next=${encodeURIComponent(url)}`);
	await anon.get('/login');
	assert.equal((await upload(anon, id, '익명.pdf', content('pdf'), { get: false, csrf: anon.csrf() })).status, 401);
	await anon.get('/login');
	assert.equal((await anon.post(`${url}/${A.aid}/remove`)).status, 401);
	// Unknown notice, or another notice's file: 404.
	await agency.get(url);
	assert.equal((await upload(agency, '999999999', '없는공고.pdf', content('pdf'), { get: false, csrf: agency.csrf() })).status, 404);
	assert.equal((await agency.get('/notices/999999999/attachments')).status, 404);
	const other = await drafted('다른 공고');
	await agency.get(url);
	assert.equal((await agency.post(`/notices/${other}/attachments/${A.aid}/remove`)).status, 404);
	// Other methods: 405.
	const put = await raw(srv, 'PUT', url, { headers: { cookie: agency.cookieHeader() } });
	assert.equal(put.status, 405);
	assert.equal((await agency.get(`${url}/${A.aid}/remove`)).status, 405);
	assert.deepEqual(await snapshot(), before, 'nothing written');

	// The bid officer of the same agency may manage the files too.
	const oa = await uploaded(officer, id, '담당관 첨부.csv', content('csv'));
	assert.equal(await one(srv, `SELECT uploaded_by FROM bidding.attachment WHERE id = ${oa}`), ids.officer);
});
