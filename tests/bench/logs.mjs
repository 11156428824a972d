// Issue 6 benchmark: usage-log import. Generates a reproducible Combined
// Log Format file of LINES lines (default 1,000,000; seeded PRNG) in
// tests/out: visitors over three days with realistic journeys (notice
// list, notice detail, bid form, bid post, agency and staff pages, logins),
// static assets, health checks, crawlers, 404 scanners, 5xx, IPv6
// clients, an agent with escaped quotes, a little disorder, and bad lines.
// Then, in the same run on the same file:
//   - GoAccess (Debian's /usr/bin/goaccess, --log-format=COMBINED) once
//     writing its JSON report and once --process-and-exit;
//   - build/g2b-logs import into a fresh database on the shared cluster
//     (the importer applies the schema itself), --close-all;
// each under GNU time for wall time and peak RSS. Prints lines/s for each
// and the ratio (target: g2b-logs >= 5x GoAccess, while computing sessions
// and funnels). Then checks the import against what the generator knows:
// lines, bad lines by reason, hits by status, sessions (human and bot),
// total depth, distinct visitors, the default funnel's sessions per step
// and its completions by user type. A second import of the same file must
// add nothing; an import killed mid-way (--crash-after) and restarted must
// give the same totals. Then the same traffic as the portal's own u1 usage
// events (portal/usagefmt.h), split over two files like two workers write
// them, imported with the files merged by time: lines/s against the
// Combined import of the same run (the baseline), with the same totals
// (lines, bad lines, hits by status, sessions, depth, visitors). Any
// mismatch fails the bench (exit 1).
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, statSync, existsSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pgStart, psql, OUT, ROOT } from '../lib/harness.mjs';

const LINES = Number(process.env.BENCH_LOG_LINES || 1000000);
const SEED = Number(process.env.BENCH_LOG_SEED || 20261123);
const FILE = path.join(OUT, `bench-logs-${LINES}.log`);
const G2B_LOGS = path.join(ROOT, 'build/g2b-logs');
const TIME = '/usr/bin/time';
const GOACCESS = '/usr/bin/goaccess';

