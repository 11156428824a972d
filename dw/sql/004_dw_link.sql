-- The warehouse on its own database (G2B_DW_DB): when the live tables are
-- foreign tables (dw/dwlink.c imports them over postgres_fdw), the horizon
-- must come from the live server's sessions, not the warehouse's.
--
-- dw_live.activity is pg_stat_activity of the live server on its own
-- foreign server (g2b_live_stat), hence its own remote transaction: it is
-- read first in a batch, before any live data, so the data snapshot
-- (taken at the batch's first read on g2b_live) is later than the
-- activity read and every transaction that started before the horizon
-- has either committed before that snapshot or is still listed. The
-- reading connection itself is listed (it is inside a transaction), which
-- keeps the bound at or below the live server's clock.
--
-- (The same-database branch is 001's function as it was. Note that in
-- PostgreSQL 15 a session hidden from the caller has a NULL backend_type,
-- so its "state IS NULL AND backend_type = 'client backend'" test never
-- fires: grant pg_read_all_stats to the load's role.)
CREATE OR REPLACE FUNCTION dw.etl_horizon() RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h timestamptz;
BEGIN
	IF to_regclass('dw_live.activity') IS NULL THEN
		SELECT least(now(), min(a.xact_start)) - CASE WHEN
		    bool_or(a.state IS NULL AND a.backend_type = 'client backend')
		    THEN interval '1 minute' ELSE interval '1 second' END
		  INTO h
		  FROM pg_stat_activity a
		 WHERE a.datname = current_database()
		   AND a.pid <> pg_backend_pid()
		   AND a.backend_type = 'client backend';
		RETURN h;
	END IF;
	-- A session the link's role may not see (another role's, without
	-- pg_read_all_stats) shows neither its backend type nor its
	-- transaction start: lag one minute behind the visible ones then.
	SELECT min(a.xact_start) - CASE WHEN bool_or(a.backend_type IS NULL)
	    THEN interval '1 minute' ELSE interval '1 second' END
	  INTO h
	  FROM dw_live.activity a
	 WHERE a.datname = (SELECT l.dbname FROM dw_live.link l)
	   AND (a.backend_type = 'client backend' OR a.backend_type IS NULL);
	IF h IS NULL THEN
		RAISE EXCEPTION 'dw: the live server lists no session (not even this one): cannot bound the load'
		    USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	RETURN h;
END $$;
