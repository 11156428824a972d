-- Nominated competition (지명경쟁): only the suppliers the agency
-- nominated may bid. The nominees are part of each order (차수), like the
-- other eligibility limits of bidding.notice_version: the draft (order 0)
-- holds the agency's working list, publication copies it to order 1, an
-- amendment (정정공고) states the list of its new order, a cancellation
-- (취소공고) keeps the list in force and a re-notice (재공고) starts its
-- draft from it.
--
-- Rules kept here, whoever writes the rows:
-- - a nominee is a supplier organisation (portal.org kind 'supplier'),
--   approved when it is nominated (draft, publication, amendment);
-- - only a 'nominated' order has nominees;
-- - a published 'nominated' order (publication or amendment) has at least
--   two: with fewer than two valid bids the tender fails (유찰), so a
--   nominated tender with fewer than two nominees could never succeed.

CREATE TABLE bidding.notice_nominee (
	notice_id	bigint NOT NULL,
	ord		int NOT NULL,
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	PRIMARY KEY (notice_id, ord, org_id),
	FOREIGN KEY (notice_id, ord) REFERENCES bidding.notice_version
	    ON DELETE CASCADE
);
CREATE INDEX notice_nominee_org ON bidding.notice_nominee (org_id);

-- A nominee row: a supplier, approved unless the row only carries a list
-- already in force into a cancellation order; its order is 'nominated'.
CREATE FUNCTION bidding.nominee_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_method text;
	v_kind text;
	o record;
BEGIN
	SELECT contract_method, kind INTO v_method, v_kind
	  FROM bidding.notice_version
	 WHERE notice_id = NEW.notice_id AND ord = NEW.ord;
	IF v_method IS DISTINCT FROM 'nominated' THEN
		RAISE EXCEPTION 'notice % order %: only a nominated competition '
		    'has nominees', NEW.notice_id, NEW.ord
		    USING ERRCODE = 'check_violation';
	END IF;
	SELECT kind, status INTO o FROM portal.org WHERE id = NEW.org_id;
	IF o.kind IS DISTINCT FROM 'supplier' OR (v_kind <> 'cancel' AND
	    o.status IS DISTINCT FROM 'approved') THEN
		RAISE EXCEPTION 'notice % order %: nominee % is not an approved '
		    'supplier', NEW.notice_id, NEW.ord, NEW.org_id
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER notice_nominee_check BEFORE INSERT OR UPDATE
    ON bidding.notice_nominee FOR EACH ROW
    EXECUTE FUNCTION bidding.nominee_check();

-- At commit: a published nominated order names at least two nominees; an
-- order that is no longer nominated has none. The WHEN clauses keep every
-- other version row (and bulk loads) free of the check.
CREATE FUNCTION bidding.nominee_count_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v bidding.notice_version;
	v_n int;
BEGIN
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = NEW.notice_id AND ord = NEW.ord;
	IF NOT FOUND THEN
		RETURN NULL;		-- deleted again in the same transaction
	END IF;
	SELECT count(*) INTO v_n FROM bidding.notice_nominee
	 WHERE notice_id = NEW.notice_id AND ord = NEW.ord;
	IF v.contract_method <> 'nominated' AND v_n > 0 THEN
		RAISE EXCEPTION 'notice % order %: only a nominated competition '
		    'has nominees', NEW.notice_id, NEW.ord
		    USING ERRCODE = 'check_violation';
	END IF;
	IF v.contract_method = 'nominated' AND v.ord >= 1 AND
	    v.kind <> 'cancel' AND v_n < 2 THEN
		RAISE EXCEPTION 'notice % order %: a nominated competition names '
		    'at least two nominees', NEW.notice_id, NEW.ord
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER notice_version_nominees AFTER INSERT
    ON bidding.notice_version DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.contract_method = 'nominated' AND NEW.ord >= 1
    AND NEW.kind <> 'cancel')
    EXECUTE FUNCTION bidding.nominee_count_check();
CREATE CONSTRAINT TRIGGER notice_version_nominees_method
    AFTER UPDATE OF contract_method ON bidding.notice_version
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.contract_method IS DISTINCT FROM NEW.contract_method)
    EXECUTE FUNCTION bidding.nominee_count_check();

