// Notice, receipt and contract numbers keep every digit once a sequence
// outgrows its zero padding (bidding/sql/006_seq_text.sql): the millionth
// notice is G2B-YYYY-1000000, not a repeat of G2B-YYYY-100000.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { boot, one } from './helpers.mjs';

let srv;
before(async () => { srv = await boot(); });
after(async () => { await srv?.shutdown(); });

test('numbers are padded, never cut', async () => {
	assert.equal(await one(srv, 'SELECT bidding.seq_text(42, 6)'), '000042');
	assert.equal(await one(srv, 'SELECT bidding.seq_text(999999, 6)'), '999999');
	assert.equal(await one(srv, 'SELECT bidding.seq_text(1000000, 6)'), '1000000');
	assert.equal(await one(srv, 'SELECT bidding.seq_text(123456789, 8)'), '123456789');
	// The numbering functions use it (no lpad left that could cut).
	for (const f of ['notice_publish', 'bid_submit', 'contract_create']) {
		assert.equal(await one(srv, `SELECT position('bidding.seq_text(' in prosrc) > 0 AND position('lpad(' in prosrc) = 0
			FROM pg_proc WHERE proname = '${f}'`), 't', `${f} numbers with seq_text, without lpad`);
	}
});

test('a review decision and a contract move their notice for the warehouse', async () => {
	for (const t of ['bid_result_touch', 'contract_touch']) {
		assert.equal(await one(srv, `SELECT count(*) FROM pg_trigger WHERE tgname = '${t}'`), '1', t);
	}
	assert.equal(await one(srv, `SELECT position('updated_at = now()' in prosrc) > 0 FROM pg_proc
		WHERE proname = 'touch_notice'`), 't');
});
