// Certificate issuance is limited per user (bidding/bids.c,
// bidding/sql/005_cert_limit.sql): five a day are enough for a lost key
// file or a new device; the sixth is refused with 429 and a message in the
// user's language, stores nothing and is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { boot, loginAs, DEMO, one, msg } from './helpers.mjs';

let srv;
let sup;
before(async () => {
	srv = await boot();
	sup = await loginAs(srv, ...DEMO.supplier);
});
after(async () => { await srv?.shutdown(); });

function spki() {
	const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	return publicKey.export({ type: 'spki', format: 'pem' });
}

async function issue(lang) {
	await sup.get(`/certificate${lang ? `?lang=${lang}` : ''}`);
	return sup.request('POST', `/certificate${lang ? `?lang=${lang}` : ''}`, { csrf: sup.csrf(), spki: spki() },
		{ accept: 'application/json' });
}

test('five certificates a day, then 429 with the reason; nothing stored, the refusal audited', async () => {
	const uid = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	const already = Number(await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${uid} AND issued_at > now() - interval '1 day'`));
	for (let i = already; i < 5; i++) {
		const r = await issue();
		assert.equal(r.status, 200, `certificate ${i + 1}: ${r.text}`);
		assert.match(JSON.parse(r.text).certificate, /^-----BEGIN CERTIFICATE-----/);
	}
	const certs = await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${uid}`);
	const r = await issue();
	assert.equal(r.status, 429);
	const j = JSON.parse(r.text);
	assert.equal(j.error, 'cert_too_many');
	assert.equal(j.message, msg('bid.err.cert_too_many'));
	const en = await issue('en');
	assert.equal(en.status, 429);
	assert.equal(JSON.parse(en.text).message, msg('bid.err.cert_too_many', 'en'));
	assert.equal(await one(srv, `SELECT count(*) FROM bidding.cert WHERE user_id = ${uid}`), certs, 'nothing stored');
	// A day later the user may obtain one again.
	await srv.sql(`UPDATE bidding.cert SET issued_at = issued_at - interval '25 hours' WHERE user_id = ${uid}`);
	assert.equal((await issue()).status, 200);
});

test('the database refuses a sixth certificate even if the handler did not check', async () => {
	const uid = await one(srv, "SELECT id FROM portal.users WHERE login = 'supplier'");
	await srv.sql(`INSERT INTO bidding.cert (user_id, org_id, serial, cert_pem, not_before, not_after)
		SELECT ${uid}, org_id, 'F' || g, 'x', now(), now() + interval '1 year'
		FROM portal.users, generate_series(1, 5) g WHERE id = ${uid}`);
	const rows = await srv.sql(`SELECT status, cert_id FROM bidding.cert_store(${uid}, 'FFFF', 'pem', now(), now() + interval '1 year', '127.0.0.1')`);
	assert.equal(rows[0][0], 'too_many');
	assert.equal(await one(srv, `SELECT count(*) FROM portal.audit WHERE actor = ${uid} AND event = 'cert.refused'`) > '0', true);
});
