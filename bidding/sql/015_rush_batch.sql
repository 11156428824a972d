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
-- The bids are taken in the order of their chain lane, so two batches
-- running at once lock the lanes' heads in the same order. The column
-- "member" is the bid's 1-based position in the arrays.
CREATE FUNCTION bidding.bid_submit_batch(p_sid_hash bytea[], p_idle int[],
    p_notice bigint[], p_ord int[], p_bizno text[], p_serial text[],
    p_cert_pem text[], p_canonical text[], p_sealed bytea[],
    p_signature bytea[], p_hash bytea[], p_ip inet[])
RETURNS TABLE (status text, bid_id bigint, receipt_no text, received text,
    user_id bigint, org_id bigint, role text, member int)
LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF cardinality(p_sid_hash) > 64 THEN
		RAISE EXCEPTION 'bid batch: % bids, at most 64',
		    cardinality(p_sid_hash);
	END IF;
	FOR r IN SELECT * FROM unnest(p_sid_hash, p_idle, p_notice, p_ord,
	    p_bizno, p_serial, p_cert_pem, p_canonical, p_sealed, p_signature,
	    p_hash, p_ip) WITH ORDINALITY AS u(sid, idle, notice, ord, bizno,
	    serial, pem, canonical, sealed, sig, hash, ip, i)
	 ORDER BY get_byte(u.hash, 0) % 64, u.i LOOP
		SELECT x.status, x.bid_id, x.receipt_no, x.received, x.user_id,
		    x.org_id, x.role
		  INTO status, bid_id, receipt_no, received, user_id, org_id,
		    role
		  FROM bidding.bid_submit_session(r.sid,
		    make_interval(mins => r.idle), r.notice, r.ord, r.bizno,
		    r.serial, r.pem, r.canonical, r.sealed, r.sig, r.hash,
		    r.ip) x;
		member := r.i;
		RETURN NEXT;
	END LOOP;
END $$;
