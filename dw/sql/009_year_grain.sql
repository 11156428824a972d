-- Report pages at 1,000,000 notices (tests/bench/reports.mjs, 2026-11-23):
-- every ratio and award-share page, and the agencies of a kind, took 200
-- to 480 ms (p95). Two causes:
--
-- 1. The code columns are char(8) and the report functions compared them
--    with text parameters, so PostgreSQL compared as text: no index on a
--    code column was usable and the row estimates were wrong (the award
--    share of one family scanned all 401,509 rows of dw.agg_cls_award).
--    The parameters are now cast to the column's type (bpchar).
-- 2. The distributions (bidders, award ratio bins, award shares) and the
--    cells that do not break down by month are never asked for one month
--    (a month's cell reads dw.rep_notice), yet read month rows: up to
--    558,728 rows of dw.agg_award for a page. These cells now read the
--    same measures at year grain, and the ratio bins of the cells without
--    a region or agency kind read a year x segment table, as the award
--    share already did (dw.agg_award_seg):
--
--   dw.agg_seg_y        year x region x kind x segment  (dw.agg_seg)
--   dw.agg_agency_y     year x agency                   (dw.agg_agency)
--   dw.agg_ratio_y      year x region x kind x segment x bin (dw.agg_ratio)
--   dw.agg_ratio_seg_y  year x segment x bin            (dw.agg_ratio)
--   dw.agg_award_y      year x region x kind x segment x winner region x
--                       winner size                     (dw.agg_award)
--   dw.agg_award_seg_y  year x segment x winner region x winner size
--   dw.agg_cls_ratio_y  year x class x bin              (dw.agg_cls_ratio)
--   dw.agg_cls_award_y  year x class x winner region x size (agg_cls_award)
--
-- They are sums of the month tables, rebuilt for the years of the months
-- the refresh rebuilt (dw.reports_refresh wraps the month refresh of 007,
-- now dw.reports_refresh_months). The month tables stay: the month
-- breakdowns read dw.agg_seg and dw.agg_cls, and a year table is rebuilt
-- from its month table in one indexed range read.

CREATE TABLE dw.agg_seg_y (
	year_key	int NOT NULL,
	region_key	smallint NOT NULL,
	agency_kind	text NOT NULL,
	segment_code	char(8) NOT NULL,
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
	b6 bigint NOT NULL, b7 bigint NOT NULL,
	PRIMARY KEY (year_key, region_key, agency_kind, segment_code)
);
CREATE INDEX agg_seg_y_segment ON dw.agg_seg_y (segment_code, year_key);
CREATE INDEX agg_seg_y_region ON dw.agg_seg_y (region_key, year_key);

CREATE TABLE dw.agg_agency_y (
	year_key	int NOT NULL,
	agency_key	int NOT NULL,
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
	PRIMARY KEY (year_key, agency_key)
);
CREATE INDEX agg_agency_y_agency ON dw.agg_agency_y (agency_key);

CREATE TABLE dw.agg_ratio_y (
	year_key	int NOT NULL,
	region_key	smallint NOT NULL,
	agency_kind	text NOT NULL,
	segment_code	char(8) NOT NULL,
	bin		int NOT NULL,
	n		bigint NOT NULL,
	PRIMARY KEY (year_key, region_key, agency_kind, segment_code, bin)
);
CREATE INDEX agg_ratio_y_region ON dw.agg_ratio_y (region_key, year_key);
CREATE INDEX agg_ratio_y_kind ON dw.agg_ratio_y (agency_kind, year_key);

CREATE TABLE dw.agg_ratio_seg_y (
	year_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	bin		int NOT NULL,
	n		bigint NOT NULL,
	PRIMARY KEY (year_key, segment_code, bin)
);
CREATE INDEX agg_ratio_seg_y_segment ON dw.agg_ratio_seg_y (segment_code,
    year_key);

CREATE TABLE dw.agg_award_y (
	year_key	int NOT NULL,
	region_key	smallint NOT NULL,
	agency_kind	text NOT NULL,
	segment_code	char(8) NOT NULL,
	sup_region_key	smallint NOT NULL,
	size_class	text NOT NULL,
	n		bigint NOT NULL,
	amount		numeric NOT NULL,
	PRIMARY KEY (year_key, region_key, agency_kind, segment_code,
	    sup_region_key, size_class)
);
CREATE INDEX agg_award_y_region ON dw.agg_award_y (region_key, year_key);
CREATE INDEX agg_award_y_kind ON dw.agg_award_y (agency_kind, year_key);

CREATE TABLE dw.agg_award_seg_y (
	year_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	sup_region_key	smallint NOT NULL,
	size_class	text NOT NULL,
	n		bigint NOT NULL,
	amount		numeric NOT NULL,
	PRIMARY KEY (year_key, segment_code, sup_region_key, size_class)
);
CREATE INDEX agg_award_seg_y_segment ON dw.agg_award_seg_y (segment_code,
    year_key);

-- family_code and class_code may be NULL, as in dw.agg_cls: no key.
CREATE TABLE dw.agg_cls_ratio_y (
	year_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	bin		int NOT NULL,
	n		bigint NOT NULL
);
CREATE INDEX agg_cls_ratio_y_year ON dw.agg_cls_ratio_y (year_key);
CREATE INDEX agg_cls_ratio_y_segment ON dw.agg_cls_ratio_y (segment_code,
    year_key);
CREATE INDEX agg_cls_ratio_y_family ON dw.agg_cls_ratio_y (family_code,
    year_key);
CREATE INDEX agg_cls_ratio_y_class ON dw.agg_cls_ratio_y (class_code,
    year_key);

CREATE TABLE dw.agg_cls_award_y (
	year_key	int NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	sup_region_key	smallint,
	size_class	text,
	n		bigint NOT NULL,
	amount		numeric NOT NULL
);
CREATE INDEX agg_cls_award_y_year ON dw.agg_cls_award_y (year_key);
CREATE INDEX agg_cls_award_y_segment ON dw.agg_cls_award_y (segment_code,
    year_key);
CREATE INDEX agg_cls_award_y_family ON dw.agg_cls_award_y (family_code,
    year_key);
CREATE INDEX agg_cls_award_y_class ON dw.agg_cls_award_y (class_code,
    year_key);

ALTER FUNCTION dw.reports_refresh(boolean) RENAME TO reports_refresh_months;

-- Rebuild the year tables of the years y from the month tables.
CREATE FUNCTION dw.reports_refresh_years(y int[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	lo int;
	hi int;
BEGIN
	DELETE FROM dw.agg_seg_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_agency_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_ratio_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_ratio_seg_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_award_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_award_seg_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_cls_ratio_y WHERE year_key = ANY (y);
	DELETE FROM dw.agg_cls_award_y WHERE year_key = ANY (y);
	-- The month keys of those years, as one index range (plus the exact
	-- test: the years need not be adjacent).
	SELECT min(v) * 100, max(v) * 100 + 99 INTO lo, hi FROM unnest(y) v;
	INSERT INTO dw.agg_seg_y
	SELECT x.month_key / 100, x.region_key, x.agency_kind,
	    x.segment_code, sum(x.notices), sum(x.opened), sum(x.awarded),
	    sum(x.failed), sum(x.bids_n), sum(x.bids_sum), sum(x.award_sum),
	    sum(x.ratio_n), sum(x.ratio_sum), sum(x.days_n), sum(x.days_sum),
	    sum(x.b0), sum(x.b1), sum(x.b2), sum(x.b3), sum(x.b4), sum(x.b5),
	    sum(x.b6), sum(x.b7)
	  FROM dw.agg_seg x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2, 3, 4;
	INSERT INTO dw.agg_agency_y
	SELECT x.month_key / 100, x.agency_key, sum(x.notices),
	    sum(x.opened), sum(x.awarded), sum(x.failed), sum(x.bids_n),
	    sum(x.bids_sum), sum(x.award_sum), sum(x.ratio_n),
	    sum(x.ratio_sum), sum(x.days_n), sum(x.days_sum)
	  FROM dw.agg_agency x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2;
	INSERT INTO dw.agg_ratio_y
	SELECT x.month_key / 100, x.region_key, x.agency_kind,
	    x.segment_code, x.bin, sum(x.n)
	  FROM dw.agg_ratio x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2, 3, 4, 5;
	INSERT INTO dw.agg_ratio_seg_y
	SELECT x.year_key, x.segment_code, x.bin, sum(x.n)
	  FROM dw.agg_ratio_y x WHERE x.year_key = ANY (y)
	 GROUP BY 1, 2, 3;
	INSERT INTO dw.agg_award_y
	SELECT x.month_key / 100, x.region_key, x.agency_kind,
	    x.segment_code, x.sup_region_key, x.size_class, sum(x.n),
	    sum(x.amount)
	  FROM dw.agg_award x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2, 3, 4, 5, 6;
	INSERT INTO dw.agg_award_seg_y
	SELECT x.year_key, x.segment_code, x.sup_region_key, x.size_class,
	    sum(x.n), sum(x.amount)
	  FROM dw.agg_award_y x WHERE x.year_key = ANY (y)
	 GROUP BY 1, 2, 3, 4;
	INSERT INTO dw.agg_cls_ratio_y
	SELECT x.month_key / 100, x.segment_code, x.family_code,
	    x.class_code, x.bin, sum(x.n)
	  FROM dw.agg_cls_ratio x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2, 3, 4, 5;
	INSERT INTO dw.agg_cls_award_y
	SELECT x.month_key / 100, x.segment_code, x.family_code,
	    x.class_code, x.sup_region_key, x.size_class, sum(x.n),
	    sum(x.amount)
	  FROM dw.agg_cls_award x WHERE x.month_key BETWEEN lo AND hi
	   AND x.month_key / 100 = ANY (y)
	 GROUP BY 1, 2, 3, 4, 5, 6;
END $$;

-- The month refresh (007), then the year tables of the years it touched.
-- reports_dirty is locked against new marks for the transaction, so the
-- years read here are exactly those of the months the month refresh
-- consumes.
CREATE FUNCTION dw.reports_refresh(p_full boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz := clock_timestamp();
	y int[];
	n bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7242501);
	LOCK TABLE dw.reports_dirty IN EXCLUSIVE MODE;
	IF NOT p_full THEN
		SELECT array_agg(DISTINCT d.month_key / 100) INTO y
		  FROM dw.reports_dirty d;
		IF y IS NULL THEN
			RETURN 0;
		END IF;
	END IF;
	n := dw.reports_refresh_months(p_full);
	IF p_full THEN
		TRUNCATE dw.agg_seg_y, dw.agg_agency_y, dw.agg_ratio_y,
		    dw.agg_ratio_seg_y, dw.agg_award_y, dw.agg_award_seg_y,
		    dw.agg_cls_ratio_y, dw.agg_cls_award_y;
		SELECT array_agg(DISTINCT s.month_key / 100) INTO y
		  FROM dw.agg_agency s;
	END IF;
	IF y IS NOT NULL THEN
		PERFORM dw.reports_refresh_years(y);
	END IF;
	UPDATE dw.reports_state SET refreshed_at = clock_timestamp(),
	    duration_ms = (extract(epoch FROM clock_timestamp() - t0) *
		1000)::int;
	IF p_full OR n > 100000 THEN
		ANALYZE dw.agg_seg_y;
		ANALYZE dw.agg_agency_y;
		ANALYZE dw.agg_ratio_y;
		ANALYZE dw.agg_ratio_seg_y;
		ANALYZE dw.agg_award_y;
		ANALYZE dw.agg_award_seg_y;
		ANALYZE dw.agg_cls_ratio_y;
		ANALYZE dw.agg_cls_award_y;
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
	-- Pick the smallest source that has every column the cell needs:
	-- year grain (009) unless the cell breaks a year down by month.
	IF NOT deep AND p_seg IS NULL AND p_by = 'agency' AND
	    p_kind IS NOT NULL THEN
		src := 'agency';
	ELSIF NOT deep AND NOT (p_by = 'category' AND p_seg IS NOT NULL) AND
	    NOT (p_by = 'agency' AND p_kind IS NOT NULL) THEN
		src := CASE WHEN p_by = 'time' AND p_year IS NOT NULL
		    THEN 'seg' ELSE 'segy' END;
	ELSIF p_by IN ('time', 'category') AND p_month IS NULL AND
	    p_region IS NULL AND p_kind IS NULL AND p_agency IS NULL THEN
		-- The category drill, by year or month (007).
		src := 'cls';
	ELSE
		src := 'fact';
	END IF;

	IF src = 'agency' THEN
		from_ := 'dw.agg_agency_y x JOIN dw.dim_agency a ON '
		    'a.agency_key = x.agency_key';
		w := w || ' AND ($4::smallint IS NULL OR a.region_key = $4) '
		    'AND ($5::text IS NULL OR a.agency_kind = $5)';
	ELSIF src = 'cls' THEN
		from_ := 'dw.agg_cls x';
		w := w || ' AND ($6::text IS NULL OR x.segment_code = '
		    '$6::bpchar) AND ($7::text IS NULL OR x.family_code = '
		    '$7::bpchar) AND ($8::text IS NULL OR x.class_code = '
		    '$8::bpchar)';
	ELSIF src IN ('seg', 'segy') THEN
		from_ := CASE src WHEN 'seg' THEN 'dw.agg_seg x'
		    ELSE 'dw.agg_seg_y x' END;
		w := w || ' AND ($4::smallint IS NULL OR x.region_key = $4) '
		    'AND ($5::text IS NULL OR x.agency_kind = $5) '
		    'AND ($6::text IS NULL OR x.segment_code = $6::bpchar)';
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
		    'AND ($6::text IS NULL OR f.segment_code = $6::bpchar) '
		    'AND ($7::text IS NULL OR f.family_code = $7::bpchar) '
		    'AND ($8::text IS NULL OR f.class_code = $8::bpchar) '
		    'AND ($9::bigint IS NULL OR f.org_id = $9)) x';
	END IF;
	IF src IN ('agency', 'segy') THEN
		w := w || ' AND ($1::int IS NULL OR x.year_key = $1)';
	ELSE
		w := w || ' AND ($1::int IS NULL OR x.month_key BETWEEN '
		    '$1 * 100 + coalesce($2, 1) AND $1 * 100 + '
		    'coalesce($2, 12))';
	END IF;

	IF p_by = 'time' THEN
		IF p_year IS NULL THEN
			g := CASE src WHEN 'segy' THEN 'x.year_key::text'
			    ELSE '(x.month_key / 100)::text' END;
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
	    'AND ($5::text IS NULL OR f.segment_code = $5::bpchar) '
	    'AND ($6::text IS NULL OR f.family_code = $6::bpchar) '
	    'AND ($7::text IS NULL OR f.class_code = $7::bpchar) '
	    'AND ($8::bigint IS NULL OR f.org_id = $8)';
	ff text := 'FROM dw.rep_notice f ';
	-- The year tables (009): a cell with a month is deep.
	aw text := 'WHERE ($1::int IS NULL OR x.year_key = $1) '
	    'AND ($3::smallint IS NULL OR x.region_key = $3) '
	    'AND ($4::text IS NULL OR x.agency_kind = $4) '
	    'AND ($5::text IS NULL OR x.segment_code = $5::bpchar)';
	q text;
	-- The category drill without a month, region, kind or agency reads
	-- the class aggregates (007).
	cls boolean := p_month IS NULL AND p_region IS NULL AND
	    p_kind IS NULL AND p_agency IS NULL AND (p_fam IS NOT NULL OR
	    p_cls IS NOT NULL);
	cw text := 'WHERE ($1::int IS NULL OR x.month_key BETWEEN $1 * 100 + '
	    'coalesce($2, 1) AND $1 * 100 + coalesce($2, 12)) '
	    'AND ($5::text IS NULL OR x.segment_code = $5::bpchar) '
	    'AND ($6::text IS NULL OR x.family_code = $6::bpchar) '
	    'AND ($7::text IS NULL OR x.class_code = $7::bpchar)';
	cy text := 'WHERE ($1::int IS NULL OR x.year_key = $1) '
	    'AND ($5::text IS NULL OR x.segment_code = $5::bpchar) '
	    'AND ($6::text IS NULL OR x.family_code = $6::bpchar) '
	    'AND ($7::text IS NULL OR x.class_code = $7::bpchar)';
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
			    'sum(x.b7)] AS a FROM dw.agg_seg_y x ' || aw || ') s, '
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
			q := 'SELECT x.bin, sum(x.n)::bigint FROM '
			    'dw.agg_cls_ratio_y x ' || cy || ' GROUP BY 1';
		ELSIF deep THEN
			q := 'SELECT floor(f.award_ratio_milli / 500.0)::int, '
			    'count(*)::bigint ' || ff || fw ||
			    ' AND f.outcome = ''awarded'' AND '
			    'f.award_ratio_milli IS NOT NULL GROUP BY 1';
		ELSIF p_region IS NULL AND p_kind IS NULL THEN
			q := 'SELECT x.bin, sum(x.n)::bigint FROM '
			    'dw.agg_ratio_seg_y x WHERE ($1::int IS NULL OR '
			    'x.year_key = $1) AND ($5::text IS NULL OR '
			    'x.segment_code = $5::bpchar) GROUP BY 1';
		ELSE
			q := 'SELECT x.bin, sum(x.n)::bigint FROM dw.agg_ratio_y x '
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
			    'dw.agg_cls_award_y x ' || cy || ' GROUP BY 1';
		ELSIF NOT deep AND p_region IS NULL AND p_kind IS NULL THEN
			-- Without the agency's region and kind (007).
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    'x.size_class' ELSE 'x.sup_region_key::text' END ||
			    ', sum(x.n)::bigint, sum(x.amount) FROM '
			    'dw.agg_award_seg_y x WHERE ($1::int IS NULL OR '
			    'x.year_key = $1) AND ($5::text IS NULL OR '
			    'x.segment_code = $5::bpchar) GROUP BY 1';
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
			    ', sum(x.n)::bigint, sum(x.amount) FROM dw.agg_award_y x '
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

-- Fill the year tables from the month tables already loaded.
SELECT dw.reports_refresh_years(ARRAY(SELECT DISTINCT s.month_key / 100
    FROM dw.agg_agency s));
ANALYZE dw.agg_seg_y;
ANALYZE dw.agg_agency_y;
ANALYZE dw.agg_ratio_y;
ANALYZE dw.agg_ratio_seg_y;
ANALYZE dw.agg_award_y;
ANALYZE dw.agg_award_seg_y;
ANALYZE dw.agg_cls_ratio_y;
ANALYZE dw.agg_cls_award_y;
