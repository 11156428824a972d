-- A competitive tender is valid with two or more valid bids (국가계약법
-- 시행령 제20조): 일반, 제한 and 지명 competition alike end as 유찰 with
-- fewer than two ranked bids; only a 수의계약 (direct) may proceed with one.
-- 003_bids.sql applied the rule to open competition only. Otherwise
-- bidding.opening_store is as in 003_bids.sql.
CREATE OR REPLACE FUNCTION bidding.opening_store(p_user bigint, p_notice bigint,
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
	IF v_ranked < 2 AND v.contract_method <> 'direct' OR v_ranked = 0 THEN
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
