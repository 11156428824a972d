-- Electronic bidding (전자입찰): supplier certificates, sanctions, sealed
-- signed bids with their hash-chained log, the opening result, the
-- qualification review and contracts. The wire formats are in
-- bidding/bidfmt.h.

-- Supplier signing certificates issued by the portal's CA. The private
-- key never reaches the portal.
CREATE TABLE bidding.cert (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES portal.users(id),
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	serial		text NOT NULL UNIQUE CHECK (serial ~ '^[0-9A-F]{1,40}$'),
	cert_pem	text NOT NULL,
	not_before	timestamptz NOT NULL,
	not_after	timestamptz NOT NULL,
	issued_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	revoked_by	bigint REFERENCES portal.users(id),
	revoke_reason	text,
	CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX cert_user ON bidding.cert (user_id, issued_at DESC);

-- Sanctions (부정당업자 제재): a supplier may not bid from starts to ends
-- (inclusive, dates in Korea). Lifting keeps the row.
CREATE TABLE bidding.sanction (
	id		bigserial PRIMARY KEY,
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	starts		date NOT NULL,
	ends		date NOT NULL,
	reason		text NOT NULL,
	created_by	bigint NOT NULL REFERENCES portal.users(id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	lifted_at	timestamptz,
	lifted_by	bigint REFERENCES portal.users(id),
	CHECK (starts <= ends)
);
CREATE INDEX sanction_org ON bidding.sanction (org_id, ends);

-- An amendment either keeps the bids already made or voids them (the
-- bidders must bid again): rebid_ord is the latest order that voided.
ALTER TABLE bidding.notice_version ADD COLUMN rebid boolean NOT NULL
    DEFAULT false;
ALTER TABLE bidding.notice ADD COLUMN rebid_ord int NOT NULL DEFAULT 1;
ALTER TABLE bidding.notice ADD COLUMN renotice_of bigint
    REFERENCES bidding.notice(id);
ALTER TABLE bidding.notice ADD COLUMN outcome text CHECK (outcome IN
    ('review', 'awarded', 'failed'));
ALTER TABLE bidding.notice ADD COLUMN opened_at timestamptz;

CREATE SEQUENCE bidding.receipt_seq;

-- Every version of every bid. Rows never change except status and
-- status_at; the immutable part is hashed into the chain.
CREATE TABLE bidding.bid (
	id		bigserial PRIMARY KEY,
	notice_id	bigint NOT NULL REFERENCES bidding.notice(id),
	ord		int NOT NULL,
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	user_id		bigint NOT NULL REFERENCES portal.users(id),
	cert_id		bigint NOT NULL REFERENCES bidding.cert(id),
	canonical	text NOT NULL,
	sealed		bytea NOT NULL,
	signature	bytea NOT NULL,
	bid_hash	bytea NOT NULL UNIQUE CHECK (length(bid_hash) = 32),
	receipt_no	text NOT NULL UNIQUE,
	received_at	timestamptz NOT NULL,
	status		text NOT NULL DEFAULT 'live' CHECK (status IN ('live',
			    'withdrawn', 'void', 'opened')),
	status_at	timestamptz,
	FOREIGN KEY (notice_id, ord) REFERENCES bidding.notice_version
);
-- One live bid per supplier per notice.
CREATE UNIQUE INDEX bid_live ON bidding.bid (notice_id, org_id)
    WHERE status = 'live';
CREATE INDEX bid_org ON bidding.bid (org_id, received_at DESC);
CREATE INDEX bid_notice ON bidding.bid (notice_id, status);

-- The hash-chained bid log: BIDFMT_LANES (64) independent chains, each a
-- complete chain from its genesis (bidfmt.h, format 5).
CREATE TABLE bidding.chain_head (
	lane		int PRIMARY KEY CHECK (lane BETWEEN 0 AND 63),
	seq		bigint NOT NULL DEFAULT 0,
	hash		bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'
);
INSERT INTO bidding.chain_head (lane) SELECT generate_series(0, 63);

CREATE TABLE bidding.bid_chain (
	lane		int NOT NULL,
	seq		bigint NOT NULL,
	kind		text NOT NULL CHECK (kind IN ('submit', 'withdraw',
			    'void', 'open')),
	bid_id		bigint NOT NULL REFERENCES bidding.bid(id),
	row_hash	bytea NOT NULL,
	prev_hash	bytea NOT NULL,
	hash		bytea NOT NULL,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (lane, seq)
);
CREATE INDEX bid_chain_bid ON bidding.bid_chain (bid_id);

-- The row hash of a bid (bidfmt_row_hash).
CREATE FUNCTION bidding.bid_row_hash(b bidding.bid) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
	SELECT sha256(convert_to('g2b-bid-row-v1', 'UTF8') || '\x00'::bytea ||
	    int8send(b.id) || convert_to(b.canonical, 'UTF8') ||
	    '\x00'::bytea || int4send(length(b.sealed)) || b.sealed ||
	    int4send(length(b.signature)) || b.signature)
$$;

-- Append an entry for bid b to its lane (first byte of the bid hash mod 64).
-- The head row lock serialises appends within one lane only.
CREATE FUNCTION bidding.chain_append(b bidding.bid, p_kind text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_lane int := get_byte(b.bid_hash, 0) % 64;
	v_row bytea := bidding.bid_row_hash(b);
	h bidding.chain_head;
	v_hash bytea;
BEGIN
	SELECT * INTO h FROM bidding.chain_head WHERE lane = v_lane FOR UPDATE;
	v_hash := sha256(convert_to('g2b-chain-v1', 'UTF8') || '\x00'::bytea ||
	    int4send(v_lane) || int8send(h.seq + 1) || h.hash ||
	    convert_to(p_kind, 'UTF8') || '\x00'::bytea || int8send(b.id) ||
	    v_row);
	INSERT INTO bidding.bid_chain (lane, seq, kind, bid_id, row_hash,
	    prev_hash, hash)
	VALUES (v_lane, h.seq + 1, p_kind, b.id, v_row, h.hash, v_hash);
	UPDATE bidding.chain_head SET seq = h.seq + 1, hash = v_hash
	 WHERE lane = v_lane;
END $$;

-- The opening result (개찰결과): one row per opened notice and the bids.
CREATE TABLE bidding.opening (
	notice_id	bigint PRIMARY KEY REFERENCES bidding.notice(id),
	ord		int NOT NULL,
	opened_at	timestamptz NOT NULL DEFAULT now(),
	opened_by	bigint NOT NULL REFERENCES portal.users(id),
	prices		bigint[] NOT NULL CHECK (cardinality(prices) = 15),
	counts		int[] NOT NULL CHECK (cardinality(counts) = 15),
	chosen		int[] NOT NULL CHECK (cardinality(chosen) = 4),
	planned		bigint NOT NULL,
	floor_rate_milli int,
	floor_amount	bigint NOT NULL,
	lot_seed	bytea NOT NULL,
	ranked		int NOT NULL,
	bids		int NOT NULL
);

CREATE TABLE bidding.bid_result (
	bid_id		bigint PRIMARY KEY REFERENCES bidding.bid(id),
	notice_id	bigint NOT NULL REFERENCES bidding.opening(notice_id),
	amount		bigint,			-- NULL if it did not open
	pick_a		int,
	pick_b		int,
	ratio_milli	int,
	valid		boolean NOT NULL,
	excluded	boolean NOT NULL,
	reason		text,			-- why invalid or excluded
	rank		int,			-- 1.. among ranked bids
	lot_key		bytea,
	review		text CHECK (review IN ('pass', 'fail')),
	review_reason	text,
	reviewed_at	timestamptz,
	reviewed_by	bigint REFERENCES portal.users(id)
);
CREATE INDEX bid_result_notice ON bidding.bid_result (notice_id, rank);

CREATE SEQUENCE bidding.contract_seq;

-- The contract record the award creates; later modules (evaluation,
-- statistics, e-documents) build on it.
CREATE TABLE bidding.contract (
	id		bigserial PRIMARY KEY,
	contract_no	text NOT NULL UNIQUE,
	notice_id	bigint NOT NULL UNIQUE REFERENCES bidding.notice(id),
	bid_id		bigint NOT NULL REFERENCES bidding.bid(id),
	agency_id	bigint NOT NULL REFERENCES portal.org(id),
	supplier_id	bigint NOT NULL REFERENCES portal.org(id),
	amount		bigint NOT NULL CHECK (amount > 0),
	awarded_at	timestamptz NOT NULL DEFAULT now(),
	starts		date,
	ends		date,
	status		text NOT NULL DEFAULT 'awarded' CHECK (status IN
			    ('awarded', 'signed', 'completed', 'terminated'))
);
CREATE INDEX contract_supplier ON bidding.contract (supplier_id);
CREATE INDEX contract_agency ON bidding.contract (agency_id);

-- Store a new certificate for a supplier user. 'ok' or 'not_supplier'.
CREATE FUNCTION bidding.cert_store(p_user bigint, p_serial text,
    p_pem text, p_not_before timestamptz, p_not_after timestamptz,
    p_ip inet, OUT status text, OUT cert_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_org bigint;
BEGIN
	SELECT u.org_id INTO v_org FROM portal.users u
	  JOIN portal.org o ON o.id = u.org_id
	 WHERE u.id = p_user AND u.role = 'supplier' AND u.active
	   AND o.status = 'approved';
	IF v_org IS NULL THEN
		status := 'not_supplier';
		RETURN;
	END IF;
	INSERT INTO bidding.cert (user_id, org_id, serial, cert_pem,
	    not_before, not_after)
	VALUES (p_user, v_org, p_serial, p_pem, p_not_before, p_not_after)
	RETURNING id INTO cert_id;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, v_org, 'cert.issue', p_ip,
	    jsonb_build_object('serial', p_serial));
	status := 'ok';
END $$;

-- Submit a sealed, signed bid whose signature the caller has verified with
-- the certificate p_cert_pem (chain to the portal CA checked). The
-- certificate must be the caller's stored certificate with that serial,
-- unrevoked and valid now; the bid must name the caller's company. One
-- transaction: checks, the row, the chain entry, the audit. A repeated post
-- of the same bid (same hash) returns the first receipt. Status: 'ok',
-- 'duplicate', 'not_found', 'not_published', 'order', 'not_open', 'closed',
-- 'not_eligible_region', 'not_eligible_category', 'sanctioned',
-- 'cert_unknown', 'cert_revoked', 'cert_invalid', 'bizno', 'live_exists',
-- 'not_supplier', 'conflict'.
CREATE FUNCTION bidding.bid_submit(p_user bigint, p_notice bigint,
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
	    lpad(nextval('bidding.receipt_seq')::text, 8, '0'), v_now)
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

-- Withdraw the supplier's live bid before the close. 'ok', 'none' or
-- 'closed'.
CREATE FUNCTION bidding.bid_withdraw(p_user bigint, p_notice bigint,
    p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	b bidding.bid;
	v_org bigint;
BEGIN
	SELECT org_id INTO v_org FROM portal.users
	 WHERE id = p_user AND role = 'supplier' AND active;
	PERFORM pg_advisory_xact_lock_shared(7242100, (p_notice % 2147483647)::int);
	SELECT * INTO b FROM bidding.bid WHERE notice_id = p_notice
	   AND org_id = v_org AND status = 'live' FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'none';
	END IF;
	IF clock_timestamp() >= (SELECT v.bid_close FROM bidding.notice n
	    JOIN bidding.notice_version v ON v.notice_id = n.id
	    AND v.ord = n.cur_ord WHERE n.id = p_notice) THEN
		RETURN 'closed';
	END IF;
	UPDATE bidding.bid SET status = 'withdrawn', status_at = now()
	 WHERE id = b.id;
	PERFORM bidding.chain_append(b, 'withdraw');
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, v_org, 'bid.withdraw', p_ip,
	    jsonb_build_object('notice', p_notice, 'receipt', b.receipt_no));
	RETURN 'ok';
END $$;

-- Void every live bid of a notice (an amendment that requires new bids,
-- or a cancellation) and tell each bidder. Caller holds the notice lock.
CREATE FUNCTION bidding.bids_void(p_notice bigint, p_key text,
    p_args text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	b bidding.bid;
BEGIN
	FOR b IN SELECT * FROM bidding.bid WHERE notice_id = p_notice
	    AND status = 'live' ORDER BY id FOR UPDATE LOOP
		UPDATE bidding.bid SET status = 'void', status_at = now()
		 WHERE id = b.id;
		PERFORM bidding.chain_append(b, 'void');
		PERFORM portal.notify_org(b.org_id, p_key, p_args,
		    '/notices/' || p_notice);
	END LOOP;
END $$;

-- A new order of a published notice (amendment or cancellation): decide
-- whether the bids already made stand, void them if not, and tell every
-- bidder. An amendment requires new bids when anything a bid depends on
-- changed: the preliminary prices, family, contract or award method, the
-- eligibility limits or the items.
CREATE FUNCTION bidding.notice_order_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	o bidding.notice_version;
	v bidding.notice_version;
	v_rebid boolean;
	b record;
BEGIN
	IF NEW.cur_ord <= OLD.cur_ord OR OLD.status <> 'published' THEN
		RETURN NEW;
	END IF;
	PERFORM pg_advisory_xact_lock(7242100, (NEW.id % 2147483647)::int);
	SELECT * INTO o FROM bidding.notice_version
	 WHERE notice_id = NEW.id AND ord = OLD.cur_ord;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = NEW.id AND ord = NEW.cur_ord;
	IF v.kind = 'cancel' THEN
		PERFORM bidding.bids_void(NEW.id, 'notif.bid_cancelled',
		    ARRAY[NEW.notice_no]);
		RETURN NEW;
	END IF;
	v_rebid := v.prices_ord <> o.prices_ord
	    OR v.family <> o.family OR v.contract_method <> o.contract_method
	    OR v.award_method <> o.award_method
	    OR v.region_limit IS DISTINCT FROM o.region_limit
	    OR v.category_limit IS DISTINCT FROM o.category_limit
	    OR ARRAY(SELECT (i.code, i.quantity, i.unit)::text
		FROM bidding.notice_item i WHERE i.notice_id = NEW.id
		AND i.ord = o.ord ORDER BY i.line) IS DISTINCT FROM
	       ARRAY(SELECT (i.code, i.quantity, i.unit)::text
		FROM bidding.notice_item i WHERE i.notice_id = NEW.id
		AND i.ord = v.ord ORDER BY i.line);
	IF v_rebid THEN
		UPDATE bidding.notice_version SET rebid = true
		 WHERE notice_id = NEW.id AND ord = NEW.cur_ord;
		NEW.rebid_ord := NEW.cur_ord;
		PERFORM bidding.bids_void(NEW.id, 'notif.bid_rebid',
		    ARRAY[NEW.notice_no, NEW.cur_ord::text]);
	ELSE
		FOR b IN SELECT DISTINCT org_id FROM bidding.bid
		    WHERE notice_id = NEW.id AND status = 'live' LOOP
			PERFORM portal.notify_org(b.org_id, 'notif.bid_kept',
			    ARRAY[NEW.notice_no, NEW.cur_ord::text],
			    '/notices/' || NEW.id);
		END LOOP;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER notice_order_changed BEFORE UPDATE OF cur_ord
    ON bidding.notice FOR EACH ROW
    EXECUTE FUNCTION bidding.notice_order_changed();

-- Store the result of an opening computed by the server (bidding/opening.c)
-- with the officer's passphrase. Refuses an early, repeated or stale
-- opening (the bids must be exactly those the server opened). Ranks,
-- awards the lowest-price winner or starts the qualification review,
-- records 유찰 with fewer than two ranked bids in open competition.
-- Returns 'ok', 'not_found', 'not_officer', 'early', 'already' or
-- 'changed'.
CREATE FUNCTION bidding.opening_store(p_user bigint, p_notice bigint,
    p_ord int, p_prices bigint[], p_counts int[], p_chosen int[],
    p_planned bigint, p_floor_rate int, p_floor_amount bigint,
    p_seed bytea, p_bids bigint[], p_amounts bigint[], p_pick_a int[],
    p_pick_b int[], p_ratios int[], p_valid boolean[], p_excluded boolean[],
    p_reasons text[], p_ranks int[], p_lots bytea[], p_ip inet)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	b bidding.bid;
	v_ranked int;
	v_outcome text;
	v_winner bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7242100, (p_notice % 2147483647)::int);
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND OR n.status = 'draft' THEN
		RETURN 'not_found';
	END IF;
	IF n.opened_at IS NOT NULL THEN
		RETURN 'already';
	END IF;
	IF n.status <> 'published' OR n.cur_ord <> p_ord THEN
		RETURN 'changed';
	END IF;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = p_notice AND ord = n.cur_ord;
	IF (SELECT officer_id FROM bidding.opening_key
	    WHERE notice_id = p_notice) IS DISTINCT FROM p_user THEN
		RETURN 'not_officer';
	END IF;
	IF now() < v.opening_at THEN
		RETURN 'early';
	END IF;
	IF ARRAY(SELECT id FROM bidding.bid WHERE notice_id = p_notice
	    AND status = 'live' ORDER BY id) IS DISTINCT FROM
	   ARRAY(SELECT x FROM unnest(p_bids) x ORDER BY x) THEN
		RETURN 'changed';
	END IF;
	v_ranked := (SELECT count(*) FROM unnest(p_ranks) r WHERE r > 0);
	INSERT INTO bidding.opening (notice_id, ord, opened_by, prices,
	    counts, chosen, planned, floor_rate_milli, floor_amount, lot_seed,
	    ranked, bids)
	VALUES (p_notice, p_ord, p_user, p_prices, p_counts, p_chosen,
	    p_planned, p_floor_rate, p_floor_amount, p_seed, v_ranked,
	    cardinality(p_bids));
	INSERT INTO bidding.bid_result (bid_id, notice_id, amount, pick_a,
	    pick_b, ratio_milli, valid, excluded, reason, rank, lot_key)
	SELECT p_bids[i], p_notice, p_amounts[i], p_pick_a[i], p_pick_b[i],
	    p_ratios[i], p_valid[i], p_excluded[i], p_reasons[i],
	    NULLIF(p_ranks[i], 0), p_lots[i]
	  FROM generate_subscripts(p_bids, 1) i;
	FOR b IN SELECT * FROM bidding.bid WHERE notice_id = p_notice
	    AND status = 'live' ORDER BY id LOOP
		UPDATE bidding.bid SET status = 'opened', status_at = now()
		 WHERE id = b.id;
		PERFORM bidding.chain_append(b, 'open');
	END LOOP;
	IF v_ranked < 2 AND v.contract_method = 'open' OR v_ranked = 0 THEN
		v_outcome := 'failed';
	ELSIF v.award_method = 'qualification' THEN
		v_outcome := 'review';
	ELSE
		v_outcome := 'awarded';
		SELECT bid_id INTO v_winner FROM bidding.bid_result
		 WHERE notice_id = p_notice AND rank = 1;
		PERFORM bidding.contract_create(p_notice, v_winner);
	END IF;
	UPDATE bidding.notice SET opened_at = now(), outcome = v_outcome,
	    updated_at = now() WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.open', p_ip,
	    jsonb_build_object('notice', p_notice, 'bids', cardinality(p_bids),
	    'ranked', v_ranked, 'planned', p_planned, 'outcome', v_outcome));
	PERFORM portal.notify_org(org_id, 'notif.opened',
	    ARRAY[n.notice_no], '/notices/' || p_notice)
	   FROM (SELECT DISTINCT org_id FROM bidding.bid
		  WHERE id = ANY (p_bids)) x;
	PERFORM portal.notify_org(n.agency_id, 'notif.opened',
	    ARRAY[n.notice_no], '/notices/' || p_notice);
	RETURN 'ok';
END $$;

-- Award a notice to a bid: the contract record, the notices.
CREATE FUNCTION bidding.contract_create(p_notice bigint, p_bid bigint)
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
	    '-' || lpad(nextval('bidding.contract_seq')::text, 6, '0'),
	    p_notice, p_bid, n.agency_id, b.org_id, r.amount,
	    (now() AT TIME ZONE 'Asia/Seoul')::date)
	RETURNING id INTO v_id;
	PERFORM portal.notify_org(b.org_id, 'notif.awarded',
	    ARRAY[n.notice_no], '/notices/' || p_notice);
	RETURN v_id;
END $$;

-- Qualification review (적격심사): the notice's officer passes or fails
-- the next candidate in rank order. A pass awards; failing the last
-- candidate ends in 유찰. Returns 'ok', 'not_found', 'not_officer',
-- 'not_review' or 'not_next'.
CREATE FUNCTION bidding.review_decide(p_user bigint, p_notice bigint,
    p_bid bigint, p_pass boolean, p_reason text, p_ip inet)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v_next bigint;
BEGIN
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF (SELECT officer_id FROM bidding.opening_key
	    WHERE notice_id = p_notice) IS DISTINCT FROM p_user THEN
		RETURN 'not_officer';
	END IF;
	IF n.outcome IS DISTINCT FROM 'review' THEN
		RETURN 'not_review';
	END IF;
	SELECT bid_id INTO v_next FROM bidding.bid_result
	 WHERE notice_id = p_notice AND rank IS NOT NULL AND review IS NULL
	 ORDER BY rank LIMIT 1;
	IF v_next IS DISTINCT FROM p_bid THEN
		RETURN 'not_next';
	END IF;
	UPDATE bidding.bid_result SET review = CASE WHEN p_pass THEN 'pass'
	    ELSE 'fail' END, review_reason = p_reason, reviewed_at = now(),
	    reviewed_by = p_user WHERE bid_id = p_bid;
	IF p_pass THEN
		PERFORM bidding.contract_create(p_notice, p_bid);
		UPDATE bidding.notice SET outcome = 'awarded', updated_at = now()
		 WHERE id = p_notice;
	ELSIF NOT EXISTS (SELECT 1 FROM bidding.bid_result
	    WHERE notice_id = p_notice AND rank IS NOT NULL
	    AND review IS NULL) THEN
		UPDATE bidding.notice SET outcome = 'failed', updated_at = now()
		 WHERE id = p_notice;
	END IF;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.review', p_ip,
	    jsonb_build_object('notice', p_notice, 'bid', p_bid,
	    'pass', p_pass, 'reason', p_reason));
	PERFORM portal.notify_org(b.org_id, CASE WHEN p_pass THEN
	    'notif.review_pass' ELSE 'notif.review_fail' END,
	    ARRAY[n.notice_no, p_reason], '/notices/' || p_notice)
	   FROM bidding.bid b WHERE b.id = p_bid;
	RETURN 'ok';
