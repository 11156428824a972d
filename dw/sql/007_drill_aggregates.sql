-- Drill aggregates below the top levels: the category drill (families of a
-- segment, classes of a family, one class), with or without a year, read
-- dw.rep_notice row by row (one row per notice of the slice) and grew with
-- the data (200,000 notices: up to 414 ms a page). These tables hold the
-- same measures at the grain of those levels, maintained by the same
-- month refresh (dw.reports_refresh, on etl_end), so such a page reads a
-- few hundred aggregate rows:
--
--   dw.agg_cls        month x segment x family x class: notice measures
--                     and the bidders-per-notice distribution
--   dw.agg_cls_ratio  month x segment x family x class x 0.5 % bin of the
--                     award ratio: awards
--   dw.agg_cls_award  month x segment x family x class x winner region x
--                     winner size (at the award): awards and amounts
--   dw.agg_award_seg  month x segment x winner region x winner size:
--                     dw.agg_award without the agency's region and kind
--                     (the award share of the top levels)
--
-- They have no agency region, kind or agency: a cell filtered by those, or
-- by one month (days), still reads dw.agg_seg / dw.rep_notice as before.
-- family_code and class_code may be NULL (a category without them), as in
-- dw.rep_notice, so the tables have no primary key.

CREATE TABLE dw.agg_cls (
	month_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	notices		bigint NOT NULL,
	opened		bigint NOT NULL,
	awarded		bigint NOT NULL,
	failed		bigint NOT NULL,
	bids_n		bigint NOT NULL,
	bids_sum	bigint NOT NULL,
	award_sum	numeric NOT NULL,
	ratio_n		bigint NOT NULL,
	ratio_sum	bigint NOT NULL,
	days_n		bigint NOT NULL,
	days_sum	numeric NOT NULL,
	b0 bigint NOT NULL, b1 bigint NOT NULL, b2 bigint NOT NULL,
	b3 bigint NOT NULL, b4 bigint NOT NULL, b5 bigint NOT NULL,
	b6 bigint NOT NULL, b7 bigint NOT NULL
);
CREATE INDEX agg_cls_month ON dw.agg_cls (month_key);
CREATE INDEX agg_cls_segment ON dw.agg_cls (segment_code, month_key);
CREATE INDEX agg_cls_family ON dw.agg_cls (family_code, month_key);
CREATE INDEX agg_cls_class ON dw.agg_cls (class_code, month_key);

CREATE TABLE dw.agg_cls_ratio (
	month_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	bin		int NOT NULL,
	n		bigint NOT NULL
);
CREATE INDEX agg_cls_ratio_month ON dw.agg_cls_ratio (month_key);
CREATE INDEX agg_cls_ratio_family ON dw.agg_cls_ratio (family_code,
    month_key);
CREATE INDEX agg_cls_ratio_class ON dw.agg_cls_ratio (class_code,
    month_key);

CREATE TABLE dw.agg_cls_award (
	month_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	sup_region_key	smallint,
	size_class	text,
	n		bigint NOT NULL,
	amount		numeric NOT NULL
);
CREATE INDEX agg_cls_award_month ON dw.agg_cls_award (month_key);
CREATE INDEX agg_cls_award_family ON dw.agg_cls_award (family_code,
    month_key);
CREATE INDEX agg_cls_award_class ON dw.agg_cls_award (class_code,
    month_key);

