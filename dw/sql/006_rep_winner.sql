-- Report latency below the aggregates: the share of awards by the
-- winner's size and region at a deep drill level (a month, a family, a
-- class, an agency) read the notices of the cell from dw.rep_notice and
-- then, per notice, its contract and the winner's supplier row. The
-- winner's region and size class at the award and the contract amount
-- are now columns of dw.rep_notice, maintained by the same month refresh,
-- so those levels read one indexed table.
ALTER TABLE dw.rep_notice ADD COLUMN win_region_key smallint,
    ADD COLUMN win_size text, ADD COLUMN win_amount bigint;

CREATE OR REPLACE FUNCTION dw.reports_refresh(p_full boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	m int[];
	n bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7242501);
	IF p_full THEN
		DELETE FROM dw.reports_dirty;
		SELECT array_agg(DISTINCT publish_date_key / 100) INTO m
		  FROM dw.fact_notice;
		TRUNCATE dw.agg_seg, dw.agg_agency, dw.agg_ratio, dw.agg_award,
		    dw.rep_notice;
	ELSE
		WITH d AS (DELETE FROM dw.reports_dirty RETURNING month_key)
		SELECT array_agg(month_key ORDER BY month_key) INTO m FROM d;
		IF m IS NULL THEN
			RETURN 0;
		END IF;
		DELETE FROM dw.agg_seg WHERE month_key = ANY (m);
		DELETE FROM dw.agg_agency WHERE month_key = ANY (m);
		DELETE FROM dw.agg_ratio WHERE month_key = ANY (m);
		DELETE FROM dw.agg_award WHERE month_key = ANY (m);
		DELETE FROM dw.rep_notice WHERE month_key = ANY (m);
	END IF;
	INSERT INTO dw.rep_notice
	SELECT f.notice_id, f.publish_date_key, f.publish_date_key / 100,
	    f.opened_date_key, f.region_key, f.agency_key, a.agency_kind,
	    a.org_id, c.segment_code, c.family_code, c.class_code, f.outcome,
	    f.bids, f.award_amount, f.award_ratio_milli, f.days_to_award,
	    k.supplier_region_key, s.size_class, k.amount
	  FROM unnest(coalesce(m, '{}')) u(mk)
	  JOIN dw.fact_notice f ON f.publish_date_key BETWEEN u.mk * 100
	   AND u.mk * 100 + 99
	  JOIN dw.dim_agency a ON a.agency_key = f.agency_key
	  JOIN dw.dim_category c ON c.category_key = f.category_key
	  LEFT JOIN dw.fact_contract k ON k.notice_id = f.notice_id
	  LEFT JOIN dw.dim_supplier s ON s.supplier_key = k.supplier_key;
	CREATE TEMP TABLE rep_n ON COMMIT DROP AS
	SELECT r.notice_id, r.month_key, r.region_key, r.agency_kind,
	    r.segment_code, r.agency_key, r.outcome,
	    r.opened_date_key IS NOT NULL AS opened, r.bids,
	    dw.bids_bucket(r.bids) AS bk, r.award_amount, r.award_ratio_milli,
	    r.days_to_award
	  FROM dw.rep_notice r WHERE r.month_key = ANY (m);
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO dw.agg_seg
	SELECT month_key, region_key, agency_kind, segment_code, count(*),
	    count(*) FILTER (WHERE opened),
	    count(*) FILTER (WHERE outcome = 'awarded'),
	    count(*) FILTER (WHERE outcome = 'failed'),
	    count(bids), coalesce(sum(bids), 0),
	    coalesce(sum(award_amount) FILTER (WHERE outcome = 'awarded'), 0),
	    count(award_ratio_milli) FILTER (WHERE outcome = 'awarded'),
	    coalesce(sum(award_ratio_milli) FILTER (WHERE outcome =
		'awarded'), 0),
	    count(days_to_award) FILTER (WHERE outcome = 'awarded'),
	    coalesce(sum(days_to_award) FILTER (WHERE outcome = 'awarded'), 0),
	    count(*) FILTER (WHERE bk = 0), count(*) FILTER (WHERE bk = 1),
	    count(*) FILTER (WHERE bk = 2), count(*) FILTER (WHERE bk = 3),
	    count(*) FILTER (WHERE bk = 4), count(*) FILTER (WHERE bk = 5),
	    count(*) FILTER (WHERE bk = 6), count(*) FILTER (WHERE bk = 7)
	  FROM rep_n GROUP BY 1, 2, 3, 4;
	INSERT INTO dw.agg_agency
	SELECT month_key, agency_key, count(*),
	    count(*) FILTER (WHERE opened),
	    count(*) FILTER (WHERE outcome = 'awarded'),
	    count(*) FILTER (WHERE outcome = 'failed'),
	    count(bids), coalesce(sum(bids), 0),
	    coalesce(sum(award_amount) FILTER (WHERE outcome = 'awarded'), 0),
	    count(award_ratio_milli) FILTER (WHERE outcome = 'awarded'),
	    coalesce(sum(award_ratio_milli) FILTER (WHERE outcome =
		'awarded'), 0),
	    count(days_to_award) FILTER (WHERE outcome = 'awarded'),
	    coalesce(sum(days_to_award) FILTER (WHERE outcome = 'awarded'), 0)
	  FROM rep_n GROUP BY 1, 2;
	INSERT INTO dw.agg_ratio
	SELECT month_key, region_key, agency_kind, segment_code,
	    floor(award_ratio_milli / 500.0)::int, count(*)
	  FROM rep_n WHERE outcome = 'awarded' AND award_ratio_milli IS NOT NULL
	 GROUP BY 1, 2, 3, 4, 5;
	INSERT INTO dw.agg_award
	SELECT r.month_key, r.region_key, r.agency_kind, r.segment_code,
	    k.supplier_region_key, s.size_class, count(*), sum(k.amount)
	  FROM rep_n r
	  JOIN dw.fact_contract k ON k.notice_id = r.notice_id
	  JOIN dw.dim_supplier s ON s.supplier_key = k.supplier_key
	 WHERE r.outcome = 'awarded'
	 GROUP BY 1, 2, 3, 4, 5, 6;
	UPDATE dw.reports_state SET refreshed_at = clock_timestamp(),
	    duration_ms = (extract(epoch FROM clock_timestamp() - t0) *
		1000)::int, notices = n;
	-- Statistics only when much changed (a first load, a full rebuild).
	IF p_full OR n > 100000 THEN
		ANALYZE dw.rep_notice;
		ANALYZE dw.agg_seg;
		ANALYZE dw.agg_agency;
		ANALYZE dw.agg_ratio;
		ANALYZE dw.agg_award;
	END IF;
	RETURN n;
