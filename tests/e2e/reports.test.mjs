// Statistics report pages (dw/reports.c): build/g2b-gen fills the live
// tables from a seed, build/g2b-etl loads the warehouse (which refreshes
// the report aggregates), and every report is fetched over HTTP as staff,
// as HTML, CSV and JSON, at two or more drill levels (the aggregate tables
// at the top, the facts below), and compared with direct SQL on the live
// tables (bidding.notice, opening, contract, bid_result, portal.org).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { ROOT } from '../lib/harness.mjs';
import { boot, staff, loginAs, DEMO, Client } from './helpers.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let srv;
let admin;
let year;	// a full year of the generated data
let seg;	// the busiest segment

// The live notices with everything the reports measure, in Korean time.
const LIVE = `WITH l AS (SELECT n.id, (f.published_at AT TIME ZONE 'Asia/Seoul') AS pub,
	n.outcome, n.opened_at IS NOT NULL AS opened, o.bids, c.amount, r.ratio_milli,
	extract(epoch FROM c.awarded_at - f.published_at) / 86400 AS days,
	substr(it.code, 1, 2) || '000000' AS seg, substr(it.code, 1, 4) || '0000' AS fam,
	substr(it.code, 1, 6) || '00' AS cls, a.region, a.agency_kind AS kind, a.id AS agency, sr.code AS sup_region
  FROM bidding.notice n
  JOIN bidding.notice_version f ON f.notice_id = n.id AND f.ord = 1
  JOIN portal.org a ON a.id = n.agency_id
  JOIN LATERAL (SELECT i.code FROM bidding.notice_item i WHERE i.notice_id = n.id
	AND i.ord = n.cur_ord ORDER BY i.line LIMIT 1) it ON true
  LEFT JOIN bidding.opening o ON o.notice_id = n.id
  LEFT JOIN bidding.contract c ON c.notice_id = n.id
  LEFT JOIN bidding.bid_result r ON r.bid_id = c.bid_id
  LEFT JOIN portal.org s ON s.id = c.supplier_id
  LEFT JOIN portal.region sr ON sr.code = s.region
 WHERE n.status <> 'draft')`;

const MEASURES = `count(*), count(*) FILTER (WHERE opened),
	count(*) FILTER (WHERE outcome = 'awarded'), count(*) FILTER (WHERE outcome = 'failed'),
	coalesce(sum(amount) FILTER (WHERE outcome = 'awarded'), 0), coalesce(sum(bids), 0),
	round(avg(ratio_milli) FILTER (WHERE outcome = 'awarded') / 1000.0, 4),
	round(avg(days) FILTER (WHERE outcome = 'awarded'), 4)`;

// Live groups: key => measures, for a grouping expression and a filter.
async function live(keyExpr, where = 'true') {
	const rows = await srv.sql(`${LIVE} SELECT ${keyExpr}, ${MEASURES} FROM l WHERE ${where}
		GROUP BY 1 ORDER BY 1`);
	const m = new Map();
	for (const r of rows) {
		m.set(r[0], {
			notices: Number(r[1]), opened: Number(r[2]), awarded: Number(r[3]),
			failed: Number(r[4]), award_amount: Number(r[5]), bids: Number(r[6]),
			ratio: r[7] === '' ? null : Number(r[7]), days: r[8] === '' ? null : Number(r[8]),
		});
	}
	return m;
}

function compareGroups(json, expect, what) {
	assert.equal(json.groups.length, expect.size, `${what}: number of groups`);
	for (const g of json.groups) {
		const e = expect.get(g.key);
		assert.ok(e, `${what}: unexpected group ${g.key}`);
		for (const k of ['notices', 'opened', 'awarded', 'failed', 'award_amount', 'bids'])
			assert.equal(g[k], e[k], `${what} ${g.key} ${k}`);
		if (e.ratio === null) assert.equal(g.avg_ratio_pct, null);
		else assert.ok(Math.abs(g.avg_ratio_pct - e.ratio) < 0.001, `${what} ${g.key} ratio ${g.avg_ratio_pct} vs ${e.ratio}`);
		if (e.days === null) assert.equal(g.avg_days, null);
		// days_to_award is stored to the 1/1000 day
		else assert.ok(Math.abs(g.avg_days - e.days) < 0.001, `${what} ${g.key} days ${g.avg_days} vs ${e.days}`);
		assert.equal(g.failed_pct === null ? null : Number(g.failed_pct.toFixed(4)),
			e.opened ? Number((e.failed * 100 / e.opened).toFixed(4)) : null);
	}
}

