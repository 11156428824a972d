-- The statistics warehouse (통계 데이터웨어하우스): a Kimball star schema
-- loaded incrementally from the live portal and bidding tables.
--
-- Grains (one row per ...):
--   dw.fact_notice    published notice (입찰공고), in the state of its
--                     current order (차수); drafts never enter
--   dw.fact_opening   opened notice (개찰): the opening and its outcome
--                     (낙찰 / 유찰 / 심사중)
--   dw.fact_bid       opened bid (bidding.bid_result row): a bid enters
--                     only once its notice is opened, so sealed bids never
--                     reach the warehouse
--   dw.fact_contract  contract (계약) created by an award
--
-- Conformed dimensions: date (pre-filled, keyed yyyymmdd in Korean time),
-- region (시·도), category (UNSPSC segment > family > class > commodity,
-- flattened), notice family, contract method, award method, agency and
-- supplier (type 2: a change of region or kind closes the current row and
-- opens a new one, so a fact keeps the row in force at its event time).
--
-- Facts carry surrogate keys without declared foreign keys: the load
-- takes every key from an inner join with its dimension, and checking each
-- key per row was four fifths of the load time (measured). dw.orphans()
-- checks them all; the tests call it.
--
-- Incremental load: dw.etl_begin() opens a run, dw.etl_run(batch, run) does
-- ONE batch in the caller's transaction and says whether more remains, the
-- driver (g2b-etl, later a Kore task) calls it in a loop, each call its own
-- transaction, and dw.etl_end(run, error) closes the run. See dw.etl_run.
CREATE SCHEMA IF NOT EXISTS dw;

-- Date dimension (Korean dates), 2000-01-01 .. 2045-12-31.
CREATE TABLE dw.dim_date (
	date_key	int PRIMARY KEY,		-- yyyymmdd
	day		date NOT NULL UNIQUE,
	year		smallint NOT NULL,
	half		smallint NOT NULL,
	quarter		smallint NOT NULL,
	month		smallint NOT NULL,
	month_key	int NOT NULL,			-- yyyymm
	day_of_month	smallint NOT NULL,
	iso_week	smallint NOT NULL,
	iso_dow		smallint NOT NULL,		-- 1 Monday .. 7 Sunday
	is_weekend	boolean NOT NULL,
	fiscal_year	smallint NOT NULL		-- Korean fiscal year = calendar
);
INSERT INTO dw.dim_date
SELECT to_char(d, 'YYYYMMDD')::int, d, extract(year FROM d),
    CASE WHEN extract(month FROM d) <= 6 THEN 1 ELSE 2 END,
    extract(quarter FROM d), extract(month FROM d),
    to_char(d, 'YYYYMM')::int, extract(day FROM d), extract(week FROM d),
    extract(isodow FROM d), extract(isodow FROM d) >= 6, extract(year FROM d)
  FROM generate_series('2000-01-01'::date, '2045-12-31'::date,
    interval '1 day') g(t), LATERAL (SELECT t::date AS d) x;
CREATE INDEX dim_date_month ON dw.dim_date (month_key);

-- The date key of an instant, in Korean time.
CREATE FUNCTION dw.date_key(t timestamptz) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (extract(year FROM t AT TIME ZONE 'Asia/Seoul') * 10000 +
	    extract(month FROM t AT TIME ZONE 'Asia/Seoul') * 100 +
	    extract(day FROM t AT TIME ZONE 'Asia/Seoul'))::int
$$;

CREATE TABLE dw.dim_region (
	region_key	smallint PRIMARY KEY,
	code		char(2) NOT NULL UNIQUE,
	name_ko		text NOT NULL,
	name_en		text NOT NULL,
	sort		smallint NOT NULL
);

CREATE TABLE dw.dim_family (
	family_key	smallint PRIMARY KEY,
	code		text NOT NULL UNIQUE,
	name_ko		text NOT NULL,
	name_en		text NOT NULL
);
INSERT INTO dw.dim_family VALUES
 (1, 'goods', '물품', 'Goods'),
 (2, 'services', '용역', 'Services'),
 (3, 'works', '공사', 'Works'),
 (4, 'foreign', '외자', 'Foreign procurement');

CREATE TABLE dw.dim_contract_method (
	contract_method_key smallint PRIMARY KEY,
	code		text NOT NULL UNIQUE,
	ocds		text NOT NULL,			-- OCDS procurementMethod
	name_ko		text NOT NULL,
	name_en		text NOT NULL
);
INSERT INTO dw.dim_contract_method VALUES
 (1, 'open', 'open', '일반경쟁', 'Open competition'),
 (2, 'restricted', 'selective', '제한경쟁', 'Restricted competition'),
 (3, 'nominated', 'limited', '지명경쟁', 'Nominated competition'),
 (4, 'direct', 'direct', '수의계약', 'Direct contract');

CREATE TABLE dw.dim_award_method (
	award_method_key smallint PRIMARY KEY,
	code		text NOT NULL UNIQUE,
	name_ko		text NOT NULL,
	name_en		text NOT NULL
);
INSERT INTO dw.dim_award_method VALUES
 (1, 'lowest', '최저가', 'Lowest price'),
 (2, 'qualification', '적격심사', 'Qualification review');

-- The item category tree flattened: each row carries its ancestors, so a
-- report drills segment > family > class > commodity without recursion.
CREATE TABLE dw.dim_category (
	category_key	int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code		char(8) NOT NULL UNIQUE,
	level		smallint NOT NULL,
	name_ko		text NOT NULL,
	name_en		text NOT NULL,
	segment_code	char(8) NOT NULL,
	segment_ko	text NOT NULL,
	segment_en	text NOT NULL,
	family_code	char(8),
	family_ko	text,
	family_en	text,
	class_code	char(8),
	class_ko	text,
	class_en	text
);
CREATE INDEX dim_category_segment ON dw.dim_category (segment_code);
CREATE INDEX dim_category_family ON dw.dim_category (family_code);