// ---------------------------------------------------------------- PRNG
let s0 = SEED >>> 0;
function rnd() { // mulberry32
	s0 = (s0 + 0x6D2B79F5) >>> 0;
	let t = s0;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ri = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const pick = (a) => a[Math.floor(rnd() * a.length)];

// ---------------------------------------------------------------- content
const BROWSERS = [
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Whale/3.23.214.10 Safari/537.36',
	'Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
	'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
	'Mozilla/5.0 (Linux; Android 13; SM-A536N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
	'Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko',
	'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
	'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2) \\"odd\\" agent',
];
const CRAWLERS = [
	['66.249.66.', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
	['110.93.150.', 'Mozilla/5.0 (compatible; Yeti/1.1; +http://naver.me/spd)'],
	['40.77.167.', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
];
const SEARCH = ['https://www.google.com/search?q=%EB%82%98%EB%9D%BC%EC%9E%A5%ED%84%B0',
	'https://search.naver.com/search.naver?query=g2b', 'https://www.daum.net/', 'https://m.search.naver.com/'];
const SELF = 'https://www.g2b.go.kr';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const START = Date.UTC(2026, 10, 20, 0, 0, 0) / 1000 - 9 * 3600; // 2026-11-20 00:00 KST
const DAYS = 3;
const END = START + DAYS * 86400;
// Share of session starts per KST hour (office hours busiest).
const HOURS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 10, 16, 18, 17, 14, 10, 6, 4, 3, 2, 2, 1];
const HSUM = HOURS.reduce((a, b) => a + b, 0);

function kstStamp(t) {
	const d = new Date((t + 9 * 3600) * 1000);
	const p = (n) => String(n).padStart(2, '0');
	return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
		`${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0900`;
}
function sessionStart() {
	let r = rnd() * HSUM, h = 0;
	while (r >= HOURS[h]) { r -= HOURS[h]; h++; }
	return START + ri(0, DAYS - 1) * 86400 + h * 3600 + ri(0, 3599);
}
const route = (p) => p.split('?')[0].split('/').map((s) => (/^[0-9]+$/.test(s) ? ':id' : s)).join('/');

// What the importer must find (mirrors of crm/usage.c rules).
const STEPS = [['GET', '/notices'], ['GET', '/notices/:id'], ['GET', '/notices/:id/bid'], ['POST', '/notices/:id/bid']];
function utypeOf(r, m, st) {
	if (st >= 400) return 0;
	if (r.startsWith('/admin')) return 4;
	if (r.startsWith('/agency/') || r.startsWith('/notices/new') ||
	    /^\/notices\/:id\/(edit|publish|amend|cancel|open|review|renotice)$/.test(r)) return 3;
	if (r.startsWith('/certificate') || r.startsWith('/bids') || /^\/notices\/:id\/(bid|withdraw)$/.test(r)) return 2;
	if ((m === 'POST' && r === '/login' && st === 303) || r.startsWith('/account') ||
	    r.startsWith('/notifications') || r.startsWith('/logout')) return 1;
	return 0;
}
const UTYPES = ['visitor', 'member', 'supplier', 'agency', 'staff', 'bot'];
const isAsset = (p) => p.startsWith('/static/') || /\.(css|js|png|ico|svg|woff2?)$/.test(p) || /^\/health(\/|$)/.test(p);

const want = {
	lines: 0, bad: {}, status: {}, sessions: 0, botSessions: 0, depth: 0,
	visitors: 0, funnel: [0, 0, 0, 0], funnelSessions: 0, completedBy: {},
};
const out = []; // [t, seq, line]
let seq = 0;
function emit(t, ip, ua, m, p, st, bytes, ref) {
	want.status[st] = (want.status[st] || 0) + 1;
	// 1 % of lines are written up to 5 s early (a worker's clock order).
	const shown = rnd() < 0.01 ? t - ri(1, 5) : t;
	out.push([t, seq++, `${ip} - - [${kstStamp(shown)}] "${m} ${p} HTTP/1.1" ${st} ${bytes} "${ref || '-'}" "${ua}"`]);
}

// One session: a list of [method, path, status] page requests with assets.
function journey(kind) {
	const n = () => ri(1000, 99999);
	const id = n();
	const J = [];
	switch (kind) {
	case 'bounce':
		J.push(['GET', pick(['/', '/notices', `/notices/${n()}`, '/notices?q=%EC%A0%84%EC%82%B0']), 200]);
		break;
	case 'browse': {
		J.push(['GET', '/', 200], ['GET', '/notices', 200]);
		for (let i = ri(1, 5); i > 0; i--) J.push(['GET', rnd() < 0.3 ? `/notices?page=${ri(2, 9)}` : `/notices/${n()}`, 200]);
		if (rnd() < 0.2) J.push(['GET', '/register', 200]);
		break;
	}
	case 'bidder': {
		J.push(['GET', '/login', 200], ['POST', '/login', 303], ['GET', '/', 200]);
		const stop = ri(1, 6);
		if (stop >= 1) J.push(['GET', '/notices', 200]);
		if (stop >= 2) J.push(['GET', `/notices/${id}`, 200]);
		if (stop >= 3) J.push(['GET', '/certificate', 200]);
		if (stop >= 4) J.push(['GET', `/notices/${id}/bid`, 200]);
		if (stop >= 5) J.push(['POST', `/notices/${id}/bid`, rnd() < 0.85 ? 200 : 400]);
		if (stop >= 6) J.push(['GET', `/bids/${n()}/receipt`, 200]);
		break;
	}
	case 'direct-bid': // from a bookmark: skips the list (never enters the funnel)
		J.push(['GET', '/login', 200], ['POST', '/login', 303], ['GET', `/notices/${id}`, 200],
			['GET', `/notices/${id}/bid`, 200], ['POST', `/notices/${id}/bid`, 200]);
		break;
	case 'agency':
		J.push(['GET', '/login', 200], ['POST', '/login', 303], ['GET', '/agency/notices', 200],
			['GET', '/notices/new', 200], ['POST', '/notices/new', 303], ['GET', `/notices/${id}/edit`, 200],
			['POST', `/notices/${id}/publish`, rnd() < 0.9 ? 303 : 400], ['GET', `/notices/${id}`, 200]);
		break;
	case 'staff':
		J.push(['GET', '/login', 200], ['POST', '/login', 303], ['GET', '/admin', 200],
			['GET', '/admin/suppliers', 200], ['GET', `/admin/suppliers/${ri(1, 500)}`, 200],
			['POST', `/admin/suppliers/${ri(1, 500)}`, 303], ['GET', '/admin/audit', 200]);
		break;
	case 'scanner':
		for (const p of ['/wp-login.php', '/.env', '/phpmyadmin/index.php', '/admin.php', '/.git/config',
			'/cgi-bin/luci', `/notices/${n()}x`]) J.push(['GET', p, 404]);
		break;
	}
	// A few server errors anywhere.
	for (const r of J) if (r[2] === 200 && rnd() < 0.003) r[2] = pick([500, 502, 503]);
	return J;
}
const KINDS = [['bounce', 30], ['browse', 32], ['bidder', 18], ['direct-bid', 3], ['agency', 6], ['staff', 2], ['scanner', 3]];
const KSUM = KINDS.reduce((a, k) => a + k[1], 0);
function kind() {
	let r = rnd() * KSUM;
	for (const [k, w] of KINDS) { if (r < w) return k; r -= w; }
	return 'bounce';
}

// Account one session's requests (page requests only) like the importer.
function account(reqs, bot) {
	want.sessions++;
	if (bot) want.botSessions++;
	let st = 0, ut = bot ? 5 : 0;
	for (const [m, p, code] of reqs) {
		const r = route(p);
		if (m === 'GET' && !(code >= 300 && code < 400) && !r.startsWith('/api/')) want.depth++;
		if (st < 4 && STEPS[st][0] === m && STEPS[st][1] === r && code < 400) st++;
		if (!bot) ut = Math.max(ut, utypeOf(r, m, code));
	}
	want.funnelSessions++;
	for (let i = 0; i < st; i++) want.funnel[i]++;
	if (st === 4) want.completedBy[UTYPES[ut]] = (want.completedBy[UTYPES[ut]] || 0) + 1;
}

function human(v) {
	const ua = v.ua;
	let t = sessionStart();
	while (t < END - 3600) {
		const J = journey(v.kind === 'scanner' ? 'scanner' : kind());
		let ref = pick(SEARCH);
		const reqs = [];
		let first = true;
		for (const [m, p, st] of J) {
			emit(t, v.ip, ua, m, p, st, st === 303 ? 0 : ri(900, 48000), m === 'GET' ? ref : `${SELF}${p}`);
			reqs.push([m, p, st]);
			if (m === 'GET' && st === 200 && !p.startsWith('/api/')) {
				// assets: all on the first page, then mostly cached
				const as = first ? ['/static/style.css', '/static/favicon.svg'] : rnd() < 0.3 ? ['/static/style.css'] : [];
				if (p.endsWith('/bid')) as.push('/static/bid.js');
				for (const a of as) emit(t + 1, v.ip, ua, 'GET', a, 200, ri(300, 9000), `${SELF}${p}`);
				first = false;
			}
			ref = `${SELF}${p}`;
			t += ri(2, 600); // under 30 minutes between requests
		}
		account(reqs, false);
		v.sessions++;
		t += ri(2 * 3600, 30 * 3600); // next visit, hours later
		if (rnd() < 0.5) break;
	}
}

function crawler(ip, ua) {
	let t = START + ri(0, 3600);
	while (t < END - 600) {
		const reqs = [];
		for (let i = ri(20, 200); i > 0; i--) {
			const p = rnd() < 0.1 ? '/notices' : rnd() < 0.05 ? '/robots.txt' : `/notices/${ri(1000, 99999)}`;
			const st = p === '/robots.txt' ? 404 : 200;
			emit(t, ip, ua, 'GET', p, st, ri(2000, 40000), null);
			reqs.push(['GET', p, st]);
			t += ri(1, 30);
		}
		account(reqs, true);
		t += ri(2 * 3600, 8 * 3600);
	}
}

function generate() {
	const budget = Math.floor(LINES * 0.93); // the rest: health checks, bad lines
	const nbad = Math.floor(LINES * 0.002);
	for (const [net, ua] of CRAWLERS) for (let i = 1; i <= 4; i++) crawler(`${net}${i}`, ua);
	let vid = 0;
	const visitors = new Set();
	while (out.length < budget) {
		vid++;
		const ip = rnd() < 0.15 ? `2001:db8:${(vid >> 16).toString(16)}:${(vid & 0xffff).toString(16)}::${ri(1, 9)}`
			: `${[1, 14, 58, 121, 175, 211, 220][vid % 7]}.${(vid >> 16) & 255}.${(vid >> 8) & 255}.${vid & 255}`;
		const v = { ip, ua: pick(BROWSERS), kind: rnd() < 0.03 ? 'scanner' : 'person', sessions: 0 };
		human(v);
		if (v.sessions > 0) visitors.add(`${ip} ${v.ua}`);
	}
	want.visitors = visitors.size;
	// Health checks from the local monitor fill up to LINES - bad lines.
	const nhealth = LINES - out.length - nbad;
	for (let i = 0; i < nhealth; i++) {
		const t = START + Math.floor((i * (END - START)) / nhealth);
		emit(t, '127.0.0.1', 'node', 'GET', '/health/live', 200, 16, null);
	}
	out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	// Bad lines at reproducible places.
	const bads = [
		['request', (t) => `45.9.20.1 - - [${kstStamp(t)}] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xfc\\x03\\x03" 400 0 "-" "-"`],
		['request', (t) => `45.9.20.2 - - [${kstStamp(t)}] "-" 400 0 "-" "-"`],
		['time', (t) => `45.9.20.3 - - [${kstStamp(t).replace('/Nov/', '/Nox/')}] "GET / HTTP/1.1" 200 1 "-" "x"`],
		['empty', () => ''],
		['host', () => 'garbage_line_without_structure'],
		['agent', (t) => `45.9.20.4 - - [${kstStamp(t)}] "GET / HTTP/1.1" 200 1 "-" "cut off`],
	];
	const lines = out.map((x) => x[2]);
	for (let i = 0; i < nbad; i++) {
		const [reason, mk] = bads[i % bads.length];
		const at = ri(0, lines.length);
		const t = out[Math.min(at, out.length - 1)][0];
		lines.splice(at, 0, mk(t));
		want.bad[reason] = (want.bad[reason] || 0) + 1;
	}
	want.lines = lines.length;
	return lines;
}

async function writeLog() {
	mkdirSync(OUT, { recursive: true });
	const lines = generate();
	const ws = createWriteStream(FILE);
	let buf = '';
	for (const l of lines) {
		buf += l + '\n';
		if (buf.length > 1 << 20) {
			if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r));
			buf = '';
		}
	}
	ws.end(buf);
	await new Promise((r) => ws.on('finish', r));
}