CREATE TABLE dw.agg_award_seg (
	month_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	sup_region_key	smallint NOT NULL,
	size_class	text NOT NULL,
	n		bigint NOT NULL,
	amount		numeric NOT NULL,
	PRIMARY KEY (month_key, segment_code, sup_region_key, size_class)
);
CREATE INDEX agg_award_seg_segment ON dw.agg_award_seg (segment_code,
    month_key);

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
		    dw.rep_notice, dw.agg_cls, dw.agg_cls_ratio, dw.agg_cls_award,
		    dw.agg_award_seg;
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
		DELETE FROM dw.agg_cls WHERE month_key = ANY (m);
		DELETE FROM dw.agg_cls_ratio WHERE month_key = ANY (m);
		DELETE FROM dw.agg_cls_award WHERE month_key = ANY (m);
		DELETE FROM dw.agg_award_seg WHERE month_key = ANY (m);
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
	    r.days_to_award, r.family_code, r.class_code, r.win_region_key,
	    r.win_size, r.win_amount
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
	-- The category drill's aggregates (007): the same measures as
	-- dw.agg_seg, dw.agg_ratio and the deep award share (the winner
	-- columns of dw.rep_notice), per class.
	INSERT INTO dw.agg_cls
	SELECT month_key, segment_code, family_code, class_code, count(*),
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
	INSERT INTO dw.agg_cls_ratio
	SELECT month_key, segment_code, family_code, class_code,
	    floor(award_ratio_milli / 500.0)::int, count(*)
	  FROM rep_n WHERE outcome = 'awarded' AND award_ratio_milli IS NOT NULL
	 GROUP BY 1, 2, 3, 4, 5;
	INSERT INTO dw.agg_cls_award
	SELECT month_key, segment_code, family_code, class_code,
	    win_region_key, win_size, count(*), sum(win_amount)
	  FROM rep_n WHERE outcome = 'awarded' AND win_amount IS NOT NULL
	 GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO dw.agg_award_seg
	SELECT x.month_key, x.segment_code, x.sup_region_key, x.size_class,
	    sum(x.n), sum(x.amount)
	  FROM dw.agg_award x WHERE x.month_key = ANY (m)
	 GROUP BY 1, 2, 3, 4;
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
		ANALYZE dw.agg_cls;
		ANALYZE dw.agg_cls_ratio;
		ANALYZE dw.agg_cls_award;
		ANALYZE dw.agg_award_seg;
	END IF;
	RETURN n;
END $$;

CREATE OR REPLACE FUNCTION dw.report_groups(p_by text, p_year int, p_month int,
    p_seg text, p_fam text, p_cls text, p_region text, p_kind text,
    p_agency bigint)
