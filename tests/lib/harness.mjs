// Test harness shared by the e2e, browser and bench layers: a throwaway
// PostgreSQL database and the real Kore server on a free loopback port.
//
//   const srv = await startServer({ demo: true });
//   const c = new Client(srv.base);  await c.get('/');  ...
//   await srv.sql('SELECT ...')  (psql as the superuser, returns rows)
//   await srv.stop();
//
// The cluster itself is started once per run by tests/run-all.sh (or by
// the first caller) under tests/out/pg; each server gets its own database
// so test files are independent and may run one after another.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, openSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = path.join(ROOT, 'tests/out');
const PGDIR = path.join(OUT, 'pg');

function sh(cmd, args, opts = {}) {
	return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

let pgRun = null;
export function pgStart() {
	if (pgRun) return pgRun;
	mkdirSync(OUT, { recursive: true });
	sh('sh', [path.join(ROOT, 'conf/pg.sh'), 'start', PGDIR]);
	pgRun = path.join(PGDIR, 'run');
	return pgRun;
}

export function psql(db, sql, args = []) {
	const run = pgStart();
	const out = sh('psql', ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1',
		'-h', run, '-U', 'postgres', '-d', db, ...args, '-c', sql]);
	return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.unref();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function startServer(opts = {}) {
	const run = pgStart();
	const db = opts.db || `g2b_t${randomBytes(4).toString('hex')}`;
	if (!opts.db) psql('postgres', `CREATE DATABASE ${db} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
	const port = await freePort();
	const tag = `${db}-${port}`;
	const conf = path.join(OUT, `kore-${tag}.conf`);
	const log = path.join(OUT, `kore-${tag}.log`);
	const env = {
		...process.env,
		G2B_DB: `host=${run} dbname=${db} user=g2b`,
		G2B_ROOT: ROOT,
		G2B_SECRET: randomBytes(32).toString('hex'),
		G2B_DEMO: opts.demo === false ? '0' : '1',
		G2B_CA_DIR: path.join(OUT, 'ca'),
		G2B_USAGE_DIR: path.join(OUT, `usage-${tag}`),
		...(opts.env || {}),
	};
	sh('sh', [path.join(ROOT, 'conf/mkconf.sh'), conf, '127.0.0.1', String(port),
		String(opts.workers || 2), path.join(OUT, `access-${tag}.log`)], { env });
	const fd = openSync(log, 'a');
	const child = spawn('kore', ['-fnrc', conf], { env, cwd: ROOT, stdio: ['ignore', fd, fd], detached: true });
	let exited = null;
	child.on('exit', (code, sig) => { exited = { code, sig }; });
	const scheme = opts.env && opts.env.G2B_TLS_CERT ? 'https' : 'http';
	const base = `${scheme}://127.0.0.1:${port}`;
	const deadline = Date.now() + 30000;
	for (;;) {
		if (exited) throw new Error(`server exited (${JSON.stringify(exited)}):\n${readFileSync(log, 'utf8')}`);
		try {
			const r = await fetch(`${base}/health/live`);
			if (r.status === 200) break;
		} catch { /* not yet listening */ }
		if (Date.now() > deadline) throw new Error(`server did not start:\n${readFileSync(log, 'utf8')}`);
		await sleep(100);
	}
	return {
		base, port, db, log, pid: child.pid,
		accessLog: path.join(OUT, `access-${tag}.log`), usageDir: env.G2B_USAGE_DIR,
		dsn: env.G2B_DB,
		sql: (q, args) => psql(db, q, args),
		logText: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
		// Stop the server; drop the database it was given (unless kept).
		async stop() {
			if (!exited) {
				const done = new Promise((r) => child.once('exit', r));
				try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
				const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 10000);
				await done;
				clearTimeout(t);
			}
			if (!opts.db && !opts.keep) {
				try { psql('postgres', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); } catch { /* run-all drops leftovers */ }
				rmSync(conf, { force: true });
			}
		},
	};
}

// A browser-like HTTP client: keeps cookies, reads CSRF tokens from the
// last HTML page, never follows redirects by itself.
export class Client {
	constructor(base) {
		this.base = base;
		this.cookies = new Map();
		this.html = '';
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	keepCookies(res) {
		for (const c of res.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const i = pair.indexOf('=');
			const k = pair.slice(0, i).trim();
			const v = pair.slice(i + 1).trim();
			if (v === '' || attrs.some((a) => /max-age=0/i.test(a))) this.cookies.delete(k);
			else this.cookies.set(k, v);
		}
	}

	async request(method, url, body, headers = {}) {
		const h = { ...headers };
		if (this.cookies.size) h.cookie = this.cookieHeader();
		let payload;
		if (body !== undefined && typeof body !== 'string') {
			const p = new URLSearchParams();
			for (const [k, v] of Object.entries(body)) {
				for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
			}
			payload = p.toString();
			h['content-type'] = h['content-type'] || 'application/x-www-form-urlencoded';
		} else {
			payload = body;
		}
		const res = await fetch(this.base + url, { method, headers: h, body: payload, redirect: 'manual' });
		this.keepCookies(res);
		const text = await res.text();
		if ((res.headers.get('content-type') || '').startsWith('text/html')) this.html = text;
		return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
	}

	get(url) { return this.request('GET', url); }

	// Follow a 303 like a browser does after a form post.
	async follow(r) {
		return r.status === 303 || r.status === 302 ? this.get(r.location) : r;
	}

	csrf() {
		const m = this.html.match(/name="csrf" value="([^"]+)"/);
		if (!m) throw new Error('no CSRF token on the last page');
		return m[1];
	}

	// POST a form with the CSRF token of the last page.
	post(url, fields = {}) {
		return this.request('POST', url, { csrf: this.csrf(), ...fields });
	}

	async login(login, password) {
		await this.get('/login');
		const r = await this.post('/login', { login, password });
		if (r.status !== 303) throw new Error(`login ${login} failed: ${r.status}`);
		await this.get(r.location);
		return r;
	}
}

// A valid business registration number (사업자등록번호) from 9 digits.
export function bizno(prefix9) {
	const w = [1, 3, 7, 1, 3, 7, 1, 3, 5];
	const d = [...prefix9].map(Number);
	let sum = d.reduce((s, x, i) => s + x * w[i], 0) + Math.floor((d[8] * 5) / 10);
	return prefix9 + String((10 - (sum % 10)) % 10);
}

export function uniqueBizno() {
	for (;;) {
		const p = String(100000000 + Math.floor(Math.random() * 899999999));
		return bizno(p);
	}
}

// HTML text between tags, for assertions on what a user reads.
export function text(html) {
	return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ')
		.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
}