// ---------------------------------------------------------------- runs
function timed(cmd, args, env = {}) {
	const r = spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env },
		maxBuffer: 1 << 28 });
	const err = r.stderr || '';
	const wall = err.match(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/);
	const rss = err.match(/Maximum resident set size \(kbytes\): (\d+)/);
	if (!wall || !rss) throw new Error(`${cmd}: no timing (status ${r.status}):\n${err.slice(-2000)}`);
	const secs = Number(wall[1] || 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
	return { status: r.status, secs, rssMB: Number(rss[1]) / 1024, stdout: r.stdout, stderr: err };
}

const failures = [];
function check(what, got, exp) {
	const ok = JSON.stringify(got) === JSON.stringify(exp);
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}: ${JSON.stringify(got)}${ok ? '' : ` (expected ${JSON.stringify(exp)})`}`);
	if (!ok) failures.push(what);
}

function verify(db, label) {
	console.log(`checks (${label}):`);
	const one = (q) => psql(db, q)[0];
	check('lines', Number(one('SELECT sum(lines) FROM usage.import_file')[0]), want.lines);
	const bad = Object.fromEntries(psql(db, 'SELECT reason, n FROM usage.bad_count ORDER BY 1').map(([r, n]) => [r, Number(n)]));
	check('bad lines by reason', bad, Object.fromEntries(Object.entries(want.bad).sort()));
	const st = Object.fromEntries(psql(db, 'SELECT status, sum(hits) FROM usage.agg_route GROUP BY 1 ORDER BY 1')
		.map(([s, n]) => [s, Number(n)]));
	check('hits by status', st, Object.fromEntries(Object.entries(want.status).sort()));
	const [ses, bots, depth, vis] = one('SELECT count(*), count(*) FILTER (WHERE bot), sum(depth), ' +
		'count(DISTINCT visitor) FILTER (WHERE NOT bot) FROM usage.session');
	check('sessions (human + bot)', [Number(ses), Number(bots)], [want.sessions, want.botSessions]);
	check('open sessions left', Number(one('SELECT count(*) FROM usage.open_session')[0]), 0);
	check('total depth (page views in sessions)', Number(depth), want.depth);
	check('distinct human visitors', Number(vis), want.visitors);
	const fr = one("SELECT sum(sessions), array_to_string(ARRAY(SELECT sum(r.reached[i]) FROM usage.funnel_result r, " +
		"generate_series(1, 4) i WHERE r.funnel_id = f.id GROUP BY i ORDER BY i), ',') " +
		"FROM usage.funnel f JOIN usage.funnel_result x ON x.funnel_id = f.id WHERE f.name = 'bid' GROUP BY f.id");
	check('bid funnel: sessions, reached per step', [Number(fr[0]), fr[1].split(',').map(Number)],
		[want.funnelSessions, want.funnel]);
	const by = Object.fromEntries(psql(db, "SELECT utype, sum(reached[4]) FROM usage.funnel_result r JOIN usage.funnel f " +
		"ON f.id = r.funnel_id WHERE f.name = 'bid' GROUP BY 1 HAVING sum(reached[4]) > 0 ORDER BY 1")
		.map(([u, n]) => [u, Number(n)]));
	check('bid funnel completions by user type', by, Object.fromEntries(Object.entries(want.completedBy).sort()));
}

// The log as u1 usage events in two files (lines alternate, as two
// workers write them); a bad line stays as it is (a bad u1 line).
const U1_DIR = path.join(OUT, 'bench-logs-u1');
const MON = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const CLF = /^(\S+) \S+ \S+ \[(\d\d)\/(\w\w\w)\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] "(\S+) (\S+) HTTP\/1\.1" (\d{3}) (\d+|-) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/;
const u1esc = (v) => (v === '' ? '-' : v.replace(/[\x00-\x1f\x7f\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
function writeU1() {
	rmSync(U1_DIR, { recursive: true, force: true });
	mkdirSync(U1_DIR, { recursive: true });
	const parts = [[], []];
	let i = 0;
	let bad = 0;
	for (const l of readFileSync(FILE, 'utf8').split('\n')) {
		if (i === want.lines) break;
		const m = CLF.exec(l);
		let u = l;
		if (m && MON[m[3]] !== undefined) {
			const off = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60e3;
			const ms = Date.UTC(Number(m[4]), MON[m[3]], Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7])) - off;
			const p = m[12].replace(/[?#].*$/, '');
			const name = p.startsWith('/static/') ? 'static' : (p.split('/')[1] || 'home').slice(0, 30);
			u = ['u1', ms * 1000, m[1], '-', '-', '-', 'anon', m[11], name, p, m[13], m[14] === '-' ? 0 : m[14],
				1000 + (i % 50000), u1esc(m[15] === '-' ? '' : m[15]), u1esc(m[16] === '-' ? '' : m[16])].join('\t');
		} else bad++;
		parts[i % 2].push(u);
		i++;
	}
	parts.forEach((p, k) => writeFileSync(path.join(U1_DIR, `usage-20261101-${k + 1}.tsv`), p.join('\n') + '\n'));
	return bad;
}

function freshDb(name) {
	psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
	psql('postgres', `CREATE DATABASE ${name} OWNER g2b ENCODING 'UTF8' TEMPLATE template0`);
	return `host=${pgStart()} dbname=${name} user=g2b`;
}

async function main() {
	if (!existsSync(G2B_LOGS)) throw new Error('build/g2b-logs missing: run make build');
	const t0 = Date.now();
	await writeLog();
	const size = statSync(FILE).size;
	console.log(`log: ${FILE}: ${want.lines} lines, ${(size / 1048576).toFixed(1)} MiB, generated in ` +
		`${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${SEED}); ${want.sessions} sessions, ` +
		`${want.visitors} human visitors`);

	// Warm the page cache so neither tool pays the first read.
	readFileSync(FILE).length;
	const gaJson = path.join(OUT, 'bench-logs-goaccess.json');
	const ga = timed(GOACCESS, [FILE, '--log-format=COMBINED', '--no-global-config', '--no-progress', '-o', gaJson]);
	if (ga.status !== 0) throw new Error(`goaccess failed:\n${ga.stderr.slice(-2000)}`);
	const gaOnly = timed(GOACCESS, [FILE, '--log-format=COMBINED', '--no-global-config', '--no-progress', '--process-and-exit']);
	let gaTotal = null;
	try {
		const j = JSON.parse(readFileSync(gaJson, 'utf8'));
		gaTotal = { valid: j.general.valid_requests, failed: j.general.failed_requests };
	} catch { /* only informative */ }

	const dsn = freshDb('g2b_bench_logs');
	const imp = timed(G2B_LOGS, ['import', '--db', dsn, '--close-all', '--quiet', FILE], { G2B_ROOT: ROOT });
	if (imp.status !== 0) throw new Error(`g2b-logs import failed (${imp.status}):\n${imp.stderr.slice(-3000)}`);

	const rate = (r) => want.lines / r.secs;
	const fmt = (n) => Math.round(n).toLocaleString('en-US');
	console.log(`goaccess ${execFileSync(GOACCESS, ['--version'], { encoding: 'utf8' }).split('\n')[0].trim()} ` +
		`(JSON report): ${ga.secs.toFixed(2)} s, ${fmt(rate(ga))} lines/s, peak RSS ${ga.rssMB.toFixed(1)} MiB` +
		(gaTotal ? ` (valid ${gaTotal.valid}, failed ${gaTotal.failed})` : ''));
	console.log(`goaccess --process-and-exit: ${gaOnly.secs.toFixed(2)} s, ${fmt(rate(gaOnly))} lines/s, ` +
		`peak RSS ${gaOnly.rssMB.toFixed(1)} MiB`);
	console.log(`g2b-logs import (sessions, funnels, PostgreSQL writes): ${imp.secs.toFixed(2)} s, ` +
		`${fmt(rate(imp))} lines/s, peak RSS ${imp.rssMB.toFixed(1)} MiB`);
	const best = Math.max(rate(ga), rate(gaOnly));
	const ratio = rate(imp) / best;
	console.log(`ratio g2b-logs / goaccess (its faster run): ${ratio.toFixed(2)}x (target >= 5x) ` +
		`${ratio >= 5 ? 'met' : 'NOT met'}`);
	verify('g2b_bench_logs', 'first import');

	// Incremental: the same file again adds nothing.
	const again = spawnSync(G2B_LOGS, ['import', '--db', dsn, '--quiet', FILE], { encoding: 'utf8' });
	if (again.status !== 0) failures.push('second import failed: ' + again.stderr);
	check('second import of the same file: lines read', /imported 0 lines/.test(again.stdout), true);
	verify('g2b_bench_logs', 'after a second import');

	// Killed mid-way, then restarted: same totals.
	const dsn2 = freshDb('g2b_bench_logs_crash');
	const crash = spawnSync(G2B_LOGS, ['import', '--db', dsn2, '--quiet', '--batch', '150000',
		'--crash-after', String(Math.floor(want.lines * 0.55)), FILE], { encoding: 'utf8' });
	check('crash hook stopped the first import', crash.status, 99);
	const committed = Number(psql('g2b_bench_logs_crash', 'SELECT sum(lines) FROM usage.import_file')[0][0]);
	console.log(`  killed after ${Math.floor(want.lines * 0.55)} lines with ${committed} committed; restarting`);
	const resume = spawnSync(G2B_LOGS, ['import', '--db', dsn2, '--quiet', '--batch', '150000', '--close-all', FILE],
		{ encoding: 'utf8' });
	if (resume.status !== 0) failures.push('resumed import failed: ' + resume.stderr);
	verify('g2b_bench_logs_crash', 'killed and resumed');
	psql('postgres', 'DROP DATABASE IF EXISTS g2b_bench_logs_crash WITH (FORCE)');

	// The same traffic as u1 usage events, two files merged by time.
	const badU1 = writeU1();
	const dsn3 = freshDb('g2b_bench_logs_u1');
	readFileSync(path.join(U1_DIR, 'usage-20261101-1.tsv')).length;
	readFileSync(path.join(U1_DIR, 'usage-20261101-2.tsv')).length;
	const u1 = timed(G2B_LOGS, ['import', '--db', dsn3, '--close-all', '--quiet', '--dir', U1_DIR], { G2B_ROOT: ROOT });
	if (u1.status !== 0) throw new Error(`g2b-logs u1 import failed (${u1.status}):\n${u1.stderr.slice(-3000)}`);
	console.log(`g2b-logs import of u1 events (2 files merged): ${u1.secs.toFixed(2)} s, ${fmt(rate(u1))} lines/s, ` +
		`peak RSS ${u1.rssMB.toFixed(1)} MiB; ratio to the Combined import of this run: ${(rate(u1) / rate(imp)).toFixed(2)}x`);
	console.log('checks (u1 events):');
	const u1one = (q) => psql('g2b_bench_logs_u1', q)[0];
	check('lines', Number(u1one('SELECT sum(lines) FROM usage.import_file')[0]), want.lines);
	check('bad lines (kept as they were)', Number(u1one('SELECT sum(bad) FROM usage.import_file')[0]),
		Object.values(want.bad).reduce((a, b) => a + b, 0));
	check('bad lines the converter saw', badU1, Object.values(want.bad).reduce((a, b) => a + b, 0));
	const st3 = Object.fromEntries(psql('g2b_bench_logs_u1', 'SELECT status, sum(hits) FROM usage.agg_route GROUP BY 1 ORDER BY 1')
		.map(([x, n]) => [x, Number(n)]));
	check('hits by status', st3, Object.fromEntries(Object.entries(want.status).sort()));
	check('every hit timed', u1one('SELECT sum(rt_n) = sum(hits) FROM usage.agg_route')[0], 't');
	const [ses3, bots3, depth3, vis3] = u1one('SELECT count(*), count(*) FILTER (WHERE bot), sum(depth), ' +
		'count(DISTINCT visitor) FILTER (WHERE NOT bot) FROM usage.session');
	check('sessions (human + bot)', [Number(ses3), Number(bots3)], [want.sessions, want.botSessions]);
	check('total depth (page views in sessions)', Number(depth3), want.depth);
	check('distinct human visitors', Number(vis3), want.visitors);
	psql('postgres', 'DROP DATABASE IF EXISTS g2b_bench_logs_u1 WITH (FORCE)');
	rmSync(U1_DIR, { recursive: true, force: true });
	psql('postgres', 'DROP DATABASE IF EXISTS g2b_bench_logs WITH (FORCE)');
	rmSync(gaJson, { force: true });
	if (!process.env.BENCH_KEEP_LOG) rmSync(FILE, { force: true });

	console.log(`logs bench: ${fmt(rate(imp))} lines/s vs goaccess ${fmt(best)} lines/s = ${ratio.toFixed(2)}x; ` +
		`${failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) FAILED: ${failures.join('; ')}`}`);
	if (failures.length > 0) process.exit(1);
}

main().catch((e) => { console.error(e); process.exit(1); });