-- Demand agencies (수요기관), type 2 on kind and region; name is type 1
-- (a renamed agency is shown under its current name everywhere).
CREATE TABLE dw.dim_agency (
	agency_key	int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org_id		bigint NOT NULL,
	agency_code	char(7) NOT NULL,
	name		text NOT NULL,
	agency_kind	text NOT NULL,
	region_key	smallint NOT NULL REFERENCES dw.dim_region,
	valid_from	timestamptz NOT NULL,
	valid_to	timestamptz NOT NULL DEFAULT 'infinity',
	is_current	boolean NOT NULL DEFAULT true,
	CHECK (valid_from < valid_to)
);
CREATE UNIQUE INDEX dim_agency_current ON dw.dim_agency (org_id)
    WHERE is_current;
CREATE INDEX dim_agency_org ON dw.dim_agency (org_id, valid_from);
CREATE INDEX dim_agency_kind ON dw.dim_agency (agency_kind);

-- Suppliers (조달업체), type 2 on region and business type; name and
-- status are type 1. size_class waits for a size column in portal.org
-- (중소기업 / 중견기업 / 대기업): 'unknown' until then.
CREATE TABLE dw.dim_supplier (
	supplier_key	int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org_id		bigint NOT NULL,
	bizno		char(10) NOT NULL,
	name		text NOT NULL,
	status		text NOT NULL,
	biz_type	text NOT NULL,
	size_class	text NOT NULL DEFAULT 'unknown',
	region_key	smallint NOT NULL REFERENCES dw.dim_region,
	valid_from	timestamptz NOT NULL,
	valid_to	timestamptz NOT NULL DEFAULT 'infinity',
	is_current	boolean NOT NULL DEFAULT true,
	CHECK (valid_from < valid_to)
);
CREATE UNIQUE INDEX dim_supplier_current ON dw.dim_supplier (org_id)
    WHERE is_current;
CREATE INDEX dim_supplier_org ON dw.dim_supplier (org_id, valid_from);
CREATE INDEX dim_supplier_region ON dw.dim_supplier (region_key);

-- One row per published notice, in the state of its current order.
-- Measures known only after the opening (bids, planned price, award) are
-- NULL before it: even the number of bids stays secret until 개찰.
CREATE TABLE dw.fact_notice (
	notice_id	bigint PRIMARY KEY,		-- degenerate: bidding.notice
	notice_no	text NOT NULL,
	publish_date_key int NOT NULL,
	close_date_key	int NOT NULL,
	opening_date_key int NOT NULL,	-- scheduled
	opened_date_key	int,
	award_date_key	int,
	agency_key	int NOT NULL,
	region_key	smallint NOT NULL, -- agency's
	region_limit_key smallint,
	category_key	int NOT NULL, -- line 1 item
	family_key	smallint NOT NULL,
	contract_method_key smallint NOT NULL,
	award_method_key smallint NOT NULL,
	status		text NOT NULL,			-- published | cancelled
	outcome		text,				-- review | awarded | failed
	orders		smallint NOT NULL,		-- 차수 (1 + amendments)
	is_renotice	boolean NOT NULL,		-- 재공고
	base_amount	bigint NOT NULL,		-- 기초금액
	budget		bigint NOT NULL,
	floor_rate_milli int,
	bids		int,
	ranked_bids	int,
	planned		bigint,				-- 예정가격
	award_amount	bigint,
	award_ratio_milli int,				-- 낙찰률, 0.001 %
	days_to_award	numeric(9, 3)
);
CREATE INDEX fact_notice_publish ON dw.fact_notice (publish_date_key);
CREATE INDEX fact_notice_agency ON dw.fact_notice (agency_key);
CREATE INDEX fact_notice_category ON dw.fact_notice (category_key);
CREATE INDEX fact_notice_region ON dw.fact_notice (region_key);

-- One row per opened notice (개찰): the opening and its outcome.
CREATE TABLE dw.fact_opening (
	notice_id	bigint PRIMARY KEY,
	opened_date_key	int NOT NULL,
	award_date_key	int,
	agency_key	int NOT NULL,
	region_key	smallint NOT NULL,
	category_key	int NOT NULL,
	family_key	smallint NOT NULL,
	contract_method_key smallint NOT NULL,
	award_method_key smallint NOT NULL,
	winner_key	int,
	outcome		text NOT NULL,
	bids		int NOT NULL,
	valid_bids	int NOT NULL,
	ranked_bids	int NOT NULL,
	base_amount	bigint NOT NULL,
	planned		bigint NOT NULL,
	planned_ratio_milli int NOT NULL,		-- planned / base
	floor_rate_milli int,
	floor_amount	bigint NOT NULL,
	award_amount	bigint,
	award_ratio_milli int,
	days_to_open	numeric(9, 3) NOT NULL,		-- publication to opening
	days_to_award	numeric(9, 3)
);
CREATE INDEX fact_opening_opened ON dw.fact_opening (opened_date_key);

-- One row per opened bid.
CREATE TABLE dw.fact_bid (
	bid_id		bigint PRIMARY KEY,		-- degenerate: bidding.bid
	notice_id	bigint NOT NULL,
	bid_date_key	int NOT NULL,
	opened_date_key	int NOT NULL,
	supplier_key	int NOT NULL,
	supplier_region_key smallint NOT NULL,
	agency_key	int NOT NULL,
	category_key	int NOT NULL,
	family_key	smallint NOT NULL,
	contract_method_key smallint NOT NULL,
	award_method_key smallint NOT NULL,
	amount		bigint,				-- NULL: did not open
	ratio_milli	int,				-- to the planned price
	valid		boolean NOT NULL,
	below_floor	boolean NOT NULL,		-- excluded: under the floor
	rank		int,
	is_winner	boolean NOT NULL,
	review		text				-- 적격심사 pass | fail
);
CREATE INDEX fact_bid_supplier ON dw.fact_bid (supplier_key);
CREATE INDEX fact_bid_opened ON dw.fact_bid (opened_date_key);