-- Bid submission refuses a supplier the current order does not nominate
-- ('not_nominated', after the region and licence limits). One primary-key
-- probe, and only for a nominated notice. Otherwise as in 006_seq_text.sql.
-- Status: 'ok', 'duplicate', 'not_found', 'not_published', 'order',
-- 'not_open', 'closed', 'not_eligible_region', 'not_nominated',
-- 'not_eligible_category', 'sanctioned', 'cert_unknown', 'cert_revoked',
-- 'cert_invalid', 'bizno', 'live_exists', 'not_supplier', 'conflict'.
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

-- The business registration numbers (10 digits) of p_biznos that cannot
-- be nominated, once each in input order, with the reason: 'unknown' (no
-- organisation), 'not_supplier' or 'not_approved'.
CREATE FUNCTION bidding.nominee_problems(p_biznos text[])
RETURNS TABLE (bizno text, problem text) LANGUAGE sql STABLE AS $$
	SELECT x.b, CASE WHEN o.id IS NULL THEN 'unknown'
	    WHEN o.kind <> 'supplier' THEN 'not_supplier'
	    ELSE 'not_approved' END
	  FROM (SELECT b, min(i) AS i FROM unnest(p_biznos)
		WITH ORDINALITY AS u(b, i) GROUP BY b) x
	  LEFT JOIN portal.org o ON o.bizno = x.b
	 WHERE o.id IS NULL OR o.kind <> 'supplier' OR o.status <> 'approved'
	 ORDER BY x.i
$$;

-- Set the nominees of order p_ord (nothing there yet) to the approved
-- suppliers with these registration numbers. The caller has checked them
-- with nominee_problems; one gone bad since is refused by the row trigger.
CREATE FUNCTION bidding.nominees_put(p_notice bigint, p_ord int,
    p_biznos text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM bidding.nominee_problems(p_biznos)) THEN
		RAISE EXCEPTION 'notice % order %: a nominee is not an approved '
		    'supplier', p_notice, p_ord USING ERRCODE = 'check_violation';
	END IF;
	INSERT INTO bidding.notice_nominee (notice_id, ord, org_id)
	SELECT DISTINCT p_notice, p_ord, o.id FROM portal.org o
	 WHERE o.bizno = ANY (p_biznos);
END $$;

-- The registration numbers of the approved nominees of an order.
CREATE FUNCTION bidding.nominee_biznos(p_notice bigint, p_ord int)
RETURNS text[] LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(o.bizno::text ORDER BY o.bizno), '{}')
	  FROM bidding.notice_nominee m JOIN portal.org o ON o.id = m.org_id
	 WHERE m.notice_id = p_notice AND m.ord = p_ord
	   AND o.kind = 'supplier' AND o.status = 'approved'
$$;

-- draft_save with the nominees (registration numbers, digits only; NULL
-- or empty for none). A number that cannot be nominated raises
-- check_violation (23514) and nothing is saved: the form checks them
-- first with nominee_problems and names them. Otherwise as draft_save in
-- 001_notices.sql.
CREATE FUNCTION bidding.draft_save(p_user bigint, p_notice bigint,
    p_family text, p_title text, p_base bigint, p_budget bigint,
    p_contract text, p_award text, p_range int, p_region text,
    p_category text, p_start timestamptz, p_close timestamptz,
    p_opening timestamptz, p_officer bigint, p_codes text[],
    p_qty numeric[], p_units text[], p_nominees text[], p_ip inet)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_agency bigint;
	v_id bigint := p_notice;
