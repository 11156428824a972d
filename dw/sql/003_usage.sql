-- The warehouse's view of portal use (issue 6 feeds issue 5): daily facts
-- from the usage schema that build/g2b-logs fills (crm/).
--
-- dw.fact_usage_day: one row per Korean day, method, route and status
--   (from the hourly usage.agg_route): hits, bytes, timed requests and
--   their total time.
-- dw.fact_session_day: one row per Korean day (of the session's start),
--   user type and region (a 2-digit code, or 'unknown'): sessions, bot
--   sessions, pages, total length in seconds, bounces (one page).
--
-- Both are additive sources that an import may still add to, so the load
-- compares each day's totals with the source and rewrites the days that
-- differ, in one transaction: a rerun with nothing new writes nothing.

CREATE TABLE dw.fact_usage_day (
	date_key	int NOT NULL REFERENCES dw.dim_date,
	method		text NOT NULL,
	route		text NOT NULL,
	status		smallint NOT NULL,
	hits		bigint NOT NULL,
	bytes		bigint NOT NULL,
	timed		bigint NOT NULL,
	time_us		bigint NOT NULL,
	PRIMARY KEY (date_key, method, route, status)
);

CREATE TABLE dw.fact_session_day (
	date_key	int NOT NULL REFERENCES dw.dim_date,
	utype		text NOT NULL,
	region		text NOT NULL,
	sessions	bigint NOT NULL,
	bot_sessions	bigint NOT NULL,
	pages		bigint NOT NULL,
	seconds		bigint NOT NULL,
	bounces		bigint NOT NULL,
	PRIMARY KEY (date_key, utype, region)
);

CREATE FUNCTION dw.day_key(t timestamptz) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(t AT TIME ZONE 'Asia/Seoul', 'YYYYMMDD')::int
$$;

-- Load the days whose totals differ; returns the rows written.
CREATE FUNCTION dw.etl_usage() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_days int[];
	v_n bigint := 0;
	v_m bigint;
BEGIN
	PERFORM pg_advisory_xact_lock(7242501);
	-- Requests.
	SELECT coalesce(array_agg(d), '{}') INTO v_days FROM (
		SELECT dw.day_key(hour) AS d, sum(hits) AS h, sum(bytes) AS b
		  FROM usage.agg_route GROUP BY 1
		EXCEPT
		SELECT date_key, sum(hits), sum(bytes)
		  FROM dw.fact_usage_day GROUP BY 1) x
	 WHERE d IN (SELECT date_key FROM dw.dim_date);
	IF cardinality(v_days) > 0 THEN
		DELETE FROM dw.fact_usage_day WHERE date_key = ANY (v_days);
		INSERT INTO dw.fact_usage_day (date_key, method, route, status,
		    hits, bytes, timed, time_us)
		SELECT dw.day_key(hour), method, route, status, sum(hits),
		    sum(bytes), sum(rt_n), sum(rt_sum_us)
		  FROM usage.agg_route
		 WHERE dw.day_key(hour) = ANY (v_days)
		 GROUP BY 1, 2, 3, 4;
		GET DIAGNOSTICS v_m = ROW_COUNT;
		v_n := v_n + v_m;
	END IF;
	-- Sessions (closed ones: an open session is counted once it ends).
	SELECT coalesce(array_agg(d), '{}') INTO v_days FROM (
		SELECT dw.day_key(started) AS d, count(*) AS s, sum(hits) AS p
		  FROM usage.session GROUP BY 1
		EXCEPT
		SELECT date_key, sum(sessions), sum(pages)
		  FROM dw.fact_session_day GROUP BY 1) x
	 WHERE d IN (SELECT date_key FROM dw.dim_date);
	IF cardinality(v_days) > 0 THEN
		DELETE FROM dw.fact_session_day WHERE date_key = ANY (v_days);
		INSERT INTO dw.fact_session_day (date_key, utype, region,
		    sessions, bot_sessions, pages, seconds, bounces)
		SELECT dw.day_key(started), utype,
		    CASE WHEN region ~ '^[0-9]{2}$' THEN region
			ELSE 'unknown' END,
		    count(*), count(*) FILTER (WHERE bot), sum(hits),
		    sum(extract(epoch FROM ended - started))::bigint,
		    count(*) FILTER (WHERE depth <= 1)
		  FROM usage.session
		 WHERE dw.day_key(started) = ANY (v_days)
		 GROUP BY 1, 2, 3;
		GET DIAGNOSTICS v_m = ROW_COUNT;
		v_n := v_n + v_m;
	END IF;
	RETURN v_n;
END $$;
