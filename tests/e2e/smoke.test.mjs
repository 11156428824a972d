import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from '../lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('home page lists agencies in Korean by default', async () => {
	const c = new Client(srv.base);
	const r = await c.get('/');
	assert.equal(r.status, 200);
	assert.match(r.text, /<html lang="ko">/);
	assert.match(r.text, /조달청/);
});

test('health endpoint checks the database', async () => {
	const r = await new Client(srv.base).get('/health');
	assert.equal(r.status, 200);
	assert.equal(JSON.parse(r.text).database, 'ok');
});