BEGIN
	IF EXISTS (SELECT 1 FROM bidding.nominee_problems(p_nominees)) THEN
		RAISE EXCEPTION 'a nominee is not an approved supplier'
		    USING ERRCODE = 'check_violation';
	END IF;
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	IF v_agency IS NULL THEN
		RETURN NULL;
	END IF;
	IF p_officer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM portal.users
	    WHERE id = p_officer AND org_id = v_agency AND role = 'officer'
	    AND active) THEN
		RETURN NULL;
	END IF;
	IF v_id IS NULL THEN
		INSERT INTO bidding.notice (agency_id, created_by)
		VALUES (v_agency, p_user) RETURNING id INTO v_id;
	ELSE
		PERFORM 1 FROM bidding.notice WHERE id = v_id
		    AND agency_id = v_agency AND status = 'draft' FOR UPDATE;
		IF NOT FOUND THEN
			RETURN NULL;
		END IF;
		DELETE FROM bidding.notice_version WHERE notice_id = v_id
		   AND ord = 0;
		UPDATE bidding.notice SET updated_at = now() WHERE id = v_id;
	END IF;
	INSERT INTO bidding.notice_version (notice_id, ord, family, title,
	    base_amount, budget, contract_method, award_method, range_milli,
	    region_limit, category_limit, bid_start, bid_close, opening_at,
	    officer_id)
	VALUES (v_id, 0, p_family, p_title, p_base, p_budget, p_contract,
	    p_award, p_range, NULLIF(p_region, ''), NULLIF(p_category, ''),
	    p_start, p_close, p_opening, p_officer);
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT v_id, 0, i, p_codes[i], p_qty[i], p_units[i]
	  FROM generate_subscripts(p_codes, 1) i;
	PERFORM bidding.nominees_put(v_id, 0, coalesce(p_nominees, '{}'));
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, v_agency, 'notice.draft', p_ip,
	    jsonb_build_object('notice', v_id, 'title', p_title) ||
	    CASE WHEN p_contract = 'nominated' THEN jsonb_build_object(
	    'nominees', cardinality(coalesce(p_nominees, '{}'))) ELSE '{}' END);
	RETURN v_id;
END $$;

-- The draft_save of 001_notices.sql (callers without a nominee list, such
-- as the e-document exchange): a nominated draft keeps the approved
-- nominees it has; a new one has none until the agency names them.
CREATE OR REPLACE FUNCTION bidding.draft_save(p_user bigint,
    p_notice bigint, p_family text, p_title text, p_base bigint,
    p_budget bigint, p_contract text, p_award text, p_range int,
    p_region text, p_category text, p_start timestamptz,
    p_close timestamptz, p_opening timestamptz, p_officer bigint,
    p_codes text[], p_qty numeric[], p_units text[], p_ip inet)
RETURNS bigint LANGUAGE sql AS $$
	SELECT bidding.draft_save(p_user, p_notice, p_family, p_title, p_base,
	    p_budget, p_contract, p_award, p_range, p_region, p_category,
	    p_start, p_close, p_opening, p_officer, p_codes, p_qty, p_units,
	    CASE WHEN p_contract = 'nominated' AND p_notice IS NOT NULL THEN
		bidding.nominee_biznos(p_notice, 0) END, p_ip)
$$;

-- notice_publish of 006_seq_text.sql, and: a nominated draft needs at
-- least two nominees, all still approved suppliers ('nominees'); order 1
-- gets the draft's list.
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
	IF v.contract_method = 'nominated' AND (cardinality(
	    bidding.nominee_biznos(p_notice, 0)) < 2 OR
	    cardinality(bidding.nominee_biznos(p_notice, 0)) <>
	    (SELECT count(*) FROM bidding.notice_nominee
	     WHERE notice_id = p_notice AND ord = 0)) THEN
		RETURN 'nominees';
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
	INSERT INTO bidding.notice_nominee (notice_id, ord, org_id)
	SELECT notice_id, 1, org_id
	  FROM bidding.notice_nominee WHERE notice_id = p_notice AND ord = 0;
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