// RFC 4180 parser (quoted fields, doubled quotes, CRLF).
function parseCsv(text) {
	const rows = [];
	let row = [];
	let f = '';
	let q = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false;
			else f += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') { row.push(f); f = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
			row.push(f); rows.push(row); row = []; f = ''; i++;
		} else f += ch;
	}
	if (f !== '' || row.length) { row.push(f); rows.push(row); }
	return rows;
}

// The body's exact bytes (fetch's text() drops a BOM), as staff.
async function rawGet(url) {
	const res = await fetch(srv.base + url, { headers: { cookie: admin.cookieHeader() }, redirect: 'manual' });
	const buf = new Uint8Array(await res.arrayBuffer());
	return { status: res.status, headers: res.headers, bytes: buf,
		text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf) };
}

async function fetchAll(url) {
	const h = await admin.get(url);
	assert.equal(h.status, 200, `${url}: ${h.text.slice(0, 300)}`);
	assert.match(h.headers.get('content-type'), /text\/html/);
	const j = await admin.get(`${url}&format=json`);
	assert.equal(j.status, 200, j.text);
	assert.match(j.headers.get('content-type'), /application\/json/);
	const json = JSON.parse(j.text);
	const c = await rawGet(`${url}&format=csv`);
	assert.equal(c.status, 200);
	assert.match(c.headers.get('content-type'), /text\/csv; charset=utf-8/);
	assert.match(c.headers.get('content-disposition'), /attachment; filename="stats-/);
	assert.ok(c.text.startsWith('\ufeff'), 'CSV starts with a BOM');
	const csv = parseCsv(c.text.slice(1));
	// The CSV has the JSON's groups, same numbers.
	assert.equal(csv.length, json.groups.length + 1);
	json.groups.forEach((g, i) => {
		assert.equal(csv[i + 1][0], g.key);
		assert.equal(csv[i + 1][1], g.label.match(/^[=+@-]/) ? `'${g.label}` : g.label);
		assert.equal(Number(csv[i + 1][2]), g.notices);
		assert.equal(Number(csv[i + 1][8]), g.award_amount);
	});
	return { html: h.text, json, csv };
}

before(async () => {
	srv = await boot({ env: { G2B_DW_ETL_SECONDS: '0' } });
	await run(path.join(ROOT, 'build/g2b-gen'), ['--db', srv.dsn, '--seed', '11', '--notices', '1500',
		'--suppliers', '200', '--agencies', '30', '--years', '3', '--end', '2026-11-20']);
	// A name that needs CSV quoting and looks like a formula (type 1: the
	// warehouse shows it everywhere).
	await srv.sql(`UPDATE portal.org SET name = '=SUM(1), "x"', updated_at = now()
		WHERE id = (SELECT agency_id FROM bidding.notice GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)`);
	await sleep(1200);	// past the ETL horizon
	await run(path.join(ROOT, 'build/g2b-etl'), ['--db', srv.dsn, '--batch', '500']);
	admin = await staff(srv);
	year = 2025;
	seg = (await srv.sql(`${LIVE} SELECT seg FROM l GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`))[0][0];
});

after(async () => {
	if (srv) await srv.shutdown();
});

test('the load refreshed the report aggregates', async () => {
	const [[n, fn]] = await srv.sql(`SELECT (SELECT notices FROM dw.reports_state),
		(SELECT count(*) FROM dw.fact_notice)`);
	assert.equal(n, fn);
	assert.ok(Number(n) > 1000);
});

test('volume, failed rate, days and ratio by time: years, months, days match the live tables', async () => {
	const years = await live(`to_char(pub, 'YYYY')`);
	for (const r of ['volume', 'failed', 'days', 'ratio', 'competition', 'share']) {
		const { html, json } = await fetchAll(`/stats?r=${r}&by=time`);
		assert.equal(json.level, 'year');
		compareGroups(json, years, `${r} by year`);
		assert.match(html, /<svg[^>]*role="img"/);
		assert.match(html, /<rect [^>]*><title>[^<]+: [0-9.,]+<\/title>/);
		assert.match(html, new RegExp(`<a href="/stats\\?r=${r}&amp;by=time&amp;year=${year}">`));
	}
	const months = await live(`to_char(pub, 'YYYYMM')`, `to_char(pub, 'YYYY') = '${year}'`);
	const m = await fetchAll(`/stats?r=volume&by=time&year=${year}`);
	assert.equal(m.json.level, 'month');
	assert.equal(m.json.groups.length, 12);
	compareGroups(m.json, months, 'volume by month');
	// Breadcrumb back to all years; drill to a month.
	assert.match(m.html, /<a href="\/stats\?r=volume&amp;by=time">/);
	assert.match(m.html, new RegExp(`href="/stats\\?r=volume&amp;by=time&amp;year=${year}&amp;month=3"`));
	// Day level reads the facts: same numbers as the live tables.
	const days = await live(`to_char(pub, 'YYYYMMDD')`, `to_char(pub, 'YYYYMM') = '${year}03'`);
	const d = await fetchAll(`/stats?r=failed&by=time&year=${year}&month=3`);
	assert.equal(d.json.level, 'day');
	compareGroups(d.json, days, 'failed by day');
	const html = d.html;
	assert.match(html, new RegExp(`<a href="/stats\\?r=failed&amp;by=time&amp;year=${year}">${year}</a>`));
	assert.match(html, new RegExp(`<strong aria-current="location">${year}-03</strong>`));
	// Numbers are shown in the HTML table with separators.
	const total = [...days.values()].reduce((a, x) => a + x.notices, 0);
	assert.equal(d.json.groups.reduce((a, g) => a + g.notices, 0), total);
});

test('category: segments (aggregate) and families of a year (class aggregates) match the live tables', async () => {
	const segs = await live('seg', `to_char(pub, 'YYYY') = '${year}'`);
	const s = await fetchAll(`/stats?r=volume&by=category&year=${year}`);
	assert.equal(s.json.level, 'segment');
	compareGroups(s.json, segs, 'volume by segment');
	const fams = await live('fam', `to_char(pub, 'YYYY') = '${year}' AND seg = '${seg}'`);
	const f = await fetchAll(`/stats?r=competition&by=category&year=${year}&seg=${seg}`);
	assert.equal(f.json.level, 'family');
	compareGroups(f.json, fams, 'competition by family');
	// The segment's name is in the breadcrumbs, with a link back up.
	const [[segName]] = await srv.sql(`SELECT name_ko FROM portal.category WHERE code = '${seg}'`);
	assert.ok(f.html.includes(`<strong aria-current="location">${segName}</strong>`));
	assert.match(f.html, new RegExp(`<a href="/stats\\?r=competition&amp;by=category&amp;year=${year}">`));
});

test('category drill aggregates (007): families, classes, one class, with their distributions, match the live tables', async () => {
	const [[fam]] = await srv.sql(`${LIVE} SELECT fam FROM l WHERE seg = '${seg}' GROUP BY 1
		ORDER BY count(*) DESC, 1 LIMIT 1`);
	const [[cls]] = await srv.sql(`${LIVE} SELECT cls FROM l WHERE fam = '${fam}' GROUP BY 1
		ORDER BY count(*) DESC, 1 LIMIT 1`);
	// Every report at every category level below the segments, all years
	// and one year; then one class by year and by month of a year.
	const cells = [
		[`seg=${seg}`, 'fam', `seg = '${seg}'`, 'family'],
		[`seg=${seg}&fam=${fam}`, 'cls', `fam = '${fam}'`, 'class'],
		[`year=${year}&seg=${seg}&fam=${fam}`, 'cls', `fam = '${fam}' AND to_char(pub, 'YYYY') = '${year}'`,
			'class'],
	];
	for (const [q, key, where, level] of cells) {
		const groups = await live(key, where);
		for (const r of ['volume', 'competition', 'ratio', 'share', 'failed', 'days']) {
			const { json } = await fetchAll(`/stats?r=${r}&by=category&${q}`);
			assert.equal(json.level, level, q);
			compareGroups(json, groups, `${r} by ${key} (${q})`);
		}
	}
	const one = `seg=${seg}&fam=${fam}&cls=${cls}`;
	compareGroups((await fetchAll(`/stats?r=volume&by=time&${one}`)).json,
		await live(`to_char(pub, 'YYYY')`, `cls = '${cls}'`), 'one class by year');
	compareGroups((await fetchAll(`/stats?r=days&by=time&year=${year}&${one}`)).json,
		await live(`to_char(pub, 'YYYYMM')`, `cls = '${cls}' AND to_char(pub, 'YYYY') = '${year}'`),
		'one class by month');
	// The distributions of a family and of a class, and of the top level
	// (award share without region or kind: dw.agg_award_seg).
	for (const [q, where] of [[`by=category&seg=${seg}&fam=${fam}`, `fam = '${fam}'`],
		[`by=time&year=${year}&${one}`, `cls = '${cls}' AND to_char(pub, 'YYYY') = '${year}'`],
		[`by=category&seg=${seg}`, `seg = '${seg}'`], ['by=category', 'true']]) {
		const bids = await srv.sql(`${LIVE} SELECT CASE WHEN bids <= 2 THEN bids WHEN bids <= 5 THEN 3
			WHEN bids <= 10 THEN 4 WHEN bids <= 20 THEN 5 WHEN bids <= 50 THEN 6 ELSE 7 END, count(*)
			FROM l WHERE bids IS NOT NULL AND ${where} GROUP BY 1`);
		const cj = (await fetchAll(`/stats?r=competition&${q}`)).json;
		assert.equal(cj.distribution.length, 8);
		for (let b = 0; b < 8; b++) {
			const e = bids.find((x) => x[0] === String(b));
			assert.equal(cj.distribution[b].n, e ? Number(e[1]) : 0, `bucket ${b} ${q}`);
		}
		const bins = await srv.sql(`${LIVE} SELECT floor(ratio_milli / 500.0)::int, count(*) FROM l
			WHERE outcome = 'awarded' AND ratio_milli IS NOT NULL AND ${where} GROUP BY 1 ORDER BY 1`);
		const rj = (await fetchAll(`/stats?r=ratio&${q}`)).json;
		assert.deepEqual(rj.distribution.filter((d) => d.n > 0).map((d) => [d.key, String(d.n)]),
			bins.map((x) => [x[0], x[1]]), `ratio bins ${q}`);
		const sj = (await fetchAll(`/stats?r=share&${q}`)).json;
		const sup = await srv.sql(`${LIVE} SELECT sup_region, count(*), sum(amount) FROM l
			WHERE outcome = 'awarded' AND amount IS NOT NULL AND ${where} GROUP BY 1`);
		assert.deepEqual(sj.distribution.filter((d) => d.what === 'supregion')
			.map((d) => [d.key, String(d.n), String(d.amount)]).sort(),
			sup.map((x) => [x[0], x[1], x[2]]).sort(), `winner regions ${q}`);
		const sz = await srv.sql(`${LIVE}, z AS (SELECT l.*, coalesce(s.size_class, 'unknown') AS sz
			FROM l JOIN bidding.contract c ON c.notice_id = l.id JOIN portal.org s ON s.id = c.supplier_id)
			SELECT sz, count(*), sum(amount) FROM z WHERE outcome = 'awarded' AND ${where} GROUP BY 1`);
		assert.deepEqual(sj.distribution.filter((d) => d.what === 'size')
			.map((d) => [d.key, String(d.n), String(d.amount)]).sort(),
			sz.map((x) => [x[0], x[1], x[2]]).sort(), `winner sizes ${q}`);
	}
	// Those cells read the aggregates, not the notice rows.
	const [[src]] = await srv.sql(`SELECT string_agg(DISTINCT source, ',') FROM (
		SELECT source FROM dw.report_groups('category', NULL, NULL, '${seg}', NULL, NULL, NULL, NULL, NULL)
		UNION ALL SELECT source FROM dw.report_groups('category', ${year}, NULL, '${seg}', '${fam}', NULL,
			NULL, NULL, NULL)
		UNION ALL SELECT source FROM dw.report_dist('size', NULL, NULL, '${seg}', '${fam}', NULL, NULL, NULL,
			NULL)) s`);
	assert.equal(src, 'cls');
});

test('region and agency kind > agency match the live tables; CSV quotes and defuses names', async () => {
	const regions = await live('region', `kind = 'local'`);
	const r = await fetchAll('/stats?r=days&by=region&kind=local');
	compareGroups(r.json, regions, 'days by region (local)');
	const kinds = await live('kind', `region = '11'`);
	const k = await fetchAll('/stats?r=volume&by=agency&region=11');
	assert.equal(k.json.level, 'agency_kind');
	compareGroups(k.json, kinds, 'volume by kind (Seoul)');
	// Agencies of a kind (the busiest agency's kind).
	const [[kind, ag]] = await srv.sql(`SELECT o.agency_kind, o.id FROM portal.org o
		WHERE o.name = '=SUM(1), "x"'`);
	const ags = await live('agency::text', `kind = '${kind}'`);
	const a = await fetchAll(`/stats?r=volume&by=agency&kind=${kind}`);
	assert.equal(a.json.level, 'agency');
	compareGroups(a.json, ags, 'volume by agency');
	const c = await rawGet(`/stats?r=volume&by=agency&kind=${kind}&format=csv`);
	assert.ok(c.text.includes(`\r\n${ag},"'=SUM(1), ""x""",`), 'quoted, formula defused');
	// The HTML escapes it.
	assert.ok(a.html.includes('=SUM(1), &quot;x&quot;'));
	// One agency (facts): the same numbers.
	const one = await fetchAll(`/stats?r=volume&by=time&agency=${ag}&year=${year}`);
	compareGroups(one.json, await live(`to_char(pub, 'YYYYMM')`,
		`agency = ${ag} AND to_char(pub, 'YYYY') = '${year}'`), 'one agency by month');
	assert.ok(one.html.includes('<strong aria-current="location">=SUM(1), &quot;x&quot;</strong>'));
});

test('distributions: bidders, award ratio bins, supplier region and size', async () => {
	for (const [where, q] of [['true', ''], [`to_char(pub, 'YYYYMM') = '${year}03'`, `&year=${year}&month=3`]]) {
		const bids = await srv.sql(`${LIVE} SELECT CASE WHEN bids <= 2 THEN bids WHEN bids <= 5 THEN 3
			WHEN bids <= 10 THEN 4 WHEN bids <= 20 THEN 5 WHEN bids <= 50 THEN 6 ELSE 7 END, count(*)
			FROM l WHERE bids IS NOT NULL AND ${where} GROUP BY 1`);
		const j = (await fetchAll(`/stats?r=competition&by=time${q}`)).json;
		assert.equal(j.distribution.length, 8);
		const got = new Map(j.distribution.map((d) => [d.key, d.n]));
		for (let b = 0; b < 8; b++) {
			const e = bids.find((x) => x[0] === String(b));
			assert.equal(got.get(String(b)), e ? Number(e[1]) : 0, `bucket ${b} ${q}`);
		}
		const bins = await srv.sql(`${LIVE} SELECT floor(ratio_milli / 500.0)::int, count(*) FROM l
			WHERE outcome = 'awarded' AND ${where} GROUP BY 1 ORDER BY 1`);
		const rj = await fetchAll(`/stats?r=ratio&by=time${q}`);
		// Every bin from the lowest to the highest: the empty ones are 0.
		assert.deepEqual(rj.json.distribution.filter((d) => d.n > 0).map((d) => [d.key, String(d.n)]),
			bins.map((x) => [x[0], x[1]]));
		assert.equal(rj.json.distribution.length, Number(bins.at(-1)[0]) - Number(bins[0][0]) + 1);
		rj.json.distribution.forEach((d, i) => assert.equal(Number(d.key), Number(bins[0][0]) + i));
		assert.match(rj.html, /<title>\d+\.\d%: \d+<\/title>/);
		const dc = await rawGet(`/stats?r=ratio&by=time${q}&format=csv&part=dist`);
		const rows = parseCsv(dc.text.slice(1));
		assert.equal(rows.length, rj.json.distribution.length + 1);
		const sup = await srv.sql(`${LIVE} SELECT sup_region, count(*), sum(amount) FROM l
			WHERE outcome = 'awarded' AND ${where} GROUP BY 1 ORDER BY 1`);
		const sj = (await fetchAll(`/stats?r=share&by=time${q}`)).json;
		const sr = sj.distribution.filter((d) => d.what === 'supregion')
			.map((d) => [d.key, String(d.n), String(d.amount)]).sort();
		assert.deepEqual(sr, sup.map((x) => [x[0], x[1], x[2]]).sort());
		const size = sj.distribution.filter((d) => d.what === 'size');
		assert.equal(size.reduce((a, d) => a + d.n, 0), sup.reduce((a, x) => a + Number(x[1]), 0));
		// By the winner's size class (portal.org.size_class; g2b-gen fills
		// it, mostly 소기업 and 중소기업): the same counts and amounts.
		const sz = await srv.sql(`${LIVE}, z AS (SELECT l.*, coalesce(s.size_class, 'unknown') AS sz
			FROM l JOIN bidding.contract c ON c.notice_id = l.id JOIN portal.org s ON s.id = c.supplier_id)
			SELECT sz, count(*), sum(amount) FROM z WHERE outcome = 'awarded' AND ${where} GROUP BY 1`);
		assert.deepEqual(size.map((d) => [d.key, String(d.n), String(d.amount)]).sort(),
			sz.map((x) => [x[0], x[1], x[2]]).sort());
		assert.ok(!size.some((d) => d.key === 'unknown'), 'every generated supplier states its size');
		if (q === '') {
			const top = size.reduce((a, d) => (d.n > a.n ? d : a));
			assert.ok(['small', 'sme', 'micro'].includes(top.key), `most awards to small firms: ${top.key}`);
		}
	}
});

test('a later load refreshes only the changed months, same as a full rebuild', async () => {
	await run(path.join(ROOT, 'build/g2b-gen'), ['--db', srv.dsn, '--seed', '12', '--notices', '200',
		'--suppliers', '20', '--agencies', '3', '--years', '1', '--end', '2026-11-20']);
	await sleep(1200);
	await run(path.join(ROOT, 'build/g2b-etl'), ['--db', srv.dsn, '--batch', '500']);
	const [[read, dirty]] = await srv.sql(`SELECT notices, (SELECT count(*) FROM dw.reports_dirty)
		FROM dw.reports_state`);
	assert.equal(dirty, '0');
	// Only the months of the new notices were read again.
	assert.ok(Number(read) > 0 && Number(read) < 1700, `refresh read ${read}`);
	const years = await live(`to_char(pub, 'YYYY')`);
	compareGroups((await fetchAll('/stats?r=volume&by=time')).json, years, 'after a second load');
	const fp = `SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
		SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) t FROM dw.agg_seg x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_agency x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_ratio x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_award x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_cls x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_cls_ratio x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_cls_award x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_award_seg x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_seg_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_agency_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_ratio_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_ratio_seg_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_award_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_award_seg_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_cls_ratio_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.agg_cls_award_y x
		UNION ALL SELECT md5(string_agg(x::text, ',' ORDER BY x::text)) FROM dw.rep_notice x) s`;
	const [[inc]] = await srv.sql(fp);
	await srv.sql('SELECT dw.reports_refresh(true)');
	const [[full]] = await srv.sql(fp);
	assert.equal(inc, full);
});

test('access: anonymous is sent away from /stats, a supplier is refused, anyone sees /stats/public', async () => {
	const anon = new Client(srv.base);
	const r = await anon.get('/stats');
	assert.ok([302, 303, 401].includes(r.status), `anonymous /stats: ${r.status}`);
	const rj = await anon.get('/stats?format=json');
	assert.ok([302, 303, 401].includes(rj.status));
	const sup = await loginAs(srv, ...DEMO.supplier);
	assert.equal((await sup.get('/stats')).status, 403);
	const p = await anon.get('/stats/public');
	assert.equal(p.status, 200);
	const pj = JSON.parse((await anon.get('/stats/public?format=json')).text);
	const [[y]] = await srv.sql(`SELECT extract(year FROM now() AT TIME ZONE 'Asia/Seoul')::int`);
	assert.equal(pj.year, Number(y));
	const e = (await live(`to_char(pub, 'YYYY')`)).get(String(y)) ||
		{ notices: 0, award_amount: 0, opened: 0, failed: 0 };
	assert.equal(pj.notices, e.notices);
	assert.equal(pj.award_amount, e.award_amount);
	if (e.opened) assert.equal(pj.failed_pct, Number((e.failed * 100 / e.opened).toFixed(2)));
	if (e.ratio !== null && e.ratio !== undefined) assert.ok(Math.abs(pj.avg_ratio_pct - e.ratio) < 0.001);
	assert.ok(p.text.includes(e.notices.toLocaleString('en-US')));
	// Headline figures only: no names, no notice numbers.
	assert.ok(!p.text.includes('=SUM(1)'));
	assert.doesNotMatch(p.text, /<table/);
});

test('bad filters are refused with a clear error and nothing else', async () => {
	for (const q of ['year=abc', 'year=1999', 'month=3', 'year=2025&month=13', 'fam=43210000',
		'seg=43000000&fam=44120000', 'seg=43000000&cls=43211500', 'region=1x', 'kind=army',
		'agency=12a', 'r=nope', 'by=weather', 'seg=4300000']) {
		const h = await admin.get(`/stats?${q}`);
		assert.equal(h.status, 400, q);
		assert.ok(h.text.includes('조회 조건이 올바르지 않습니다'), q);
		const j = await admin.get(`/stats?${q}&format=json`);
		assert.equal(j.status, 400, q);
		assert.deepEqual(JSON.parse(j.text), { error: 'bad_filter' });
	}
	assert.equal((await admin.get('/stats?format=xml')).status, 400);
});
