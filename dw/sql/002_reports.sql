-- Report aggregates of the statistics pages (dw/reports.c).
--
-- The pages drill along time (year > month > day), category (segment >
-- family > class), region and agency kind > agency. Top drill levels read
-- small aggregate tables; a query that filters to one month, one family or
-- class, or one agency reads dw.rep_notice through its indexes (a month, a
-- family or an agency is a small slice of the facts).
--
--   dw.agg_seg     month x agency region x agency kind x segment: notice
--                  measures and the bidders-per-notice distribution
--   dw.agg_agency  month x agency (type-2 row): notice measures
--   dw.agg_ratio   month x region x kind x segment x 0.5 % bin of the award
--                  ratio (낙찰률): awards
--   dw.agg_award   month x region x kind x segment x supplier region x
--                  supplier size: awards and amounts
--   dw.rep_notice  the notice facts flattened with the category ancestors
--                  and the agency's kind and organisation, indexed: the
--                  drill levels below the aggregates read it
--
-- Every measure is attributed to the notice's publication date and the
-- agency's region and kind at publication (fact_notice), awards included,
-- so every report of a drill cell counts the same notices.
--
-- dw.reports_refresh() recomputes the months whose facts changed (statement
-- triggers on dw.fact_notice note them in dw.reports_dirty); a trigger on
-- dw.etl_log calls it when a run that wrote rows ends 'ok', in the load's
-- transaction, so the load needs no extra call. dw.reports_refresh(true)
-- rebuilds everything.

CREATE TABLE dw.agg_seg (
	month_key	int NOT NULL,
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
	PRIMARY KEY (month_key, region_key, agency_kind, segment_code)
);
CREATE INDEX agg_seg_segment ON dw.agg_seg (segment_code, month_key);

CREATE TABLE dw.agg_agency (
	month_key	int NOT NULL,
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
	PRIMARY KEY (month_key, agency_key)
);
CREATE INDEX agg_agency_agency ON dw.agg_agency (agency_key);

CREATE TABLE dw.agg_ratio (
	month_key	int NOT NULL,
	region_key	smallint NOT NULL,
	agency_kind	text NOT NULL,
	segment_code	char(8) NOT NULL,
	bin		int NOT NULL,		-- floor(ratio / 0.5 %)
	n		bigint NOT NULL,
	PRIMARY KEY (month_key, region_key, agency_kind, segment_code, bin)
);

CREATE TABLE dw.agg_award (
	month_key	int NOT NULL,
	region_key	smallint NOT NULL,
	agency_kind	text NOT NULL,
	segment_code	char(8) NOT NULL,
	sup_region_key	smallint NOT NULL,
	size_class	text NOT NULL,
	n		bigint NOT NULL,
	amount		numeric NOT NULL,
	PRIMARY KEY (month_key, region_key, agency_kind, segment_code,
	    sup_region_key, size_class)
);

-- Indexes the fact-side drill queries use.
CREATE INDEX IF NOT EXISTS fact_contract_notice ON dw.fact_contract
    (notice_id);

-- The notice facts flattened with what the drill filters need (category
-- ancestors, agency kind and organisation), indexed for the levels below
-- the aggregates: one month, one segment or family, one agency.
CREATE TABLE dw.rep_notice (
	notice_id	bigint PRIMARY KEY,
	publish_date_key int NOT NULL,
	month_key	int NOT NULL,
	opened_date_key	int,
	region_key	smallint NOT NULL,
	agency_key	int NOT NULL,
	agency_kind	text NOT NULL,
	org_id		bigint NOT NULL,
	segment_code	char(8) NOT NULL,
	family_code	char(8),
	class_code	char(8),
	outcome		text,
	bids		int,
	award_amount	bigint,
	award_ratio_milli int,
	days_to_award	numeric(9, 3)
);
CREATE INDEX rep_notice_month ON dw.rep_notice (month_key);
CREATE INDEX rep_notice_day ON dw.rep_notice (publish_date_key);
CREATE INDEX rep_notice_segment ON dw.rep_notice (segment_code,
    publish_date_key);
