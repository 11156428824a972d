-- The deadline rush (issue 3): a bid posted with a session cookie is
-- checked and stored in one round trip. The request pipeline
-- (portal/web.c, ROUTE_POST_SESSION) does not look the session up first for
-- POST /notices/N/bid; this function resolves the session in the bid's own
-- transaction, slides it like portal.session_get (at most once a minute;
-- here the slide commits with the bid, durably), then runs
-- bidding.bid_submit for the session's user, so every check of
-- bid_submit (the latest version: 008_nomination.sql) applies unchanged.
-- Status: 'no_session' (no live session for that token, or its user is
-- inactive) or bid_submit's. Also returns who the session is (for the
-- usage log); the role and organisation checks are bid_submit's.
CREATE FUNCTION bidding.bid_submit_session(p_sid_hash bytea,
    p_idle interval, p_notice bigint, p_ord int, p_bizno text,
    p_serial text, p_cert_pem text, p_canonical text, p_sealed bytea,
    p_signature bytea, p_hash bytea, p_ip inet,
    OUT status text, OUT bid_id bigint, OUT receipt_no text,
    OUT received text, OUT user_id bigint, OUT org_id bigint,
    OUT role text) LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	SELECT u.id, u.org_id, u.role, s.last_seen INTO r
	  FROM portal.session s JOIN portal.users u ON u.id = s.user_id
	 WHERE s.token_hash = p_sid_hash AND s.expires_at > now()
	   AND u.active;
	IF NOT FOUND THEN
		status := 'no_session';
		RETURN;
	END IF;
	user_id := r.id;
	org_id := r.org_id;
	role := r.role;
	IF r.last_seen < now() - interval '1 minute' THEN
		UPDATE portal.session s SET last_seen = now(),
		    expires_at = now() + p_idle
		 WHERE s.token_hash = p_sid_hash;
	END IF;
	SELECT x.status, x.bid_id, x.receipt_no, x.received
	  INTO status, bid_id, receipt_no, received
	  FROM bidding.bid_submit(r.id, p_notice, p_ord, p_bizno, p_serial,
	    p_cert_pem, p_canonical, p_sealed, p_signature, p_hash, p_ip) x;
END $$;

-- A chain append in one statement on the lane's head: the UPDATE takes the
-- row lock (appends to one lane queue on it until commit, as before),
-- advances seq and computes the new hash from the old one, and keeps the
-- old hash in prev for the entry's prev_hash. Before, a SELECT ... FOR
-- UPDATE (a lock record in the WAL) preceded the UPDATE. Same entries,
-- same hashes (bidfmt.h, format 5); g2b chain-check reads lane, seq, hash.
ALTER TABLE bidding.chain_head ADD COLUMN prev bytea;

CREATE OR REPLACE FUNCTION bidding.chain_append(b bidding.bid, p_kind text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_lane int := get_byte(b.bid_hash, 0) % 64;
	v_row bytea := bidding.bid_row_hash(b);
	h record;
BEGIN
	UPDATE bidding.chain_head SET seq = seq + 1, prev = hash,
	    hash = sha256(convert_to('g2b-chain-v1', 'UTF8') || '\x00'::bytea ||
		int4send(v_lane) || int8send(seq + 1) || hash ||
		convert_to(p_kind, 'UTF8') || '\x00'::bytea || int8send(b.id) ||
		v_row)
	 WHERE lane = v_lane RETURNING seq, prev, hash INTO STRICT h;
	INSERT INTO bidding.bid_chain (lane, seq, kind, bid_id, row_hash,
	    prev_hash, hash)
	VALUES (v_lane, h.seq, p_kind, b.id, v_row, h.prev, h.hash);
END $$;
