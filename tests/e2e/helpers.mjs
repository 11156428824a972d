// Shared helpers for the e2e layer (not a test file: node --test and
// tests/run-layer.sh only pick up *.test.mjs).
//
//   const srv = await boot();            // fresh database + real server
//   const { c, r, f } = await registerSupplier(srv);
//   await srv.shutdown();                // stop the server, drop the database
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { startServer, Client, uniqueBizno, OUT, ROOT } from '../lib/harness.mjs';

export { Client, uniqueBizno };

export const DEMO = {
	admin: ['admin', 'Admin!2026'],
	agent: ['agent', 'Agent!2026'],
	agency: ['agency', 'Agency!2026'],
	officer: ['officer', 'Officer!2026'],
	supplier: ['supplier', 'Supplier!2026'],
	pending: ['pending', 'Pending!2026'],
};

// Business numbers the demo data already uses.
const DEMO_BIZNOS = new Set(['1234567891', '2208112341', '1058100003',
	'3148600015', '2068600053']);

const PGRUN = path.join(OUT, 'pg', 'run');
// application_name of the tests' own database sessions.
export const PSQL_APP = 'g2b-e2e';

// One long-lived psql session per server: the harness's srv.sql spawns
// conf/pg.sh and psql for every query (about a second each on a busy
// machine). query() returns rows of tab-separated columns like srv.sql;
// an SQL error rejects with the server's message.
export class Psql {
	constructor(db) {
		this.db = db;
		this.waiting = [];
		this.start();
	}

	start() {
		this.out = '';
		this.err = '';
		this.p = spawn('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-h', PGRUN, '-U', 'postgres', '-d', this.db],
			{ stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PGAPPNAME: PSQL_APP } });
		this.p.stdout.setEncoding('utf8');
		this.p.stderr.setEncoding('utf8');
		this.p.stdout.on('data', (d) => { this.out += d; this.pump(); });
		this.p.stderr.on('data', (d) => { this.err += d; this.pump(); });
		this.p.stdin.on('error', () => { /* reported by 'exit' */ });
		this.p.on('exit', () => {
			this.dead = true;
			for (const w of this.waiting.splice(0)) w.reject(new Error(`psql exited: ${this.err}\nin: ${w.sql}`));
		});
		this.dead = false;
	}

	pump() {
		const END = '__g2b_end__\n';
		while (this.waiting.length) {
			const i = this.out.indexOf(END);
			const j = this.err.indexOf(END);
			if (i < 0 || j < 0) return;
			const out = this.out.slice(0, i);
			const err = this.err.slice(0, j);
			this.out = this.out.slice(i + END.length);
			this.err = this.err.slice(j + END.length);
			const w = this.waiting.shift();
			if (/^(ERROR|FATAL|psql):/m.test(err)) w.reject(new Error(`${err.trim()}\nin: ${w.sql}`));
			else w.resolve(out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t')));
		}
	}

	query(sql) {
		if (this.dead) this.start();
		return new Promise((resolve, reject) => {
			this.waiting.push({ resolve, reject, sql });
			this.p.stdin.write(`${sql};\n\\echo __g2b_end__\n\\warn __g2b_end__\n`);
		});
	}

	close() {
		return new Promise((resolve) => {
			if (this.dead || this.p.exitCode !== null) { resolve(); return; }
			this.p.once('exit', resolve);
			this.p.stdin.end('\\q\n');
		});
	}
}

function psqlOnce(db, sql) {
	execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', PGRUN, '-U', 'postgres', '-d', db, '-c', sql],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
}

// Start a server with demo data; srv.cats holds three level-4 category codes.
// srv.shutdown() stops it and drops its database and generated config.
export async function boot(opts = {}) {
	const srv = await startServer({ demo: true, ...opts });
	const db = new Psql(srv.db);
	// Note: unlike the harness's, this srv.sql is asynchronous (await it).
	srv.sql = (sql) => db.query(sql);
	srv.shutdown = async () => {
		await srv.stop();
		await db.close();
		try {
			psqlOnce('postgres', `DROP DATABASE IF EXISTS ${srv.db} WITH (FORCE)`);
		} catch { /* the next run-all drops leftovers */ }
		rmSync(path.join(OUT, `kore-${srv.db}-${srv.port}.conf`), { force: true });
	};
	try {
		srv.cats = (await srv.sql('SELECT code FROM portal.category WHERE level = 4 ORDER BY code LIMIT 3'))
			.map((r) => r[0]);
		assert.equal(srv.cats.length, 3, 'level-4 item categories are seeded (portal/sql/003_categories.sql)');
	} catch (e) {
		await srv.shutdown();
		throw e;
	}
	return srv;
}

// A single-value SQL helper: first column of the first row (or undefined).
export async function one(srv, q) {
	const rows = await srv.sql(q);
	return rows.length ? rows[0][0] : undefined;
}

export function q(s) {
	return `'${String(s).replace(/'/g, "''")}'`;
}

export function tag() {
	return randomBytes(4).toString('hex');
}

// A login nobody else in the run uses: lowercase start, [a-z0-9._-], <= 32.
export function uniqueLogin(prefix = 'u') {
	return `${prefix}${tag()}`.slice(0, 32);
}

export function freshBizno() {
	for (;;) {
		const b = uniqueBizno();
		if (!DEMO_BIZNOS.has(b)) return b;
	}
}

export function dashed(b) {
	return `${b.slice(0, 3)}-${b.slice(3, 5)}-${b.slice(5)}`;
}

export const PASSWORD = 'Gonggu!Bid2026';