RETURNS TABLE (key text, label_ko text, label_en text, notices bigint,
    opened bigint, awarded bigint, failed bigint, bids_n bigint,
    bids_sum bigint, award_sum numeric, ratio_n bigint, ratio_sum bigint,
    days_n bigint, days_sum numeric, source text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	deep boolean := p_month IS NOT NULL OR p_fam IS NOT NULL OR
	    p_cls IS NOT NULL OR p_agency IS NOT NULL;
	src text;
	g text;
	w text := 'true';
	sums text := 'sum(notices)::bigint, sum(opened)::bigint, '
	    'sum(awarded)::bigint, sum(failed)::bigint, sum(bids_n)::bigint, '
	    'sum(bids_sum)::bigint, sum(award_sum), sum(ratio_n)::bigint, '
	    'sum(ratio_sum)::bigint, sum(days_n)::bigint, sum(days_sum)';
	from_ text;
	rk smallint;
BEGIN
	IF p_by NOT IN ('time', 'category', 'region', 'agency') THEN
		RAISE EXCEPTION 'report_groups: by' USING
		    ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT r.region_key INTO rk FROM dw.dim_region r WHERE r.code = p_region;
	IF p_region IS NOT NULL AND rk IS NULL THEN
		rk := -1;
	END IF;
	-- Pick the smallest source that has every column the cell needs.
	IF NOT deep AND p_seg IS NULL AND p_by <> 'category' THEN
		src := 'agency';
	ELSIF NOT deep AND NOT (p_by = 'category' AND p_seg IS NOT NULL) AND
	    NOT (p_by = 'agency' AND p_kind IS NOT NULL) THEN
		src := 'seg';
	ELSIF p_by IN ('time', 'category') AND p_month IS NULL AND
	    p_region IS NULL AND p_kind IS NULL AND p_agency IS NULL THEN
		-- The category drill, by year or month (007).
		src := 'cls';
	ELSE
		src := 'fact';
	END IF;

	IF src = 'agency' THEN
		from_ := 'dw.agg_agency x JOIN dw.dim_agency a ON a.agency_key '
		    '= x.agency_key';
		w := w || ' AND ($4::smallint IS NULL OR a.region_key = $4) '
		    'AND ($5::text IS NULL OR a.agency_kind = $5)';
	ELSIF src = 'cls' THEN
		from_ := 'dw.agg_cls x';
		w := w || ' AND ($6::text IS NULL OR x.segment_code = $6) '
		    'AND ($7::text IS NULL OR x.family_code = $7) '
		    'AND ($8::text IS NULL OR x.class_code = $8)';
	ELSIF src = 'seg' THEN
		from_ := 'dw.agg_seg x';
		w := w || ' AND ($4::smallint IS NULL OR x.region_key = $4) '
		    'AND ($5::text IS NULL OR x.agency_kind = $5) '
		    'AND ($6::text IS NULL OR x.segment_code = $6)';
	ELSE
		from_ := '(SELECT f.month_key, '
		    'f.publish_date_key, f.region_key, f.agency_kind, f.org_id, '
		    'f.segment_code, f.family_code, f.class_code, 1 AS notices, '
		    '(f.opened_date_key IS NOT NULL)::int AS opened, '
		    '(f.outcome = ''awarded'')::int AS awarded, '
		    '(f.outcome = ''failed'')::int AS failed, '
		    '(f.bids IS NOT NULL)::int AS bids_n, '
		    'coalesce(f.bids, 0) AS bids_sum, '
		    'CASE WHEN f.outcome = ''awarded'' THEN coalesce('
		    'f.award_amount, 0) ELSE 0 END AS award_sum, '
		    '(f.outcome = ''awarded'' AND f.award_ratio_milli IS NOT '
		    'NULL)::int AS ratio_n, CASE WHEN f.outcome = ''awarded'' '
		    'THEN coalesce(f.award_ratio_milli, 0) ELSE 0 END AS '
		    'ratio_sum, (f.outcome = ''awarded'' AND f.days_to_award IS '
		    'NOT NULL)::int AS days_n, CASE WHEN f.outcome = '
		    '''awarded'' THEN coalesce(f.days_to_award, 0) ELSE 0 END '
		    'AS days_sum FROM dw.rep_notice f '
		    'WHERE ($1::int IS NULL OR f.publish_date_key BETWEEN '
		    '$1 * 10000 + coalesce($2, 1) * 100 AND '
		    '$1 * 10000 + coalesce($2, 12) * 100 + 99) '
		    'AND ($4::smallint IS NULL OR f.region_key = $4) '
		    'AND ($5::text IS NULL OR f.agency_kind = $5) '
		    'AND ($6::text IS NULL OR f.segment_code = $6) '
		    'AND ($7::text IS NULL OR f.family_code = $7) '
		    'AND ($8::text IS NULL OR f.class_code = $8) '
		    'AND ($9::bigint IS NULL OR f.org_id = $9)) x';
	END IF;
	w := w || ' AND ($1::int IS NULL OR x.month_key BETWEEN $1 * 100 + '
	    'coalesce($2, 1) AND $1 * 100 + coalesce($2, 12))';

	IF p_by = 'time' THEN
		IF p_year IS NULL THEN
			g := '(x.month_key / 100)::text';
		ELSIF p_month IS NULL THEN
			g := 'to_char(x.month_key, ''FM000000'')';
		ELSE
			g := 'to_char(x.publish_date_key, ''FM00000000'')';
		END IF;
		RETURN QUERY EXECUTE format('SELECT %s, %s, %s, ' || sums ||
		    ', %L FROM %s WHERE %s GROUP BY 1 ORDER BY 1', g, g, g,
		    src, from_, w)
		    USING p_year, p_month, NULL::int, rk, p_kind, p_seg, p_fam,
		    p_cls, p_agency;
	ELSIF p_by = 'category' THEN
		g := CASE WHEN p_seg IS NULL THEN 'x.segment_code'
		    WHEN p_fam IS NULL THEN 'x.family_code'
		    ELSE 'x.class_code' END;
		RETURN QUERY EXECUTE format('SELECT y.k::text, '
		    'coalesce(c.name_ko, y.k::text), coalesce(c.name_en, '
		    'y.k::text), y.a, y.b, y.c, y.d, y.e, y.f, y.g, y.h, y.i, '
		    'y.j, y.l, %L FROM (SELECT %s AS k, ' || sums ||
		    ' FROM %s WHERE %s GROUP BY 1) y(k, a, b, c, d, e, f, g, h, '
		    'i, j, l) LEFT JOIN dw.dim_category c ON c.code = y.k '
		    'ORDER BY y.a DESC, 1', src, g, from_, w)
		    USING p_year, p_month, NULL::int, rk, p_kind, p_seg, p_fam,
		    p_cls, p_agency;
	ELSIF p_by = 'region' THEN
		g := CASE src WHEN 'agency' THEN 'a.region_key'
		    ELSE 'x.region_key' END;
		RETURN QUERY EXECUTE format('SELECT r.code::text, r.name_ko, '
		    'r.name_en, y.a, y.b, y.c, y.d, y.e, y.f, y.g, y.h, y.i, '
		    'y.j, y.l, %L FROM (SELECT %s AS k, ' || sums ||
		    ' FROM %s WHERE %s GROUP BY 1) y(k, a, b, c, d, e, f, g, h, '
		    'i, j, l) JOIN dw.dim_region r ON r.region_key = y.k '
		    'ORDER BY r.sort', src, g, from_, w)
		    USING p_year, p_month, NULL::int, rk, p_kind, p_seg, p_fam,
		    p_cls, p_agency;
	ELSIF p_kind IS NULL AND p_agency IS NULL THEN
		g := CASE src WHEN 'agency' THEN 'a.agency_kind'
		    ELSE 'x.agency_kind' END;
		RETURN QUERY EXECUTE format('SELECT %s, %s, %s, ' || sums ||
		    ', %L FROM %s WHERE %s GROUP BY 1 ORDER BY 4 DESC, 1', g, g,
		    g, src, from_, w)
		    USING p_year, p_month, NULL::int, rk, p_kind, p_seg, p_fam,
		    p_cls, p_agency;
	ELSE
		-- Agencies, under their current name.
		g := CASE src WHEN 'agency' THEN 'a.org_id' ELSE 'x.org_id' END;
		RETURN QUERY EXECUTE format('SELECT y.k::text, d.name, d.name, '
		    'y.a, y.b, y.c, y.d, y.e, y.f, y.g, y.h, y.i, y.j, y.l, %L '
		    'FROM (SELECT %s AS k, ' || sums ||
		    ' FROM %s WHERE %s GROUP BY 1) y(k, a, b, c, d, e, f, g, h, '
		    'i, j, l) JOIN dw.dim_agency d ON d.org_id = y.k AND '
		    'd.is_current ORDER BY y.a DESC, d.name LIMIT 200', src, g,
		    from_, w)
		    USING p_year, p_month, NULL::int, rk, p_kind, p_seg, p_fam,
		    p_cls, p_agency;
	END IF;
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
	-- The category drill without a month, region, kind or agency reads
	-- the class aggregates (007).
	cls boolean := p_month IS NULL AND p_region IS NULL AND
	    p_kind IS NULL AND p_agency IS NULL AND (p_fam IS NOT NULL OR
	    p_cls IS NOT NULL);
	cw text := 'WHERE ($1::int IS NULL OR x.month_key BETWEEN $1 * 100 + '
	    'coalesce($2, 1) AND $1 * 100 + coalesce($2, 12)) '
	    'AND ($5::text IS NULL OR x.segment_code = $5) '
	    'AND ($6::text IS NULL OR x.family_code = $6) '
	    'AND ($7::text IS NULL OR x.class_code = $7)';
BEGIN
	SELECT r.region_key INTO rk FROM dw.dim_region r WHERE r.code = p_region;
	IF p_region IS NOT NULL AND rk IS NULL THEN
		rk := -1;
	END IF;
	IF p_what = 'bids' THEN
		IF cls THEN
			q := 'SELECT (u.o - 1)::int, u.v::bigint, NULL::numeric '
			    'FROM (SELECT ARRAY[sum(x.b0), sum(x.b1), sum(x.b2), '
			    'sum(x.b3), sum(x.b4), sum(x.b5), sum(x.b6), '
			    'sum(x.b7)] AS a FROM dw.agg_cls x ' || cw || ') s, '
			    'unnest(s.a) WITH ORDINALITY u(v, o)';
		ELSIF deep THEN
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
		    quote_literal(CASE WHEN cls THEN 'cls' WHEN deep THEN 'fact' ELSE 'seg' END) ||
		    ' FROM generate_series(0, 7) b(k) JOIN (VALUES (0, ''0''), '
		    '(1, ''1''), (2, ''2''), (3, ''3-5''), (4, ''6-10''), '
		    '(5, ''11-20''), (6, ''21-50''), (7, ''51+'')) l(k, t) '
		    'ON l.k = b.k LEFT JOIN (' || q || ') y(k, n, amount) '
		    'ON y.k = b.k ORDER BY b.k'
		    USING p_year, p_month, rk, p_kind, p_seg, p_fam, p_cls,
		    p_agency;
	ELSIF p_what = 'ratio' THEN
		IF cls THEN
			q := 'SELECT x.bin, sum(x.n)::bigint FROM dw.agg_cls_ratio '
			    'x ' || cw || ' GROUP BY 1';
		ELSIF deep THEN
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
		    quote_literal(CASE WHEN cls THEN 'cls' WHEN deep THEN 'fact' ELSE 'ratio' END) ||
		    ' FROM generate_series((SELECT min(k) FROM y), (SELECT max(k) '
		    'FROM y)) g(k) LEFT JOIN y ON y.k = g.k ORDER BY g.k'
		    USING p_year, p_month, rk, p_kind, p_seg, p_fam, p_cls,
		    p_agency;
	ELSIF p_what IN ('supregion', 'size') THEN
		IF cls THEN
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    'x.size_class' ELSE 'x.sup_region_key::text' END ||
			    ', sum(x.n)::bigint, sum(x.amount) FROM '
			    'dw.agg_cls_award x ' || cw || ' GROUP BY 1';
		ELSIF NOT deep AND p_region IS NULL AND p_kind IS NULL THEN
			-- Without the agency's region and kind (007).
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    'x.size_class' ELSE 'x.sup_region_key::text' END ||
			    ', sum(x.n)::bigint, sum(x.amount) FROM '
			    'dw.agg_award_seg x WHERE ($1::int IS NULL OR '
			    'x.month_key BETWEEN $1 * 100 + coalesce($2, 1) AND '
			    '$1 * 100 + coalesce($2, 12)) AND ($5::text IS NULL OR '
			    'x.segment_code = $5) GROUP BY 1';
		ELSIF deep THEN
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
			    quote_literal(CASE WHEN cls THEN 'cls' WHEN deep THEN 'fact' ELSE
			    'award' END) || ' FROM (' || q || ') y(k, n, a) '
			    'ORDER BY y.a DESC, 1'
			    USING p_year, p_month, rk, p_kind, p_seg, p_fam,
			    p_cls, p_agency;
		ELSE
			RETURN QUERY EXECUTE 'SELECT r.code::text, r.name_ko, '
			    'r.name_en, y.n, y.a, ' || quote_literal(CASE WHEN cls
			    THEN 'cls' WHEN deep THEN 'fact' ELSE 'award' END) || ' FROM (' || q
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

-- Fill the new aggregates for what is loaded already.
SELECT dw.reports_refresh(true);
