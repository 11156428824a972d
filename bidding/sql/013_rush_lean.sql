-- The deadline rush (issue 3), the database's share of a bid. Measured
-- with pgbench calling bid_submit_session (one client, asynchronous
-- commit, so CPU alone): 0.46 ms a bid before this file. Three causes:
--
-- 1. Two SQL-language helpers were parsed and planned on every call.
--    bidding.seq_text got a volatile argument (nextval) that it uses
--    twice, and bidding.bid_row_hash was declared IMMUTABLE around
--    convert_to, which is STABLE: PostgreSQL inlines neither then. The
--    receipt number now takes nextval from a variable, and bid_row_hash
--    is declared what it is (STABLE; no index uses it).
-- 2. Foreign keys from the bid to its company, user and certificate, from
--    the audit row to its actor and company, and from the chain entry to
--    its bid each ran a query and took a KEY SHARE row lock (a WAL record,
--    and a full page image after a checkpoint) for every bid. bid_submit
--    reads those rows itself in the same transaction, and nothing in the
--    portal deletes a company, user, certificate or bid (accounts are
--    deactivated, certificates revoked, bids withdrawn). The keys become
--    one trigger on the parents that refuses to delete or renumber a row
--    that is still referenced, as 012_rush_notice_lock.sql did for the
--    notice.
-- 3. Seventeen statements ran per bid. The caller, the certificate, an
--    earlier bid with the same hash and the notice's shared lock are now
--    one look-up; the bid and its audit row one statement; a chain append
--    one statement.
ALTER FUNCTION bidding.bid_row_hash(bidding.bid) STABLE;

ALTER TABLE bidding.bid DROP CONSTRAINT bid_cert_id_fkey,
    DROP CONSTRAINT bid_org_id_fkey, DROP CONSTRAINT bid_user_id_fkey;
ALTER TABLE portal.audit DROP CONSTRAINT audit_actor_fkey,
    DROP CONSTRAINT audit_org_id_fkey;
ALTER TABLE bidding.bid_chain DROP CONSTRAINT bid_chain_bid_id_fkey;

-- Arguments: pairs of (referencing table, its column) naming who points at
-- this row's id. A delete, or a change of id, is refused while any does.
CREATE FUNCTION portal.keep_referenced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	i int := 0;
	v_found boolean;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
		RETURN NEW;
	END IF;
	WHILE i < TG_NARGS LOOP
		EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I = $1)',
		    TG_ARGV[i], TG_ARGV[i + 1]) INTO v_found USING OLD.id;
		IF v_found THEN
			RAISE EXCEPTION '%.% %: still referenced by %.%',
			    TG_TABLE_SCHEMA, TG_TABLE_NAME, OLD.id, TG_ARGV[i],
			    TG_ARGV[i + 1] USING ERRCODE = 'foreign_key_violation';
		END IF;
		i := i + 2;
	END LOOP;
	IF TG_OP = 'UPDATE' THEN
		RETURN NEW;
	END IF;
	RETURN OLD;
END $$;
CREATE TRIGGER org_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON portal.org FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid', 'org_id', 'portal.audit', 'org_id');
CREATE TRIGGER users_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON portal.users FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid', 'user_id', 'portal.audit', 'actor');
CREATE TRIGGER cert_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON bidding.cert FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid', 'cert_id');
CREATE TRIGGER bid_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON bidding.bid FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid_chain', 'bid_id');