END $$;

-- Re-notice (재공고) of a failed or cancelled notice in one step: a new
-- draft with the last order's terms and a fresh bid window, for the
-- agency to check and publish. Returns the new notice id or NULL.
CREATE FUNCTION bidding.renotice(p_user bigint, p_notice bigint, p_ip inet)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	v_agency bigint;
	v_id bigint;
	v_start timestamptz := date_trunc('hour', now()) + interval '2 hours';
BEGIN
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND OR n.agency_id IS DISTINCT FROM v_agency OR
	    NOT (n.outcome IS NOT DISTINCT FROM 'failed' OR
	    n.status = 'cancelled') THEN
		RETURN NULL;
	END IF;
	SELECT id INTO v_id FROM bidding.notice WHERE renotice_of = p_notice;
	IF FOUND THEN
		RETURN v_id;
	END IF;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = p_notice AND ord = n.cur_ord;
	INSERT INTO bidding.notice (agency_id, created_by, renotice_of)
	VALUES (n.agency_id, p_user, p_notice) RETURNING id INTO v_id;
	INSERT INTO bidding.notice_version (notice_id, ord, family, title,
	    base_amount, budget, contract_method, award_method, range_milli,
	    region_limit, category_limit, bid_start, bid_close, opening_at,
	    officer_id)
	VALUES (v_id, 0, v.family, left('[재공고] ' || regexp_replace(v.title,
	    '^\[재공고\] ', ''), 200), v.base_amount, v.budget,
	    v.contract_method, v.award_method, v.range_milli, v.region_limit,
	    v.category_limit, v_start, v_start + interval '7 days',
	    v_start + interval '7 days 1 hour', v.officer_id);
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT v_id, 0, line, code, quantity, unit FROM bidding.notice_item
	 WHERE notice_id = p_notice AND ord = n.cur_ord;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.renotice', p_ip,
	    jsonb_build_object('notice', p_notice, 'new', v_id));
	RETURN v_id;
END $$;