CREATE INDEX rep_notice_family ON dw.rep_notice (family_code,
    publish_date_key);
CREATE INDEX rep_notice_class ON dw.rep_notice (class_code,
    publish_date_key);
CREATE INDEX rep_notice_org ON dw.rep_notice (org_id, publish_date_key);

CREATE TABLE dw.reports_state (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	refreshed_at	timestamptz,
	duration_ms	int,
	notices		bigint
);
INSERT INTO dw.reports_state DEFAULT VALUES;

-- The bucket of a number of bids: 0, 1, 2, 3-5, 6-10, 11-20, 21-50, 51+
-- (NULL before the opening).
CREATE FUNCTION dw.bids_bucket(n int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN n IS NULL THEN NULL WHEN n <= 2 THEN n WHEN n <= 5 THEN 3 WHEN n <= 10 THEN 4
	    WHEN n <= 20 THEN 5 WHEN n <= 50 THEN 6 ELSE 7 END
$$;

-- Months whose notices changed since the last refresh: statement triggers
-- on dw.fact_notice record them from the transition tables (one row per
-- month and statement, not per fact row). A notice's publication month
-- never changes, so a month's aggregates depend on that month's facts
-- only (awards and contracts are reloaded with their notice).
CREATE TABLE dw.reports_dirty (
	month_key	int PRIMARY KEY
);

CREATE FUNCTION dw.reports_mark() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO dw.reports_dirty
	SELECT DISTINCT publish_date_key / 100 FROM nt
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE FUNCTION dw.reports_mark_old() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO dw.reports_dirty
	SELECT DISTINCT publish_date_key / 100 FROM ot
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER reports_mark_ins AFTER INSERT ON dw.fact_notice
    REFERENCING NEW TABLE AS nt FOR EACH STATEMENT
    EXECUTE FUNCTION dw.reports_mark();
CREATE TRIGGER reports_mark_upd AFTER UPDATE ON dw.fact_notice
    REFERENCING NEW TABLE AS nt FOR EACH STATEMENT
    EXECUTE FUNCTION dw.reports_mark();
CREATE TRIGGER reports_mark_del AFTER DELETE ON dw.fact_notice
    REFERENCING OLD TABLE AS ot FOR EACH STATEMENT
    EXECUTE FUNCTION dw.reports_mark_old();

-- Recompute the report aggregates of the changed months (p_full: every
-- month, e.g. after a type-1 change of supplier sizes); returns the
-- notices read.
CREATE FUNCTION dw.reports_refresh(p_full boolean DEFAULT false)
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
	    f.bids, f.award_amount, f.award_ratio_milli, f.days_to_award
	  FROM unnest(coalesce(m, '{}')) u(mk)
	  JOIN dw.fact_notice f ON f.publish_date_key BETWEEN u.mk * 100
	   AND u.mk * 100 + 99
	  JOIN dw.dim_agency a ON a.agency_key = f.agency_key
	  JOIN dw.dim_category c ON c.category_key = f.category_key;
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

-- A load that wrote rows and ended well refreshes the aggregates, in the
-- load's own transaction (dw.etl_end), off any request worker.
CREATE FUNCTION dw.reports_after_etl() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM dw.reports_refresh();
	RETURN NULL;
END $$;
CREATE TRIGGER reports_after_etl AFTER UPDATE OF status ON dw.etl_log
    FOR EACH ROW WHEN (OLD.status = 'running' AND NEW.status = 'ok' AND
    NEW.rows_written > 0) EXECUTE FUNCTION dw.reports_after_etl();

-- The drill cell of a request. Arguments are validated by the caller;
-- NULL means "all".
--   p_by      time | category | region | agency: the dimension broken down
--   p_year, p_month, p_seg, p_fam, p_cls, p_region (dim_region.code),
--   p_kind (agency kind), p_agency (portal.org id of the agency)
-- Returns one row per group of the next level of p_by under the filters.
CREATE FUNCTION dw.report_groups(p_by text, p_year int, p_month int,
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
	ELSE
		src := 'fact';
	END IF;

	IF src = 'agency' THEN
		from_ := 'dw.agg_agency x JOIN dw.dim_agency a ON a.agency_key '
		    '= x.agency_key';
		w := w || ' AND ($4::smallint IS NULL OR a.region_key = $4) '
		    'AND ($5::text IS NULL OR a.agency_kind = $5)';
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

-- The distributions of a drill cell (same arguments as report_groups):
--   p_what bids     notices opened by number of bids (bucket 0..7)
--          ratio    awards by 0.5 % bin of the award ratio (key: bin,
--                   bin * 0.5 % .. + 0.5 %), every bin from the lowest
--                   to the highest
--          supregion awards by the winner's region at the award
--          size     awards by the winner's size class
-- n is a count of notices, amount the awarded amount (supregion, size).
CREATE FUNCTION dw.report_dist(p_what text, p_year int, p_month int,
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
			q := 'SELECT ' || CASE p_what WHEN 'size' THEN
			    's.size_class' ELSE 'k.supplier_region_key::text' END
			    || ', count(*)::bigint, sum(k.amount) ' || ff ||
			    'JOIN dw.fact_contract k ON k.notice_id = '
			    'f.notice_id ' || CASE p_what WHEN 'size' THEN
			    'JOIN dw.dim_supplier s ON s.supplier_key = '
			    'k.supplier_key ' ELSE '' END || fw ||
			    ' AND f.outcome = ''awarded'' GROUP BY 1';
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

-- Names of the filters of a drill cell, for the breadcrumbs:
-- (what, code, name_ko, name_en) for seg, fam, cls, region, agency.
CREATE FUNCTION dw.report_names(p_seg text, p_fam text, p_cls text,
    p_region text, p_agency bigint)
RETURNS TABLE (what text, code text, name_ko text, name_en text)
LANGUAGE sql STABLE AS $$
	SELECT 'seg', c.code::text, c.name_ko, c.name_en FROM dw.dim_category c
	 WHERE c.code = p_seg
	UNION ALL SELECT 'fam', c.code::text, c.name_ko, c.name_en
	  FROM dw.dim_category c WHERE c.code = p_fam
	UNION ALL SELECT 'cls', c.code::text, c.name_ko, c.name_en
	  FROM dw.dim_category c WHERE c.code = p_cls
	UNION ALL SELECT 'region', r.code::text, r.name_ko, r.name_en
	  FROM dw.dim_region r WHERE r.code = p_region
	UNION ALL SELECT 'agency', a.org_id::text, a.name, a.name
	  FROM dw.dim_agency a WHERE a.org_id = p_agency AND a.is_current
	UNION ALL SELECT 'agency_kind', a.agency_kind, a.agency_kind,
	    a.agency_kind FROM dw.dim_agency a WHERE a.org_id = p_agency
	   AND a.is_current
	UNION ALL SELECT 'refreshed', to_char(s.refreshed_at AT TIME ZONE
	    'Asia/Seoul', 'YYYY-MM-DD HH24:MI'), '', '' FROM dw.reports_state s
	 WHERE s.refreshed_at IS NOT NULL
$$;

-- Headline figures of the public page for a year (Korean calendar):
-- notices published, awarded amount, average bidders per opened notice,
-- failed-tender rate and average award ratio of those notices.
CREATE FUNCTION dw.report_headline(p_year int)
RETURNS TABLE (notices bigint, award_sum numeric, avg_bids numeric,
    failed_pct numeric, avg_ratio numeric)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(x.notices), 0)::bigint,
	    coalesce(sum(x.award_sum), 0),
	    round(sum(x.bids_sum)::numeric / nullif(sum(x.bids_n), 0), 2),
	    round(sum(x.failed) * 100.0 / nullif(sum(x.opened), 0), 2),
	    round(sum(x.ratio_sum) / 1000.0 / nullif(sum(x.ratio_n), 0), 3)
	  FROM dw.agg_agency x
	 WHERE x.month_key BETWEEN p_year * 100 + 1 AND p_year * 100 + 12
$$;