-- One statement: the lane's head advances and the entry is written.
CREATE OR REPLACE FUNCTION bidding.chain_append(b bidding.bid, p_kind text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_lane int := get_byte(b.bid_hash, 0) % 64;
	v_row bytea := bidding.bid_row_hash(b);
BEGIN
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

-- bid_submit of 008_nomination.sql with the look-ups and writes merged.
CREATE OR REPLACE FUNCTION bidding.bid_submit(p_user bigint, p_notice bigint,
    p_ord int, p_bizno text, p_serial text, p_cert_pem text,
    p_canonical text, p_sealed bytea, p_signature bytea, p_hash bytea,
    p_ip inet,
    OUT status text, OUT bid_id bigint, OUT receipt_no text,
    OUT received text) LANGUAGE plpgsql AS $$
DECLARE
	u record;
	n record;
	b bidding.bid;
	v_now timestamptz;
	v_seq bigint;
BEGIN
	-- The caller, the company, the certificate and an earlier bid with
	-- this hash in one look-up, which also takes the notice's lock
	-- (opening, amendments and cancellations take it exclusively) before
	-- the next statement's snapshot reads the notice.
	SELECT x.org_id, o.region, o.status AS org_status, x.role, o.bizno,
	    k.id AS cert_id, k.revoked_at, k.not_before, k.not_after,
	    d.id AS dup_id, d.org_id AS dup_org, d.receipt_no AS dup_no,
	    d.received_at AS dup_at,
	    pg_advisory_xact_lock_shared(7242100,
		(p_notice % 2147483647)::int) IS NULL AS unlocked
	  INTO u FROM portal.users x JOIN portal.org o ON o.id = x.org_id
	  LEFT JOIN bidding.cert k ON k.serial = p_serial AND k.user_id = x.id
	   AND k.cert_pem = p_cert_pem
	  LEFT JOIN bidding.bid d ON d.bid_hash = p_hash
	 WHERE x.id = p_user AND x.active;
	IF NOT FOUND OR u.role <> 'supplier' OR u.org_status <> 'approved' THEN
		status := 'not_supplier';
		RETURN;
	END IF;
	IF u.cert_id IS NULL THEN
		status := 'cert_unknown';
		RETURN;
	END IF;
	IF u.revoked_at IS NOT NULL THEN
		status := 'cert_revoked';
		RETURN;
	END IF;
	IF u.bizno IS DISTINCT FROM p_bizno THEN
		status := 'bizno';
		RETURN;
	END IF;
	IF u.dup_id IS NOT NULL THEN
		status := CASE WHEN u.dup_org = u.org_id THEN 'duplicate'
		    ELSE 'conflict' END;
		bid_id := u.dup_id;
		receipt_no := u.dup_no;
		received := to_char(u.dup_at AT TIME ZONE 'UTC',
		    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
		RETURN;
	END IF;
	v_now := clock_timestamp();
	SELECT x.status, x.opened_at, x.cur_ord, v.bid_start, v.bid_close,
	    v.region_limit, v.category_limit,
	    v.category_limit IS NOT NULL AND NOT EXISTS (SELECT 1
		FROM portal.org_category c WHERE c.org_id = u.org_id
		AND c.code LIKE v.category_limit || '%') AS category_bad,
	    CASE WHEN v.contract_method = 'nominated' THEN NOT EXISTS (SELECT 1
		FROM bidding.notice_nominee m WHERE m.notice_id = x.id
		AND m.ord = x.cur_ord AND m.org_id = u.org_id)
		ELSE false END AS not_nominated,
	    EXISTS (SELECT 1 FROM bidding.sanction s WHERE s.org_id = u.org_id
		AND s.lifted_at IS NULL AND (v_now AT TIME ZONE 'Asia/Seoul')::date
		BETWEEN s.starts AND s.ends) AS sanctioned,
	    EXISTS (SELECT 1 FROM bidding.bid l WHERE l.notice_id = x.id
		AND l.org_id = u.org_id AND l.status = 'live') AS live
	  INTO n FROM bidding.notice x JOIN bidding.notice_version v
	    ON v.notice_id = x.id AND v.ord = x.cur_ord
	 WHERE x.id = p_notice;
	status := CASE
	    WHEN NOT FOUND OR n.status = 'draft' THEN 'not_found'
	    WHEN n.status <> 'published' OR n.opened_at IS NOT NULL
		THEN 'not_published'
	    WHEN n.cur_ord <> p_ord THEN 'order'
	    WHEN v_now < n.bid_start THEN 'not_open'
	    WHEN v_now >= n.bid_close THEN 'closed'
	    WHEN n.region_limit IS NOT NULL AND u.region <> n.region_limit
		THEN 'not_eligible_region'
	    WHEN n.not_nominated THEN 'not_nominated'
	    WHEN n.category_bad THEN 'not_eligible_category'
	    WHEN n.sanctioned THEN 'sanctioned'
	    WHEN v_now NOT BETWEEN u.not_before AND u.not_after
		THEN 'cert_invalid'
	    WHEN n.live THEN 'live_exists' END;
	IF status IS NOT NULL THEN
		RETURN;
	END IF;
	v_seq := nextval('bidding.receipt_seq');
	-- The bid and its audit row in one statement.
	WITH i AS (INSERT INTO bidding.bid (notice_id, ord, org_id, user_id,
	    cert_id, canonical, sealed, signature, bid_hash, receipt_no,
	    received_at)
	VALUES (p_notice, p_ord, u.org_id, p_user, u.cert_id, p_canonical,
	    p_sealed, p_signature, p_hash, 'R-' ||
	    to_char(v_now AT TIME ZONE 'Asia/Seoul', 'YYYY') || '-' ||
	    bidding.seq_text(v_seq, 8), v_now)
	RETURNING *), a AS (INSERT INTO portal.audit (actor, org_id, event, ip,
	    detail)
	SELECT p_user, u.org_id, 'bid.submit', p_ip,
	    jsonb_build_object('notice', p_notice, 'order', p_ord,
	    'receipt', i.receipt_no, 'bid_hash', encode(p_hash, 'hex'))
	  FROM i)
	SELECT * INTO b FROM i;
	PERFORM bidding.chain_append(b, 'submit');
	status := 'ok';
	bid_id := b.id;
	receipt_no := b.receipt_no;
	received := to_char(v_now AT TIME ZONE 'UTC',
	    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
END $$;
