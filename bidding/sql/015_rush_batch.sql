-- Group commit for the deadline rush. A worker that has bids waiting for a
-- database connection sends them together, as arrays, and one transaction
-- stores them all: one commit (one WAL flush to wait for) and one round
-- trip instead of one each. Each bid runs bid_submit_session, with the
-- same checks and writes as alone; business refusals (closed, sanctioned,
-- duplicate, ...) are statuses in its row, not errors. Should any bid's
-- statement raise an error (a lost race with a concurrent post of the
-- same bid, a deadlock), the whole batch is rolled back and the server
-- submits every member on its own (portal/web.c, g2b_query_batch), so
-- each still gets exactly the answer it would have had alone. There is no
-- subtransaction per bid: it would cost every bid for a case that does
-- not happen in a rush, and would hide which bids shared a transaction
-- (a subtransaction's rows carry their own xmin).
--
-- The chain entries of the batch's new bids are appended last, in the
-- order of their lanes: a lane's head stays locked from its append to the
-- commit, so appending each bid's entry as it went would hold the first
-- lanes for the whole batch and make a concurrent batch wait on them; in
-- lane order, two batches also lock the heads in the same order. While
-- the flag g2b.chain_defer is set (this transaction only), chain_append
-- leaves the entry to the batch. The column "member" is the bid's 1-based
-- position in the arrays.
CREATE OR REPLACE FUNCTION bidding.chain_append(b bidding.bid, p_kind text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_lane int;
	v_row bytea;
BEGIN
	IF current_setting('g2b.chain_defer', true) = 'on' THEN
		RETURN;
	END IF;
	v_lane := get_byte(b.bid_hash, 0) % 64;
	v_row := bidding.bid_row_hash(b);
	WITH h AS (UPDATE bidding.chain_head SET seq = seq + 1, prev = hash,
	    hash = sha256(convert_to('g2b-chain-v1', 'UTF8') || '\x00'::bytea ||
		int4send(v_lane) || int8send(seq + 1) || hash ||
		convert_to(p_kind, 'UTF8') || '\x00'::bytea || int8send(b.id) ||
		v_row)
	 WHERE lane = v_lane RETURNING seq, prev, hash)
	INSERT INTO bidding.bid_chain (lane, seq, kind, bid_id, row_hash,
	    prev_hash, hash)
	SELECT v_lane, h.seq, p_kind, b.id, v_row, h.prev, h.hash FROM h;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bid chain: lane % has no head', v_lane;
	END IF;
END $$;

CREATE FUNCTION bidding.bid_submit_batch(p_sid_hash bytea[], p_idle int[],
    p_notice bigint[], p_ord int[], p_bizno text[], p_serial text[],
    p_cert_pem text[], p_canonical text[], p_sealed bytea[],
    p_signature bytea[], p_hash bytea[], p_ip inet[])
RETURNS TABLE (status text, bid_id bigint, receipt_no text, received text,
    user_id bigint, org_id bigint, role text, member int)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	b bidding.bid;
	v_new bigint[] := '{}';
BEGIN
	IF cardinality(p_sid_hash) > 64 THEN
		RAISE EXCEPTION 'bid batch: % bids, at most 64',
		    cardinality(p_sid_hash);
	END IF;
	PERFORM set_config('g2b.chain_defer', 'on', true);
	FOR r IN SELECT * FROM unnest(p_sid_hash, p_idle, p_notice, p_ord,
	    p_bizno, p_serial, p_cert_pem, p_canonical, p_sealed, p_signature,
	    p_hash, p_ip) WITH ORDINALITY AS u(sid, idle, notice, ord, bizno,
	    serial, pem, canonical, sealed, sig, hash, ip, i)
	 ORDER BY u.i LOOP
		SELECT x.status, x.bid_id, x.receipt_no, x.received, x.user_id,
		    x.org_id, x.role
		  INTO status, bid_id, receipt_no, received, user_id, org_id,
		    role
		  FROM bidding.bid_submit_session(r.sid,
		    make_interval(mins => r.idle), r.notice, r.ord, r.bizno,
		    r.serial, r.pem, r.canonical, r.sealed, r.sig, r.hash,
		    r.ip) x;
		member := r.i;
		IF status = 'ok' THEN
			v_new := v_new || bid_id;
		END IF;
		RETURN NEXT;
	END LOOP;
	PERFORM set_config('g2b.chain_defer', 'off', true);
	FOR b IN SELECT * FROM bidding.bid WHERE id = ANY (v_new)
	 ORDER BY get_byte(bid_hash, 0) % 64, id LOOP
		PERFORM bidding.chain_append(b, 'submit');
	END LOOP;
END $$;
