-- Numbers outgrow their zero padding: lpad() cuts a longer value (the
-- millionth notice became 100000 again and broke the unique number).
-- bidding.seq_text pads to at least w digits and never cuts; the three
-- functions that number notices, receipts and contracts use it.
CREATE FUNCTION bidding.seq_text(n bigint, w int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT lpad(n::text, greatest(w, length(n::text)), '0')
$$;

CREATE OR REPLACE FUNCTION bidding.notice_publish(p_user bigint, p_notice bigint,
    p_stamp timestamptz, p_public_pem text, p_private_enc_pem text,
    p_prices_sealed text, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	v_floor int;
	v_no text;
	v_seq bigint;
BEGIN
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF n.status <> 'draft' THEN
		RETURN 'not_draft';
	END IF;
	IF n.updated_at IS DISTINCT FROM p_stamp THEN
		RETURN 'changed';
	END IF;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = p_notice AND ord = 0;
	IF v.officer_id IS DISTINCT FROM p_user THEN
		RETURN 'not_officer';
	END IF;
	IF v.bid_close <= now() THEN
		RETURN 'too_late';
	END IF;
	IF v.award_method = 'qualification' THEN
		v_floor := bidding.floor_rate_for(v.family, v.base_amount,
		    (now() AT TIME ZONE 'Asia/Seoul')::date);
		IF v_floor IS NULL THEN
			RETURN 'no_floor';
		END IF;
	END IF;
	v_seq := nextval('bidding.notice_seq');
	v_no := 'G2B-' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYY') ||
	    '-' || bidding.seq_text(v_seq, 6);
	INSERT INTO bidding.notice_version (notice_id, ord, kind, family,
	    title, base_amount, budget, contract_method, award_method,
	    range_milli, region_limit, category_limit, bid_start, bid_close,
	    opening_at, officer_id, floor_rate_milli, prices_sealed,
	    published_at, published_by)
	SELECT notice_id, 1, 'register', family, title, base_amount, budget,
	    contract_method, award_method, range_milli, region_limit,
	    category_limit, bid_start, bid_close, opening_at, officer_id,
	    v_floor, p_prices_sealed, now(), p_user
	  FROM bidding.notice_version WHERE notice_id = p_notice AND ord = 0;
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT notice_id, 1, line, code, quantity, unit
	  FROM bidding.notice_item WHERE notice_id = p_notice AND ord = 0;
	INSERT INTO bidding.opening_key (notice_id, public_pem,
	    private_enc_pem, officer_id)
	VALUES (p_notice, p_public_pem, p_private_enc_pem, p_user);
	UPDATE bidding.notice SET status = 'published', notice_no = v_no,
	    pub_seq = v_seq, cur_ord = 1, updated_at = now() WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.publish', p_ip,
	    jsonb_build_object('notice', p_notice, 'notice_no', v_no));
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_published',
	    ARRAY[v_no, v.title], '/notices/' || p_notice);
	RETURN 'ok';
END $$;

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
BEGIN
	-- The caller, the company and the certificate in one look-up.
	SELECT x.org_id, o.region, o.status AS org_status, x.role, o.bizno,
	    k.id AS cert_id, k.revoked_at, k.not_before, k.not_after
	  INTO u FROM portal.users x JOIN portal.org o ON o.id = x.org_id
	  LEFT JOIN bidding.cert k ON k.serial = p_serial AND k.user_id = x.id
	   AND k.cert_pem = p_cert_pem
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
	SELECT * INTO b FROM bidding.bid x WHERE x.bid_hash = p_hash;
	IF FOUND THEN
		status := CASE WHEN b.org_id = u.org_id THEN 'duplicate'
		    ELSE 'conflict' END;
		bid_id := b.id;
		receipt_no := b.receipt_no;
		received := to_char(b.received_at AT TIME ZONE 'UTC',
		    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
		RETURN;
	END IF;
	-- Opening, amendments and cancellations take this lock exclusively.
	PERFORM pg_advisory_xact_lock_shared(7242100,
	    (p_notice % 2147483647)::int);
	v_now := clock_timestamp();
	SELECT x.status, x.opened_at, x.cur_ord, v.bid_start, v.bid_close,
	    v.region_limit, v.category_limit,
	    v.category_limit IS NOT NULL AND NOT EXISTS (SELECT 1
		FROM portal.org_category c WHERE c.org_id = u.org_id
		AND c.code LIKE v.category_limit || '%') AS category_bad,
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
	    WHEN n.category_bad THEN 'not_eligible_category'
	    WHEN n.sanctioned THEN 'sanctioned'
	    WHEN v_now NOT BETWEEN u.not_before AND u.not_after
		THEN 'cert_invalid'
	    WHEN n.live THEN 'live_exists' END;
	IF status IS NOT NULL THEN
		RETURN;
	END IF;
	INSERT INTO bidding.bid (notice_id, ord, org_id, user_id, cert_id,
	    canonical, sealed, signature, bid_hash, receipt_no, received_at)
	VALUES (p_notice, p_ord, u.org_id, p_user, u.cert_id, p_canonical,
	    p_sealed, p_signature, p_hash, 'R-' ||
	    to_char(v_now AT TIME ZONE 'Asia/Seoul', 'YYYY') || '-' ||
	    bidding.seq_text(nextval('bidding.receipt_seq'), 8), v_now)
	RETURNING * INTO b;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, u.org_id, 'bid.submit', p_ip,
	    jsonb_build_object('notice', p_notice, 'order', p_ord,
	    'receipt', b.receipt_no, 'bid_hash', encode(p_hash, 'hex')));
	PERFORM bidding.chain_append(b, 'submit');
	status := 'ok';
	bid_id := b.id;
	receipt_no := b.receipt_no;
	received := to_char(v_now AT TIME ZONE 'UTC',
	    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
END $$;

CREATE OR REPLACE FUNCTION bidding.contract_create(p_notice bigint, p_bid bigint)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	b bidding.bid;
	r bidding.bid_result;
	v_id bigint;
BEGIN
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice;
	SELECT * INTO b FROM bidding.bid WHERE id = p_bid;
	SELECT * INTO r FROM bidding.bid_result WHERE bid_id = p_bid;
	INSERT INTO bidding.contract (contract_no, notice_id, bid_id,
	    agency_id, supplier_id, amount, starts)
	VALUES ('C-' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYY') ||
	    '-' || bidding.seq_text(nextval('bidding.contract_seq'), 6),
	    p_notice, p_bid, n.agency_id, b.org_id, r.amount,
	    (now() AT TIME ZONE 'Asia/Seoul')::date)
	RETURNING id INTO v_id;
	PERFORM portal.notify_org(b.org_id, 'notif.awarded',
	    ARRAY[n.notice_no], '/notices/' || p_notice);
	RETURN v_id;
END $$;