// The message catalogs (portal/i18n/*.txt), so tests check that the right
// message is shown without copying its wording.
const catalogs = {};
function catalog(lang) {
	if (!catalogs[lang]) {
		catalogs[lang] = {};
		for (const line of readFileSync(path.join(ROOT, `portal/i18n/${lang}.txt`), 'utf8').split('\n')) {
			const m = line.match(/^\s*([A-Za-z0-9_.]+)\s*=\s*(.*?)\s*$/);
			if (m && !line.trimStart().startsWith('#')) catalogs[lang][m[1]] = m[2].replace(/\\n/g, '\n');
		}
	}
	return catalogs[lang];
}

// msg('err.required'), msg('notif.rejected', 'ko', reason), msg(key, 'en').
export function msg(key, lang = 'ko', ...args) {
	const v = catalog(lang)[key];
	if (v === undefined) throw new Error(`no message ${key} in ${lang}.txt`);
	return v.replace(/\{(\d)\}/g, (_, i) => args[Number(i)] ?? '');
}

// Every field of the supplier registration form, valid.
export function supplierFields(srv, over = {}) {
	const login = over.login || uniqueLogin('s');
	const t = tag();
	return {
		bizno: dashed(freshBizno()),
		company: `(주)테스트상사 ${t}`,
		representative: '김대표',
		address: '서울특별시 중구 세종대로 110',
		region: '11',
		biz_type: 'distributor',
		licences: '정보통신공사업\r\n전기공사업',
		contact: '이담당',
		email: `${login}@test.example`,
		phone: '02-1234-5678',
		categories: [srv.cats[0], srv.cats[1]],
		login,
		password: PASSWORD,
		password2: PASSWORD,
		agree: '1',
		...over,
	};
}

export function nonceOf(html) {
	const m = html.match(/name="nonce" value="([^"]+)"/);
	if (!m) throw new Error('no nonce on the registration form');
	return m[1];
}

// Fill in and submit the registration form as a new visitor.
export async function registerSupplier(srv, over = {}) {
	const c = new Client(srv.base);
	const g = await c.get('/register');
	assert.equal(g.status, 200);
	const f = supplierFields(srv, over);
	for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
	const nonce = nonceOf(g.text);
	const r = await c.post('/register', { nonce, ...f });
	return { c, r, f, nonce };
}

// Register and check it worked; returns the new org id too.
export async function newSupplier(srv, over = {}) {
	const res = await registerSupplier(srv, over);
	assert.equal(res.r.status, 303, `registration refused: ${errors(res.r.text).join(' | ')}`);
	const digits = res.f.bizno.replace(/-/g, '');
	res.orgId = await one(srv, `SELECT id FROM portal.org WHERE bizno = ${q(digits)}`);
	assert.ok(res.orgId, 'the organisation exists');
	res.digits = digits;
	return res;
}

export async function loginAs(srv, login, password) {
	const c = new Client(srv.base);
	await c.login(login, password);
	return c;
}

export async function staff(srv) {
	return loginAs(srv, ...DEMO.admin);
}

// Staff decision on a supplier: action 'approve' or 'reject'.
export async function review(admin, orgId, action, reason = '') {
	const g = await admin.get(`/admin/suppliers/${orgId}`);
	assert.equal(g.status, 200);
	return admin.post(`/admin/suppliers/${orgId}`, { action, reason });
}

// The per-field error messages on a page: { field: message }.
export function fieldErrors(html) {
	const out = {};
	for (const m of html.matchAll(/<p class="err" id="e-([a-z0-9_]+)">([^<]*)<\/p>/g)) out[m[1]] = unescape(m[2]);
	return out;
}

export function errors(html) {
	return Object.entries(fieldErrors(html || '')).map(([k, v]) => `${k}: ${v}`);
}

export function unescape(s) {
	return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
		.replace(/&#39;/g, "'").replace(/&#96;/g, '`').replace(/&amp;/g, '&');
}

export function escapeHtml(s) {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/`/g, '&#96;');
}

// Value attribute of an input by id.
export function inputValue(html, id) {
	const m = html.match(new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`));
	if (!m) return undefined;
	const v = m[0].match(/\bvalue="([^"]*)"/);
	return v ? unescape(v[1]) : undefined;
}

export function textareaValue(html, id) {
	const m = html.match(new RegExp(`<textarea[^>]*\\bid="${id}"[^>]*>([^<]*)</textarea>`));
	return m ? unescape(m[1]) : undefined;
}

export function selectedOption(html, id) {
	const m = html.match(new RegExp(`<select[^>]*\\bid="${id}"[^>]*>([\\s\\S]*?)</select>`));
	if (!m) return undefined;
	const o = m[1].match(/<option value="([^"]*)" selected>/);
	return o ? o[1] : null;
}

export function checkedCategories(html) {
	return [...html.matchAll(/name="categories" value="([0-9]+)" checked/g)].map((m) => m[1]);
}

// The unread-notification count shown in the page header.
export function unreadBadge(html) {
	const m = html.match(/<span class="badge[^"]*"[^>]*>(?:<span class="sr">[^<]*<\/span>)?\s*(\d+)<\/span>/);
	return m ? Number(m[1]) : undefined;
}

export async function orgCount(srv) {
	return Number(await one(srv, 'SELECT count(*) FROM portal.org'));
}

export async function auditRows(srv, where) {
	return (await srv.sql(`SELECT event, detail::text FROM portal.audit WHERE ${where} ORDER BY id`))
		.map(([event, detail]) => ({ event, detail: JSON.parse(detail) }));
}

// Same origin as the server once a browser resolves the Location header.
export function sameOrigin(srv, location) {
	return new URL(location, srv.base).origin === new URL(srv.base).origin;
}

// A raw request outside any Client (for odd bodies and headers).
export async function raw(srv, method, url, { body, headers = {} } = {}) {
	const res = await fetch(srv.base + url, { method, body, headers, redirect: 'manual' });
	return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
}
