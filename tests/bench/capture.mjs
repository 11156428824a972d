// Issue 6 benchmark: the request-rate cost of usage capture. The same page
// (the public home page, database-backed) served by two servers that differ
// only in G2B_USAGE (off / on), measured in alternating rounds in the same
// run so that machine noise falls on both alike. Target: capture costs
// under 5% of the request rate. Also checks that capture wrote one event
// per request it served (nothing lost, nothing extra).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startServer, OUT } from '../lib/harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
const CONNS = 32;
const threads = String(Math.min(4, cpus().length));

function wrk(url, secs = SECONDS) {
	const out = execFileSync('wrk', ['-t', threads, '-c', String(CONNS), '-d', `${secs}s`, url],
		{ encoding: 'utf8' });
	if (/Non-2xx|Socket errors/.test(out)) throw new Error(`wrk saw errors on ${url}:\n${out}`);
	return { rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]), n: Number(out.match(/(\d+) requests in/)[1]) };
}

function events(dir) {
	let n = 0;
	for (const f of readdirSync(dir)) {
		for (const l of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (l.startsWith('u1\t')) n++;
	}
	return n;
}

const off = await startServer({ demo: true, workers: cpus().length, env: { G2B_USAGE: 'off' } });
const on = await startServer({ demo: true, workers: cpus().length, env: { G2B_USAGE: 'on' } });
let sent = 0;
try {
	for (const s of [off, on]) wrk(`${s.base}/`, 3); // open every worker's DB connections
	await new Promise((res) => setTimeout(res, 2000)); // the workers flush every second
	const before = events(on.usageDir);
	const r = { off: [], on: [] };
	for (let i = 0; i < ROUNDS; i++) {
		for (const [k, s] of i % 2 ? [['on', on], ['off', off]] : [['off', off], ['on', on]]) {
			const x = wrk(`${s.base}/`);
			r[k].push(x.rps);
			if (k === 'on') sent += x.n;
		}
	}
	await on.stop();
	const captured = events(on.usageDir) - before;
	const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
	const offRps = med(r.off);
	const onRps = med(r.on);
	const cost = 1 - onRps / offRps;
	const res = {
		date: new Date().toISOString(), machine: `${cpus().length} x ${cpus()[0].model}`,
		page: '/', rounds: ROUNDS, seconds: SECONDS, connections: CONNS,
		rps_capture_off: r.off.map(Math.round), rps_capture_on: r.on.map(Math.round),
		median_off: Math.round(offRps), median_on: Math.round(onRps),
		ratio_on_to_off: +(onRps / offRps).toFixed(3), cost_percent: +(cost * 100).toFixed(1),
		requests_sent_on: sent, events_captured: captured,
	};
	writeFileSync(path.join(OUT, 'bench-capture.json'), JSON.stringify(res, null, 2) + '\n');
	console.log(`home page, capture off: ${res.rps_capture_off.join(' / ')} req/s (median ${res.median_off})`);
	console.log(`home page, capture on:  ${res.rps_capture_on.join(' / ')} req/s (median ${res.median_on})`);
	console.log(`RATIO on/off = ${res.ratio_on_to_off}: capture costs ${res.cost_percent}% (target < 5%): ` +
		`${cost < 0.05 ? 'met' : 'NOT met'}`);
	// wrk counts completed requests; the server may have answered a few
	// more that wrk cut off at the end of each round.
	console.log(`events captured ${captured} for ${sent} requests wrk completed`);
	if (captured < sent || captured > sent + ROUNDS * CONNS * 2) {
		console.log('FAIL: capture lost or invented events');
		process.exitCode = 1;
	}
} finally {
	await off.stop();
	await on.stop();
}
