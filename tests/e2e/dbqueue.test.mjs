// The database queue of portal/web.c: with every pooled connection busy,
// requests wait their turn in arrival order, and a request whose client
// leaves while waiting is passed over. (Before that fix, a worker that
// handed its freed connection to such a request died with Kore's
// "http_process: sleeping request on list", taking every request it held
// with it.) One worker with one connection makes every request queue.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { boot } from './helpers.mjs';

let srv;
before(async () => { srv = await boot({ workers: 1, env: { G2B_PGCONNS: '1' } }); });
after(async () => { await srv?.shutdown(); });

// GET path on a fresh connection; resolves with the status (0 if the
// connection ended without an answer). leave: close that many ms after
// sending, while the request waits for the database.
function get(path, leave = 0) {
	return new Promise((resolve) => {
		const s = net.connect(srv.port, '127.0.0.1');
		let data = '';
		s.setEncoding('latin1');
		s.on('connect', () => {
			s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
			if (leave) {
				setTimeout(() => {
					s.destroy();
					resolve(-1);
				}, leave);
			}
		});
		s.on('data', (d) => { data += d; });
		s.on('error', () => {});
		s.on('close', () => {
			const m = data.match(/^HTTP\/1\.1 (\d{3})/);
			resolve(m ? Number(m[1]) : 0);
		});
	});
}

test('forty requests on one database connection are all served', async () => {
	const st = await Promise.all(Array.from({ length: 40 }, () => get('/notices')));
	assert.deepEqual(st, Array(40).fill(200));
});

test('clients that leave while waiting for the database do not take the worker down', async () => {
	for (let round = 0; round < 12; round++) {
		const st = await Promise.all(Array.from({ length: 60 }, (_, i) =>
			get(i % 2 ? '/' : '/notices', i % 3 === 1 ? 2 + (i % 7) * 3 : 0)));
		// A leaver answered before it left counts as served.
		const stayed = st.filter((s, i) => i % 3 !== 1);
		assert.deepEqual(stayed, Array(stayed.length).fill(200), `round ${round}: ${st.join(' ')}`);
	}
	assert.equal(await get('/health'), 200);
	const log = srv.logText();
	assert.doesNotMatch(log, /sleeping request on list/);
	assert.doesNotMatch(log, /exited with status/);
});