-- notice_amend of 002_amendments.sql with the nominees of the new order:
-- p_nominees lists them (registration numbers), or NULL keeps the list in
-- force (its nominees still approved) when the order stays nominated.
-- More statuses: 'nominee_invalid' (a number cannot be nominated: nothing
-- is written), 'nominees' (a nominated order with fewer than two, or a
-- list for another contract method). A changed list is a changed
-- eligibility limit: notice_order_changed voids the bids made (재입찰).
CREATE FUNCTION bidding.notice_amend(p_user bigint, p_notice bigint,
    p_ord int, p_reason text, p_family text, p_title text, p_base bigint,
    p_budget bigint, p_contract text, p_award text, p_range int,
    p_region text, p_category text, p_start timestamptz,
    p_close timestamptz, p_opening timestamptz, p_officer bigint,
    p_codes text[], p_qty numeric[], p_units text[], p_nominees text[],
    p_prices text, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	v_agency bigint;
	v_floor int;
	v_first date;
	v_nominees text[] := p_nominees;
	v_count int;
BEGIN
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND OR n.agency_id IS DISTINCT FROM v_agency THEN
		RETURN 'not_found';
	END IF;
	IF n.status <> 'published' THEN
		RETURN 'not_published';
	END IF;
	IF n.cur_ord <> p_ord THEN
		RETURN 'changed';
	END IF;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = p_notice AND ord = n.cur_ord;
	IF v.bid_close <= now() OR p_close <= now() THEN
		RETURN 'closed';
	END IF;
	IF p_prices IS NULL AND (p_base <> v.base_amount OR
	    p_range <> v.range_milli) THEN
		RETURN 'reseal';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM portal.users WHERE id = p_officer
	    AND org_id = v_agency AND role = 'officer' AND active) THEN
		RETURN 'bad_officer';
	END IF;
	IF v_nominees IS NULL THEN
		v_nominees := CASE WHEN p_contract = 'nominated' THEN
		    bidding.nominee_biznos(p_notice, n.cur_ord) ELSE '{}' END;
	END IF;
	IF EXISTS (SELECT 1 FROM bidding.nominee_problems(v_nominees)) THEN
		RETURN 'nominee_invalid';
	END IF;
	v_count := cardinality(ARRAY(SELECT DISTINCT unnest(v_nominees)));
	IF p_contract = 'nominated' AND v_count < 2 OR
	    p_contract <> 'nominated' AND v_count > 0 THEN
		RETURN 'nominees';
	END IF;
	-- The floor rate in force when the notice was first published.
	SELECT (published_at AT TIME ZONE 'Asia/Seoul')::date INTO v_first
	  FROM bidding.notice_version WHERE notice_id = p_notice AND ord = 1;
	IF p_award = 'qualification' THEN
		v_floor := bidding.floor_rate_for(p_family, p_base, v_first);
		IF v_floor IS NULL THEN
			RETURN 'no_floor';
		END IF;
	END IF;
	INSERT INTO bidding.notice_version (notice_id, ord, kind, reason,
	    family, title, base_amount, budget, contract_method, award_method,
	    range_milli, region_limit, category_limit, bid_start, bid_close,
	    opening_at, officer_id, floor_rate_milli, prices_sealed,
	    prices_ord, published_at, published_by)
	VALUES (p_notice, n.cur_ord + 1, 'amend', p_reason, p_family, p_title,
	    p_base, p_budget, p_contract, p_award, p_range,
	    NULLIF(p_region, ''), NULLIF(p_category, ''), p_start, p_close,
	    p_opening, p_officer, v_floor, coalesce(p_prices, v.prices_sealed),
	    CASE WHEN p_prices IS NULL THEN v.prices_ord ELSE n.cur_ord + 1 END,
	    now(), p_user);
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT p_notice, n.cur_ord + 1, i, p_codes[i], p_qty[i], p_units[i]
	  FROM generate_subscripts(p_codes, 1) i;
	PERFORM bidding.nominees_put(p_notice, n.cur_ord + 1, v_nominees);
	UPDATE bidding.notice SET cur_ord = n.cur_ord + 1, updated_at = now()
	 WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.amend', p_ip,
	    jsonb_build_object('notice', p_notice, 'order', n.cur_ord + 1,
	    'reason', p_reason, 'prices_redrawn', p_prices IS NOT NULL) ||
	    CASE WHEN p_contract = 'nominated' THEN jsonb_build_object(
	    'nominees', v_count) ELSE '{}' END);
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_amended',
	    ARRAY[n.notice_no, (n.cur_ord + 1)::text, p_reason],
	    '/notices/' || p_notice);
	RETURN 'ok';
END $$;

-- The notice_amend of 002_amendments.sql (callers without a nominee list,
-- such as the e-document exchange): the list in force carries over.
CREATE OR REPLACE FUNCTION bidding.notice_amend(p_user bigint,
    p_notice bigint, p_ord int, p_reason text, p_family text, p_title text,
    p_base bigint, p_budget bigint, p_contract text, p_award text,
    p_range int, p_region text, p_category text, p_start timestamptz,
    p_close timestamptz, p_opening timestamptz, p_officer bigint,
    p_codes text[], p_qty numeric[], p_units text[], p_prices text,
    p_ip inet) RETURNS text LANGUAGE sql AS $$
	SELECT bidding.notice_amend(p_user, p_notice, p_ord, p_reason,
	    p_family, p_title, p_base, p_budget, p_contract, p_award, p_range,
	    p_region, p_category, p_start, p_close, p_opening, p_officer,
	    p_codes, p_qty, p_units, NULL::text[], p_prices, p_ip)