-- One row per contract (계약).
CREATE TABLE dw.fact_contract (
	contract_id	bigint PRIMARY KEY,		-- degenerate
	contract_no	text NOT NULL,
	notice_id	bigint NOT NULL,
	award_date_key	int NOT NULL,
	start_date_key	int,
	end_date_key	int,
	agency_key	int NOT NULL,
	agency_region_key smallint NOT NULL,
	supplier_key	int NOT NULL,
	supplier_region_key smallint NOT NULL,
	category_key	int NOT NULL,
	family_key	smallint NOT NULL,
	contract_method_key smallint NOT NULL,
	award_method_key smallint NOT NULL,
	status		text NOT NULL,
	amount		bigint NOT NULL,
	base_amount	bigint NOT NULL,
	planned		bigint,
	award_ratio_milli int,
	days_to_award	numeric(9, 3) NOT NULL
);
CREATE INDEX fact_contract_award ON dw.fact_contract (award_date_key);
CREATE INDEX fact_contract_supplier ON dw.fact_contract (supplier_key);
CREATE INDEX fact_contract_agency ON dw.fact_contract (agency_key);

-- Fact rows whose key has no dimension row (must be none).
CREATE FUNCTION dw.orphans() RETURNS TABLE (fact text, key text, rows bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT * FROM (VALUES
	    ('fact_notice', 'publish_date_key', 'dim_date', 'date_key'),
	    ('fact_notice', 'close_date_key', 'dim_date', 'date_key'),
	    ('fact_notice', 'opening_date_key', 'dim_date', 'date_key'),
	    ('fact_notice', 'opened_date_key', 'dim_date', 'date_key'),
	    ('fact_notice', 'award_date_key', 'dim_date', 'date_key'),
	    ('fact_notice', 'agency_key', 'dim_agency', 'agency_key'),
	    ('fact_notice', 'region_key', 'dim_region', 'region_key'),
	    ('fact_notice', 'region_limit_key', 'dim_region', 'region_key'),
	    ('fact_notice', 'category_key', 'dim_category', 'category_key'),
	    ('fact_notice', 'family_key', 'dim_family', 'family_key'),
	    ('fact_notice', 'contract_method_key', 'dim_contract_method',
		'contract_method_key'),
	    ('fact_notice', 'award_method_key', 'dim_award_method',
		'award_method_key'),
	    ('fact_opening', 'opened_date_key', 'dim_date', 'date_key'),
	    ('fact_opening', 'award_date_key', 'dim_date', 'date_key'),
	    ('fact_opening', 'agency_key', 'dim_agency', 'agency_key'),
	    ('fact_opening', 'region_key', 'dim_region', 'region_key'),
	    ('fact_opening', 'category_key', 'dim_category', 'category_key'),
	    ('fact_opening', 'winner_key', 'dim_supplier', 'supplier_key'),
	    ('fact_bid', 'bid_date_key', 'dim_date', 'date_key'),
	    ('fact_bid', 'opened_date_key', 'dim_date', 'date_key'),
	    ('fact_bid', 'supplier_key', 'dim_supplier', 'supplier_key'),
	    ('fact_bid', 'supplier_region_key', 'dim_region', 'region_key'),
	    ('fact_bid', 'agency_key', 'dim_agency', 'agency_key'),
	    ('fact_bid', 'category_key', 'dim_category', 'category_key'),
	    ('fact_bid', 'family_key', 'dim_family', 'family_key'),
	    ('fact_contract', 'award_date_key', 'dim_date', 'date_key'),
	    ('fact_contract', 'start_date_key', 'dim_date', 'date_key'),
	    ('fact_contract', 'end_date_key', 'dim_date', 'date_key'),
	    ('fact_contract', 'agency_key', 'dim_agency', 'agency_key'),
	    ('fact_contract', 'agency_region_key', 'dim_region', 'region_key'),
	    ('fact_contract', 'supplier_key', 'dim_supplier', 'supplier_key'),
	    ('fact_contract', 'supplier_region_key', 'dim_region',
		'region_key'),
	    ('fact_contract', 'category_key', 'dim_category', 'category_key'))
	    AS t(f, k, d, dk) LOOP
		fact := c.f;
		key := c.k;
		EXECUTE format('SELECT count(*) FROM dw.%I x WHERE x.%I IS NOT '
		    'NULL AND NOT EXISTS (SELECT 1 FROM dw.%I d WHERE d.%I = '
		    'x.%I)', c.f, c.k, c.d, c.dk, c.k) INTO rows;
		RETURN NEXT;
	END LOOP;
END $$;

-- ETL bookkeeping. A watermark is the last (updated_at, id) of a source
-- table that the warehouse has loaded; rows are read in that order.
CREATE TABLE dw.etl_watermark (
	source		text PRIMARY KEY,
	ts		timestamptz NOT NULL DEFAULT '-infinity',
	id		bigint NOT NULL DEFAULT 0,
	moved_at	timestamptz
);
INSERT INTO dw.etl_watermark (source) VALUES ('portal.org'),
    ('bidding.notice');

CREATE TABLE dw.etl_log (
	id		bigserial PRIMARY KEY,
	started_at	timestamptz NOT NULL DEFAULT clock_timestamp(),
	finished_at	timestamptz,
	status		text NOT NULL DEFAULT 'running' CHECK (status IN
			    ('running', 'ok', 'failed', 'aborted')),
	trigger		text NOT NULL DEFAULT 'cli',	-- cli | timer | test
	pid		int NOT NULL DEFAULT pg_backend_pid(),
	batches		int NOT NULL DEFAULT 0,
	rows_read	bigint NOT NULL DEFAULT 0,
	rows_written	bigint NOT NULL DEFAULT 0,
	horizon		timestamptz,		-- last batch's safe upper bound
	error		text
);
CREATE INDEX etl_log_started ON dw.etl_log (started_at DESC);

-- The source reads follow each table's change marker, in order.
-- (bidding.notice.updated_at moves on publish, amend, cancel, open,
-- review and award; portal.org.updated_at on every profile change.)
-- In a warehouse database of its own the live tables are foreign tables
-- and dw/dwlink.c creates these indexes on the live side.
DO $$
BEGIN
	IF (SELECT relkind FROM pg_class
	    WHERE oid = 'bidding.notice'::regclass) = 'r' THEN
		CREATE INDEX IF NOT EXISTS dw_src_notice_changed
		    ON bidding.notice (updated_at, id);
		CREATE INDEX IF NOT EXISTS dw_src_org_changed
		    ON portal.org (updated_at, id);
	END IF;
END $$;

-- Safe upper bound for a change-marker read. A row's updated_at is its
-- writer's transaction start (now()); a writer still running may commit a
-- row stamped before this instant later, so the bound is the start of the
-- oldest transaction still open in this database (less one second for
-- the instant between a transaction's start and its report). Sessions the
-- caller may not see (other roles, without pg_read_all_stats) force a
-- conservative one-minute lag instead.
CREATE FUNCTION dw.etl_horizon() RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT least(now(), min(a.xact_start)) - CASE WHEN bool_or(a.state IS NULL
	    AND a.backend_type = 'client backend') THEN interval '1 minute'
	    ELSE interval '1 second' END
	  FROM pg_stat_activity a
	 WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
	   AND a.backend_type = 'client backend'
$$;

-- Static dimensions that follow small seeded tables: regions and the
-- category tree. Compared in full (a few hundred rows); returns the rows
-- written, 0 when nothing changed.
CREATE FUNCTION dw.etl_static() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	w bigint := 0;
BEGIN
	INSERT INTO dw.dim_region (region_key, code, name_ko, name_en, sort)
	SELECT r.sort, r.code, r.name_ko, r.name_en, r.sort
	  FROM portal.region r
	ON CONFLICT (code) DO UPDATE SET name_ko = excluded.name_ko,
	    name_en = excluded.name_en, sort = excluded.sort
	 WHERE (dim_region.name_ko, dim_region.name_en, dim_region.sort)
	    IS DISTINCT FROM (excluded.name_ko, excluded.name_en, excluded.sort);
	GET DIAGNOSTICS n = ROW_COUNT;
	w := w + n;
	INSERT INTO dw.dim_category (code, level, name_ko, name_en,
	    segment_code, segment_ko, segment_en, family_code, family_ko,
	    family_en, class_code, class_ko, class_en)
	SELECT c.code, c.level, c.name_ko, c.name_en, s.code, s.name_ko,
	    s.name_en, f.code, f.name_ko, f.name_en, k.code, k.name_ko,
	    k.name_en
	  FROM portal.category c
	  JOIN portal.category s ON s.code = substr(c.code, 1, 2) || '000000'
	  LEFT JOIN portal.category f ON c.level >= 2
	   AND f.code = substr(c.code, 1, 4) || '0000'
	  LEFT JOIN portal.category k ON c.level >= 3
	   AND k.code = substr(c.code, 1, 6) || '00'
	ON CONFLICT (code) DO UPDATE SET level = excluded.level,
	    name_ko = excluded.name_ko, name_en = excluded.name_en,
	    segment_code = excluded.segment_code,
	    segment_ko = excluded.segment_ko, segment_en = excluded.segment_en,
	    family_code = excluded.family_code, family_ko = excluded.family_ko,
	    family_en = excluded.family_en, class_code = excluded.class_code,
	    class_ko = excluded.class_ko, class_en = excluded.class_en
	 WHERE (dim_category.level, dim_category.name_ko, dim_category.name_en,
	    dim_category.segment_ko, dim_category.segment_en,
	    dim_category.family_code, dim_category.family_ko,
	    dim_category.family_en, dim_category.class_code,
	    dim_category.class_ko, dim_category.class_en)
	    IS DISTINCT FROM (excluded.level, excluded.name_ko,
	    excluded.name_en, excluded.segment_ko, excluded.segment_en,
	    excluded.family_code, excluded.family_ko, excluded.family_en,
	    excluded.class_code, excluded.class_ko, excluded.class_en);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN w + n;
END $$;

-- Type-2 maintenance of the agency and supplier dimensions for a set of
-- organisations, from their current state in portal.org. A change of a
-- tracked attribute closes the current row at the organisation's
-- updated_at and opens a new one; an organisation seen for the first time
-- gets a row valid since -infinity (facts older than its first load find
-- it). Type-1 attributes are overwritten in every row. Returns the rows
-- written.
CREATE FUNCTION dw.etl_orgs(p_ids bigint[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_changed bigint[];
	n bigint;
	w bigint := 0;
BEGIN
	-- Agencies.
	WITH c AS (
		UPDATE dw.dim_agency d SET valid_to = greatest(o.updated_at,
		    d.valid_from + interval '1 microsecond'), is_current = false
		  FROM portal.org o JOIN dw.dim_region r ON r.code = o.region
		 WHERE o.id = ANY (p_ids) AND o.kind = 'agency'
		   AND d.org_id = o.id AND d.is_current
		   AND (d.agency_kind, d.region_key) IS DISTINCT FROM
		       (o.agency_kind, r.region_key)
		RETURNING d.org_id)
	SELECT coalesce(array_agg(org_id), '{}') INTO v_changed FROM c;
	w := w + cardinality(v_changed);
	INSERT INTO dw.dim_agency (org_id, agency_code, name, agency_kind,
	    region_key, valid_from)
	SELECT o.id, o.agency_code, o.name, o.agency_kind, r.region_key,
	    CASE WHEN o.id = ANY (v_changed) THEN (SELECT max(valid_to)
		FROM dw.dim_agency x WHERE x.org_id = o.id)
		ELSE '-infinity' END
	  FROM portal.org o JOIN dw.dim_region r ON r.code = o.region
	 WHERE o.id = ANY (p_ids) AND o.kind = 'agency'
	   AND NOT EXISTS (SELECT 1 FROM dw.dim_agency d
		WHERE d.org_id = o.id AND d.is_current);
	GET DIAGNOSTICS n = ROW_COUNT;
	w := w + n;
	UPDATE dw.dim_agency d SET name = o.name
	  FROM portal.org o
	 WHERE o.id = ANY (p_ids) AND d.org_id = o.id AND d.name <> o.name;
	GET DIAGNOSTICS n = ROW_COUNT;
	w := w + n;

	-- Suppliers.
	WITH c AS (
		UPDATE dw.dim_supplier d SET valid_to = greatest(o.updated_at,
		    d.valid_from + interval '1 microsecond'), is_current = false
		  FROM portal.org o JOIN dw.dim_region r ON r.code = o.region
		 WHERE o.id = ANY (p_ids) AND o.kind = 'supplier'
		   AND d.org_id = o.id AND d.is_current
		   AND (d.biz_type, d.region_key) IS DISTINCT FROM
		       (o.biz_type, r.region_key)
		RETURNING d.org_id)
	SELECT coalesce(array_agg(org_id), '{}') INTO v_changed FROM c;
	w := w + cardinality(v_changed);
	INSERT INTO dw.dim_supplier (org_id, bizno, name, status, biz_type,
	    region_key, valid_from)
	SELECT o.id, o.bizno, o.name, o.status, o.biz_type, r.region_key,
	    CASE WHEN o.id = ANY (v_changed) THEN (SELECT max(valid_to)
		FROM dw.dim_supplier x WHERE x.org_id = o.id)
		ELSE '-infinity' END
	  FROM portal.org o JOIN dw.dim_region r ON r.code = o.region
	 WHERE o.id = ANY (p_ids) AND o.kind = 'supplier'
	   AND NOT EXISTS (SELECT 1 FROM dw.dim_supplier d
		WHERE d.org_id = o.id AND d.is_current);
	GET DIAGNOSTICS n = ROW_COUNT;
	w := w + n;
	UPDATE dw.dim_supplier d SET name = o.name, status = o.status
	  FROM portal.org o
	 WHERE o.id = ANY (p_ids) AND d.org_id = o.id
	   AND (d.name, d.status) IS DISTINCT FROM (o.name, o.status);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN w + n;
END $$;

-- Load the facts of a set of notices from their current live state.
-- Every write is an upsert that skips identical rows, so reloading a
-- notice writes nothing unless it changed. Only bidding.bid_result rows
-- are read for bids: they exist only after the opening. Returns rows read
-- and rows written.
CREATE FUNCTION dw.etl_notices(p_ids bigint[], OUT rows_read bigint,
    OUT rows_written bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_orgs bigint[];
	n bigint;
BEGIN
	rows_read := 0;
	rows_written := 0;
	-- The opened bids of these notices, read once.
	IF to_regclass('pg_temp.etl_b') IS NULL THEN
		CREATE TEMP TABLE etl_b (bid_id bigint, notice_id bigint,
		    org_id bigint, received_at timestamptz, amount bigint,
		    ratio_milli int, valid boolean, excluded boolean, rank int,
		    review text) ON COMMIT DELETE ROWS;
	END IF;
	TRUNCATE etl_b;
	INSERT INTO etl_b
	SELECT r.bid_id, r.notice_id, b.org_id, b.received_at, r.amount,
	    r.ratio_milli, r.valid, r.excluded, r.rank, r.review
	  FROM bidding.bid_result r
	  JOIN bidding.bid b ON b.id = r.bid_id AND b.notice_id = r.notice_id
	 WHERE r.notice_id = ANY (p_ids) AND b.notice_id = ANY (p_ids)
	   AND b.status = 'opened';
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_read := rows_read + n;
	ANALYZE etl_b;

	-- Late-arriving dimension members: organisations these notices
	-- reference that the warehouse has not seen yet (changed after the
	-- horizon of the organisation phase).
	SELECT coalesce(array_agg(DISTINCT x), '{}') INTO v_orgs FROM (
		SELECT n.agency_id AS x FROM bidding.notice n
		 WHERE n.id = ANY (p_ids)
		   AND NOT EXISTS (SELECT 1 FROM dw.dim_agency d
			WHERE d.org_id = n.agency_id)
		UNION ALL
		SELECT DISTINCT b.org_id FROM etl_b b
		 WHERE NOT EXISTS (SELECT 1 FROM dw.dim_supplier d
			WHERE d.org_id = b.org_id)) s;
	IF cardinality(v_orgs) > 0 THEN
		rows_written := rows_written + dw.etl_orgs(v_orgs);
	END IF;

	-- The notices, their current order and their opening, once.
	IF to_regclass('pg_temp.etl_n') IS NULL THEN
	CREATE TEMP TABLE etl_n (
		notice_id bigint PRIMARY KEY, notice_no text, status text,
		outcome text, orders int, is_renotice boolean,
		published_at timestamptz, bid_close timestamptz,
		opening_at timestamptz, opened_at timestamptz,
		awarded_at timestamptz, agency_key int, region_key smallint,
		region_limit_key smallint, category_key int,
		family_key smallint, contract_method_key smallint,
		award_method_key smallint, base_amount bigint, budget bigint,
		floor_rate_milli int, bids int, valid_bids int,
		ranked_bids int, planned bigint, floor_amount bigint,
		award_amount bigint, award_ratio_milli int, winner_org bigint,
		winner_bid bigint) ON COMMIT DELETE ROWS;
	END IF;
	TRUNCATE etl_n;
	INSERT INTO etl_n
	SELECT n.id, n.notice_no, n.status, n.outcome, n.cur_ord,
	    n.renotice_of IS NOT NULL, f.published_at, v.bid_close,
	    v.opening_at, n.opened_at, c.awarded_at, a.agency_key,
	    a.region_key, rl.region_key, cat.category_key, fam.family_key,
	    cm.contract_method_key, am.award_method_key, v.base_amount,
	    v.budget, v.floor_rate_milli, o.bids,
	    coalesce(vb.valid_bids, 0), o.ranked, o.planned,
	    o.floor_amount, c.amount, wr.ratio_milli, c.supplier_id, c.bid_id
	  FROM bidding.notice n
	  JOIN bidding.notice_version v ON v.notice_id = n.id
	   AND v.ord = n.cur_ord
	  JOIN bidding.notice_version f ON f.notice_id = n.id AND f.ord = 1
	  JOIN dw.dim_agency a ON a.org_id = n.agency_id
	   AND f.published_at >= a.valid_from AND f.published_at < a.valid_to
	  LEFT JOIN dw.dim_region rl ON rl.code = v.region_limit
	  JOIN dw.dim_category cat ON cat.code = (SELECT i.code
		FROM bidding.notice_item i WHERE i.notice_id = n.id
		AND i.ord = n.cur_ord ORDER BY i.line LIMIT 1)
	  JOIN dw.dim_family fam ON fam.code = v.family
	  JOIN dw.dim_contract_method cm ON cm.code = v.contract_method
	  JOIN dw.dim_award_method am ON am.code = v.award_method
	  LEFT JOIN bidding.opening o ON o.notice_id = n.id
	  LEFT JOIN bidding.contract c ON c.notice_id = n.id
	  LEFT JOIN bidding.bid_result wr ON wr.bid_id = c.bid_id
	  LEFT JOIN (SELECT r.notice_id, count(*) FILTER (WHERE r.valid)
		AS valid_bids FROM etl_b r GROUP BY r.notice_id) vb
	    ON vb.notice_id = n.id
	 WHERE n.id = ANY (p_ids) AND n.status <> 'draft';
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_read := rows_read + n;
	IF n < (SELECT count(*) FROM bidding.notice x WHERE x.id = ANY (p_ids)
	    AND x.status <> 'draft') THEN
		RAISE EXCEPTION 'dw: a notice in ids % has no agency row, first item or published order', p_ids
		    USING ERRCODE = 'data_exception';
	END IF;

	INSERT INTO dw.fact_notice AS t (notice_id, notice_no,
	    publish_date_key, close_date_key, opening_date_key,
	    opened_date_key, award_date_key, agency_key, region_key,
	    region_limit_key, category_key, family_key, contract_method_key,
	    award_method_key, status, outcome, orders, is_renotice,
	    base_amount, budget, floor_rate_milli, bids, ranked_bids, planned,
	    award_amount, award_ratio_milli, days_to_award)
	SELECT e.notice_id, e.notice_no, dw.date_key(e.published_at),
	    dw.date_key(e.bid_close), dw.date_key(e.opening_at),
	    dw.date_key(e.opened_at), dw.date_key(e.awarded_at), e.agency_key,
	    e.region_key, e.region_limit_key, e.category_key, e.family_key,
	    e.contract_method_key, e.award_method_key, e.status, e.outcome,
	    e.orders, e.is_renotice, e.base_amount, e.budget,
	    e.floor_rate_milli, e.bids, e.ranked_bids, e.planned,
	    e.award_amount, e.award_ratio_milli,
	    round(extract(epoch FROM e.awarded_at - e.published_at) / 86400, 3)
	  FROM etl_n e
	ON CONFLICT (notice_id) DO UPDATE SET notice_no = excluded.notice_no,
	    publish_date_key = excluded.publish_date_key,
	    close_date_key = excluded.close_date_key,
	    opening_date_key = excluded.opening_date_key,
	    opened_date_key = excluded.opened_date_key,
	    award_date_key = excluded.award_date_key,
	    agency_key = excluded.agency_key, region_key = excluded.region_key,
	    region_limit_key = excluded.region_limit_key,
	    category_key = excluded.category_key,
	    family_key = excluded.family_key,
	    contract_method_key = excluded.contract_method_key,
	    award_method_key = excluded.award_method_key,
	    status = excluded.status, outcome = excluded.outcome,
	    orders = excluded.orders, is_renotice = excluded.is_renotice,
	    base_amount = excluded.base_amount, budget = excluded.budget,
	    floor_rate_milli = excluded.floor_rate_milli,
	    bids = excluded.bids, ranked_bids = excluded.ranked_bids,
	    planned = excluded.planned, award_amount = excluded.award_amount,
	    award_ratio_milli = excluded.award_ratio_milli,
	    days_to_award = excluded.days_to_award
	 WHERE t IS DISTINCT FROM excluded;
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_written := rows_written + n;

	INSERT INTO dw.fact_opening AS t (notice_id, opened_date_key,
	    award_date_key, agency_key, region_key, category_key, family_key,
	    contract_method_key, award_method_key, winner_key, outcome, bids,
	    valid_bids, ranked_bids, base_amount, planned,
	    planned_ratio_milli, floor_rate_milli, floor_amount, award_amount,
	    award_ratio_milli, days_to_open, days_to_award)
	SELECT e.notice_id, dw.date_key(e.opened_at), dw.date_key(e.awarded_at),
	    e.agency_key, e.region_key, e.category_key, e.family_key,
	    e.contract_method_key, e.award_method_key, s.supplier_key,
	    e.outcome, e.bids, e.valid_bids, e.ranked_bids, e.base_amount,
	    e.planned, round(e.planned * 100000.0 / e.base_amount)::int,
	    e.floor_rate_milli, e.floor_amount, e.award_amount,
	    e.award_ratio_milli,
	    round(extract(epoch FROM e.opened_at - e.published_at) / 86400, 3),
	    round(extract(epoch FROM e.awarded_at - e.published_at) / 86400, 3)
	  FROM etl_n e
	  LEFT JOIN dw.dim_supplier s ON s.org_id = e.winner_org
	   AND e.awarded_at >= s.valid_from AND e.awarded_at < s.valid_to
	 WHERE e.opened_at IS NOT NULL
	ON CONFLICT (notice_id) DO UPDATE SET
	    opened_date_key = excluded.opened_date_key,
	    award_date_key = excluded.award_date_key,
	    agency_key = excluded.agency_key, region_key = excluded.region_key,
	    category_key = excluded.category_key,
	    family_key = excluded.family_key,
	    contract_method_key = excluded.contract_method_key,
	    award_method_key = excluded.award_method_key,
	    winner_key = excluded.winner_key, outcome = excluded.outcome,
	    bids = excluded.bids, valid_bids = excluded.valid_bids,
	    ranked_bids = excluded.ranked_bids,
	    base_amount = excluded.base_amount, planned = excluded.planned,
	    planned_ratio_milli = excluded.planned_ratio_milli,
	    floor_rate_milli = excluded.floor_rate_milli,
	    floor_amount = excluded.floor_amount,
	    award_amount = excluded.award_amount,
	    award_ratio_milli = excluded.award_ratio_milli,
	    days_to_open = excluded.days_to_open,
	    days_to_award = excluded.days_to_award
	 WHERE t IS DISTINCT FROM excluded;
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_written := rows_written + n;

	IF EXISTS (SELECT 1 FROM etl_b r WHERE NOT EXISTS (SELECT 1
	    FROM dw.dim_supplier s WHERE s.org_id = r.org_id
	    AND r.received_at >= s.valid_from AND r.received_at < s.valid_to))
	    THEN
		RAISE EXCEPTION 'dw: an opened bid of notices % has no supplier row', p_ids
		    USING ERRCODE = 'data_exception';
	END IF;
	INSERT INTO dw.fact_bid AS t (bid_id, notice_id, bid_date_key,
	    opened_date_key, supplier_key, supplier_region_key, agency_key,
	    category_key, family_key, contract_method_key, award_method_key,
	    amount, ratio_milli, valid, below_floor, rank, is_winner, review)
	SELECT r.bid_id, r.notice_id, dw.date_key(r.received_at),
	    dw.date_key(e.opened_at), s.supplier_key, s.region_key,
	    e.agency_key, e.category_key, e.family_key,
	    e.contract_method_key, e.award_method_key, r.amount,
	    r.ratio_milli, r.valid, r.excluded, r.rank,
	    r.bid_id IS NOT DISTINCT FROM e.winner_bid, r.review
	  FROM etl_b r
	  JOIN etl_n e ON e.notice_id = r.notice_id
	  JOIN dw.dim_supplier s ON s.org_id = r.org_id
	   AND r.received_at >= s.valid_from AND r.received_at < s.valid_to
	ON CONFLICT (bid_id) DO UPDATE SET notice_id = excluded.notice_id,
	    bid_date_key = excluded.bid_date_key,
	    opened_date_key = excluded.opened_date_key,
	    supplier_key = excluded.supplier_key,
	    supplier_region_key = excluded.supplier_region_key,
	    agency_key = excluded.agency_key,
	    category_key = excluded.category_key,
	    family_key = excluded.family_key,
	    contract_method_key = excluded.contract_method_key,
	    award_method_key = excluded.award_method_key,
	    amount = excluded.amount, ratio_milli = excluded.ratio_milli,
	    valid = excluded.valid, below_floor = excluded.below_floor,
	    rank = excluded.rank, is_winner = excluded.is_winner,
	    review = excluded.review
	 WHERE t IS DISTINCT FROM excluded;
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_written := rows_written + n;

	INSERT INTO dw.fact_contract AS t (contract_id, contract_no, notice_id,
	    award_date_key, start_date_key, end_date_key, agency_key,
	    agency_region_key, supplier_key, supplier_region_key,
	    category_key, family_key, contract_method_key, award_method_key,
	    status, amount, base_amount, planned, award_ratio_milli,
	    days_to_award)
	SELECT c.id, c.contract_no, c.notice_id, dw.date_key(c.awarded_at),
	    to_char(c.starts, 'YYYYMMDD')::int, to_char(c.ends, 'YYYYMMDD')::int,
	    a.agency_key, a.region_key, s.supplier_key, s.region_key,
	    e.category_key, e.family_key, e.contract_method_key,
	    e.award_method_key, c.status, c.amount, e.base_amount, e.planned,
	    e.award_ratio_milli,
	    round(extract(epoch FROM c.awarded_at - e.published_at) / 86400, 3)
	  FROM etl_n e
	  JOIN bidding.contract c ON c.notice_id = e.notice_id
	  JOIN dw.dim_agency a ON a.org_id = c.agency_id
	   AND c.awarded_at >= a.valid_from AND c.awarded_at < a.valid_to
	  JOIN dw.dim_supplier s ON s.org_id = c.supplier_id
	   AND c.awarded_at >= s.valid_from AND c.awarded_at < s.valid_to
	ON CONFLICT (contract_id) DO UPDATE SET
	    contract_no = excluded.contract_no, notice_id = excluded.notice_id,
	    award_date_key = excluded.award_date_key,
	    start_date_key = excluded.start_date_key,
	    end_date_key = excluded.end_date_key,
	    agency_key = excluded.agency_key,
	    agency_region_key = excluded.agency_region_key,
	    supplier_key = excluded.supplier_key,
	    supplier_region_key = excluded.supplier_region_key,
	    category_key = excluded.category_key,
	    family_key = excluded.family_key,
	    contract_method_key = excluded.contract_method_key,
	    award_method_key = excluded.award_method_key,
	    status = excluded.status, amount = excluded.amount,
	    base_amount = excluded.base_amount, planned = excluded.planned,
	    award_ratio_milli = excluded.award_ratio_milli,
	    days_to_award = excluded.days_to_award
	 WHERE t IS DISTINCT FROM excluded;
	GET DIAGNOSTICS n = ROW_COUNT;
	rows_written := rows_written + n;
	rows_read := rows_read + (SELECT count(*) FROM etl_n e
	    WHERE e.opened_at IS NOT NULL) +
	    (SELECT count(*) FROM etl_n e WHERE e.winner_bid IS NOT NULL);
END $$;

-- Open a run: close runs left 'running' by a driver that died, refresh
-- the static dimensions, and return the run id for dw.etl_run.
CREATE FUNCTION dw.etl_begin(p_trigger text DEFAULT 'cli') RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_w bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7242500);
	UPDATE dw.etl_log l SET status = 'aborted', finished_at = clock_timestamp(),
	    error = coalesce(l.error, 'driver ended without closing the run')
	 WHERE l.status = 'running' AND NOT EXISTS (SELECT 1
		FROM pg_stat_activity a WHERE a.pid = l.pid
		AND a.backend_start < l.started_at);
	v_w := dw.etl_static();
	INSERT INTO dw.etl_log (trigger, rows_written)
	VALUES (p_trigger, v_w) RETURNING id INTO v_id;
	RETURN v_id;
END $$;

-- ONE batch of the incremental load, in the caller's transaction (so a
-- batch commits or rolls back whole, watermark included). Phases, in
-- order: organisations changed since their watermark (type-2 dimensions),
-- then notices changed since theirs (facts). A batch is up to p_batch
-- source rows of one phase (for notices: p_batch notices, each with its
-- opening, bids and contract). Rows are read in (updated_at, id) order
-- strictly after the watermark and before dw.etl_horizon(); the
-- watermark moves to the last row read. Returns more = false when nothing
-- was left. Concurrent callers serialise on an advisory lock. p_run, if
-- given, is the dw.etl_log row the counts are added to.
CREATE FUNCTION dw.etl_run(p_batch int, p_run bigint DEFAULT NULL)
RETURNS TABLE (more boolean, phase text, rows_read bigint,
    rows_written bigint, horizon timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
	wm dw.etl_watermark;
	v_ids bigint[];
	v_ts timestamptz[];
	v_n int;
	r record;
BEGIN
	IF p_batch IS NULL OR p_batch < 1 OR p_batch > 1000000 THEN
		RAISE EXCEPTION 'dw.etl_run: batch size must be 1..1000000'
		    USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM pg_advisory_xact_lock(7242500);
	horizon := dw.etl_horizon();
	rows_read := 0;
	rows_written := 0;

	SELECT * INTO wm FROM dw.etl_watermark w WHERE w.source = 'portal.org'
	   FOR UPDATE;
	SELECT array_agg(x.id ORDER BY x.updated_at, x.id),
	    array_agg(x.updated_at ORDER BY x.updated_at, x.id), count(*)
	  INTO v_ids, v_ts, v_n
	  FROM (SELECT o.id, o.updated_at FROM portal.org o
		 WHERE (o.updated_at, o.id) > (wm.ts, wm.id)
		   AND o.updated_at < horizon
		 ORDER BY o.updated_at, o.id LIMIT p_batch) x;
	IF v_n > 0 THEN
		phase := 'orgs';
		rows_read := v_n;
		rows_written := dw.etl_orgs(v_ids);
		UPDATE dw.etl_watermark w SET ts = v_ts[v_n], id = v_ids[v_n],
		    moved_at = clock_timestamp() WHERE w.source = 'portal.org';
		more := true;
	ELSE
		SELECT * INTO wm FROM dw.etl_watermark w
		 WHERE w.source = 'bidding.notice' FOR UPDATE;
		SELECT array_agg(x.id ORDER BY x.updated_at, x.id),
		    array_agg(x.updated_at ORDER BY x.updated_at, x.id),
		    count(*) INTO v_ids, v_ts, v_n
		  FROM (SELECT n.id, n.updated_at FROM bidding.notice n
			 WHERE (n.updated_at, n.id) > (wm.ts, wm.id)
			   AND n.updated_at < horizon
			 ORDER BY n.updated_at, n.id LIMIT p_batch) x;
		phase := 'notices';
		more := v_n = p_batch;
		IF v_n > 0 THEN
			SELECT * INTO r FROM dw.etl_notices(v_ids);
			rows_read := v_n + r.rows_read;
			rows_written := r.rows_written;
			UPDATE dw.etl_watermark w SET ts = v_ts[v_n],
			    id = v_ids[v_n], moved_at = clock_timestamp()
			 WHERE w.source = 'bidding.notice';
		END IF;
	END IF;
	IF p_run IS NOT NULL THEN
		UPDATE dw.etl_log l SET batches = l.batches + 1,
		    rows_read = l.rows_read + etl_run.rows_read,
		    rows_written = l.rows_written + etl_run.rows_written,
		    horizon = etl_run.horizon
		 WHERE l.id = p_run;
	END IF;
	RETURN NEXT;
END $$;

-- Close a run: 'ok' without an error, else 'failed' with it.
CREATE FUNCTION dw.etl_end(p_run bigint, p_error text DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
	UPDATE dw.etl_log SET finished_at = clock_timestamp(),
	    status = CASE WHEN p_error IS NULL THEN 'ok' ELSE 'failed' END,
	    error = p_error
	 WHERE id = p_run AND status = 'running'
$$;
