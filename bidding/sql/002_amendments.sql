-- Amendments (정정공고) and cancellations (취소공고) of published notices.
-- Each is a new order (차수) with its reason; earlier orders stay as they
-- were, so the history is public and complete.

-- The order whose AAD ("notice:<id>:<order>:prices") seals an order's
-- prices: an amendment that keeps the prices keeps their sealing order.
ALTER TABLE bidding.notice_version ADD COLUMN prices_ord int NOT NULL
    DEFAULT 1;

-- p_ord is the order the user amended (refused if another amendment came
-- first). p_prices: newly sealed preliminary prices when the base amount or
-- range changed, else NULL to keep the previous order's. Returns 'ok',
-- 'not_found', 'not_published', 'changed', 'closed', 'reseal' or
-- 'bad_officer'.
CREATE FUNCTION bidding.notice_amend(p_user bigint, p_notice bigint,
    p_ord int, p_reason text, p_family text, p_title text, p_base bigint,
    p_budget bigint, p_contract text, p_award text, p_range int,
    p_region text, p_category text, p_start timestamptz,
    p_close timestamptz, p_opening timestamptz, p_officer bigint,
    p_codes text[], p_qty numeric[], p_units text[], p_prices text,
    p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	v_agency bigint;
	v_floor int;
	v_first date;
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
	UPDATE bidding.notice SET cur_ord = n.cur_ord + 1, updated_at = now()
	 WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.amend', p_ip,
	    jsonb_build_object('notice', p_notice, 'order', n.cur_ord + 1,
	    'reason', p_reason, 'prices_redrawn', p_prices IS NOT NULL));
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_amended',
	    ARRAY[n.notice_no, (n.cur_ord + 1)::text, p_reason],
	    '/notices/' || p_notice);
	RETURN 'ok';
END $$;

-- Cancel a published notice before its opening. Returns 'ok',
-- 'not_found', 'not_published', 'changed' or 'too_late'.
CREATE FUNCTION bidding.notice_cancel(p_user bigint, p_notice bigint,
    p_ord int, p_reason text, p_ip inet) RETURNS text
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
	UPDATE bidding.notice SET status = 'cancelled', cur_ord = n.cur_ord + 1,
	    updated_at = now() WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.cancel', p_ip,
	    jsonb_build_object('notice', p_notice, 'reason', p_reason));
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_cancelled',
	    ARRAY[n.notice_no, p_reason], '/notices/' || p_notice);
	RETURN 'ok';
END $$;