$$;

-- notice_cancel of 002_amendments.sql; the cancellation order keeps the
-- list in force (a re-notice starts from it).
CREATE OR REPLACE FUNCTION bidding.notice_cancel(p_user bigint,
    p_notice bigint, p_ord int, p_reason text, p_ip inet) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v_agency bigint;
BEGIN
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND OR n.agency_id IS DISTINCT FROM v_agency THEN
		RETURN 'not_found';
	END IF;
	IF n.status <> 'published' THEN
		RETURN 'not_published';
	END IF;
	IF n.cur_ord <> p_ord THEN
		RETURN 'changed';
	END IF;
	IF (SELECT opening_at FROM bidding.notice_version WHERE
	    notice_id = p_notice AND ord = n.cur_ord) <= now() THEN
		RETURN 'too_late';
	END IF;
	INSERT INTO bidding.notice_version (notice_id, ord, kind, reason,
	    family, title, base_amount, budget, contract_method, award_method,
	    range_milli, region_limit, category_limit, bid_start, bid_close,
	    opening_at, officer_id, floor_rate_milli, prices_sealed,
	    prices_ord, published_at, published_by)
	SELECT notice_id, ord + 1, 'cancel', p_reason, family, title,
	    base_amount, budget, contract_method, award_method, range_milli,
	    region_limit, category_limit, bid_start, bid_close, opening_at,
	    officer_id, floor_rate_milli, prices_sealed, prices_ord, now(),
	    p_user
	  FROM bidding.notice_version WHERE notice_id = p_notice
	   AND ord = n.cur_ord;
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT notice_id, ord + 1, line, code, quantity, unit
	  FROM bidding.notice_item WHERE notice_id = p_notice AND ord = n.cur_ord;
	INSERT INTO bidding.notice_nominee (notice_id, ord, org_id)
	SELECT notice_id, ord + 1, org_id
	  FROM bidding.notice_nominee WHERE notice_id = p_notice
	   AND ord = n.cur_ord;
	UPDATE bidding.notice SET status = 'cancelled', cur_ord = n.cur_ord + 1,
	    updated_at = now() WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.cancel', p_ip,
	    jsonb_build_object('notice', p_notice, 'reason', p_reason));
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_cancelled',
	    ARRAY[n.notice_no, p_reason], '/notices/' || p_notice);
	RETURN 'ok';
END $$;

-- renotice of 003_bids.sql; the new draft starts with the nominees in
-- force that are still approved suppliers.
CREATE OR REPLACE FUNCTION bidding.renotice(p_user bigint, p_notice bigint,
    p_ip inet) RETURNS bigint LANGUAGE plpgsql AS $$
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
	IF v.contract_method = 'nominated' THEN
		PERFORM bidding.nominees_put(v_id, 0,
		    bidding.nominee_biznos(p_notice, n.cur_ord));
	END IF;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.renotice', p_ip,
	    jsonb_build_object('notice', p_notice, 'new', v_id));
	RETURN v_id;
END $$;

-- notice_order_changed of 003_bids.sql: the nominee list is one of the
-- eligibility limits, so an amendment that changes it (adds or removes a
-- company) voids the bids made and the nominees bid again, as a changed
-- region or category limit does. A removed nominee's bid is thus void, and
-- its new bid is refused ('not_nominated').
CREATE OR REPLACE FUNCTION bidding.notice_order_changed() RETURNS trigger
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
		AND i.ord = v.ord ORDER BY i.line)
	    OR ARRAY(SELECT m.org_id FROM bidding.notice_nominee m
		WHERE m.notice_id = NEW.id AND m.ord = o.ord
		ORDER BY m.org_id) IS DISTINCT FROM
	       ARRAY(SELECT m.org_id FROM bidding.notice_nominee m
		WHERE m.notice_id = NEW.id AND m.ord = v.ord
		ORDER BY m.org_id);
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