END $$;

CREATE OR REPLACE FUNCTION dw.report_dist(p_what text, p_year int, p_month int,
    p_seg text, p_fam text, p_cls text, p_region text, p_kind text,
    p_agency bigint)
RETURNS TABLE (key text, label_ko text, label_en text, n bigint,
    amount numeric, source text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	deep boolean := p_month IS NOT NULL OR p_fam IS NOT NULL OR
	    p_cls IS NOT NULL OR p_agency IS NOT NULL;
	rk smallint;
	fw text := 'WHERE ($1::int IS NULL OR f.publish_date_key BETWEEN '
	    '$1 * 10000 + coalesce($2, 1) * 100 AND '
	    '$1 * 10000 + coalesce($2, 12) * 100 + 99) '
	    'AND ($3::smallint IS NULL OR f.region_key = $3) '
	    'AND ($4::text IS NULL OR f.agency_kind = $4) '
	    'AND ($5::text IS NULL OR f.segment_code = $5) '
	    'AND ($6::text IS NULL OR f.family_code = $6) '
	    'AND ($7::text IS NULL OR f.class_code = $7) '
	    'AND ($8::bigint IS NULL OR f.org_id = $8)';
	ff text := 'FROM dw.rep_notice f ';
	aw text := 'WHERE ($1::int IS NULL OR x.month_key BETWEEN $1 * 100 + '
	    'coalesce($2, 1) AND $1 * 100 + coalesce($2, 12)) '
	    'AND ($3::smallint IS NULL OR x.region_key = $3) '
	    'AND ($4::text IS NULL OR x.agency_kind = $4) '
	    'AND ($5::text IS NULL OR x.segment_code = $5)';
	q text;
BEGIN
	SELECT r.region_key INTO rk FROM dw.dim_region r WHERE r.code = p_region;
	IF p_region IS NOT NULL AND rk IS NULL THEN
		rk := -1;
	END IF;
	IF p_what = 'bids' THEN
		IF deep THEN
			q := 'SELECT dw.bids_bucket(f.bids) AS k, count(*)::bigint '
			    'AS n, NULL::numeric AS amount ' || ff || fw ||
			    ' AND f.bids IS NOT NULL GROUP BY 1';
		ELSE
			q := 'SELECT (u.o - 1)::int, u.v::bigint, NULL::numeric '
			    'FROM (SELECT ARRAY[sum(x.b0), sum(x.b1), sum(x.b2), '
			    'sum(x.b3), sum(x.b4), sum(x.b5), sum(x.b6), '
			    'sum(x.b7)] AS a FROM dw.agg_seg x ' || aw || ') s, '
			    'unnest(s.a) WITH ORDINALITY u(v, o)';
		END IF;
		-- Every bucket, empty ones too, in order.
		RETURN QUERY EXECUTE 'SELECT b.k::text, l.t, l.t, '
		    'coalesce(y.n, 0)::bigint, NULL::numeric, ' ||
		    quote_literal(CASE WHEN deep THEN 'fact' ELSE 'seg' END) ||
		    ' FROM generate_series(0, 7) b(k) JOIN (VALUES (0, ''0''), '
		    '(1, ''1''), (2, ''2''), (3, ''3-5''), (4, ''6-10''), '
		    '(5, ''11-20''), (6, ''21-50''), (7, ''51+'')) l(k, t) '
		    'ON l.k = b.k LEFT JOIN (' || q || ') y(k, n, amount) '
		    'ON y.k = b.k ORDER BY b.k'
		    USING p_year, p_month, rk, p_kind, p_seg, p_fam, p_cls,
		    p_agency;
	ELSIF p_what = 'ratio' THEN
		IF deep THEN
			q := 'SELECT floor(f.award_ratio_milli / 500.0)::int, '
			    'count(*)::bigint ' || ff || fw ||
			    ' AND f.outcome = ''awarded'' AND '
			    'f.award_ratio_milli IS NOT NULL GROUP BY 1';
		ELSE
			q := 'SELECT x.bin, sum(x.n)::bigint FROM dw.agg_ratio x '
			    || aw || ' GROUP BY 1';
		END IF;
		-- Every bin from the lowest to the highest, empty ones too.
		RETURN QUERY EXECUTE 'WITH y(k, n) AS (' || q || ') '
		    'SELECT g.k::text, to_char(g.k * 0.5, ''FM990.0'') || ''%'', '
		    'to_char(g.k * 0.5, ''FM990.0'') || ''%'', '
		    'coalesce(y.n, 0)::bigint, NULL::numeric, ' ||
		    quote_literal(CASE WHEN deep THEN 'fact' ELSE 'ratio' END) ||
		    ' FROM generate_series((SELECT min(k) FROM y), (SELECT max(k) '
		    'FROM y)) g(k) LEFT JOIN y ON y.k = g.k ORDER BY g.k'
		    USING p_year, p_month, rk, p_kind, p_seg, p_fam, p_cls,
		    p_agency;
	ELSIF p_what IN ('supregion', 'size') THEN
		IF deep THEN
			-- The contract carries the winner's region at the
			-- award; only the size needs the supplier row.
			-- The winner's region and size at the award and the
			-- contract amount are on the notice row (006).
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    'f.win_size' ELSE 'f.win_region_key::text' END
			    || ', count(*)::bigint, sum(f.win_amount) ' || ff ||
			    fw || ' AND f.outcome = ''awarded'' AND '
			    'f.win_amount IS NOT NULL GROUP BY 1';
		ELSE
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    'x.size_class' ELSE 'x.sup_region_key::text' END ||
			    ', sum(x.n)::bigint, sum(x.amount) FROM dw.agg_award x '
			    || aw || ' GROUP BY 1';
		END IF;
		IF p_what = 'size' THEN
			RETURN QUERY EXECUTE 'SELECT y.k, y.k, y.k, y.n, y.a, ' ||
			    quote_literal(CASE WHEN deep THEN 'fact' ELSE
			    'award' END) || ' FROM (' || q || ') y(k, n, a) '
			    'ORDER BY y.a DESC, 1'
			    USING p_year, p_month, rk, p_kind, p_seg, p_fam,
			    p_cls, p_agency;
		ELSE
			RETURN QUERY EXECUTE 'SELECT r.code::text, r.name_ko, '
			    'r.name_en, y.n, y.a, ' || quote_literal(CASE WHEN
			    deep THEN 'fact' ELSE 'award' END) || ' FROM (' || q
			    || ') y(k, n, a) JOIN dw.dim_region r ON '
			    'r.region_key = y.k::smallint ORDER BY r.sort'
			    USING p_year, p_month, rk, p_kind, p_seg, p_fam,
			    p_cls, p_agency;
		END IF;
	ELSE
		RAISE EXCEPTION 'report_dist: what' USING
		    ERRCODE = 'invalid_parameter_value';
	END IF;
END $$;

-- Fill the new columns for what is loaded already.
SELECT dw.reports_refresh(true);
