-- dw.etl_horizon in the warehouse-in-the-live-database layout ignored the
-- sessions its role may not see: without pg_read_all_stats, another role's
-- session shows neither its backend type nor its transaction start, so a
-- writer that started before the horizon could commit rows the load had
-- already passed, and they were never loaded. Such a session now makes the
-- horizon lag one minute, as the linked layout (004_dw_link.sql) does;
-- give the load's role pg_read_all_stats for an exact horizon (conf/pg.sh
-- does for the local cluster). Otherwise as in 004_dw_link.sql.
CREATE OR REPLACE FUNCTION dw.etl_horizon() RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
	h timestamptz;
BEGIN
	IF to_regclass('dw_live.activity') IS NULL THEN
		SELECT least(now(), min(a.xact_start)) - CASE WHEN
		    bool_or(a.backend_type IS NULL OR (a.state IS NULL AND
		    a.backend_type = 'client backend'))
		    THEN interval '1 minute' ELSE interval '1 second' END
		  INTO h
		  FROM pg_stat_activity a
		 WHERE a.datname = current_database()
		   AND a.pid <> pg_backend_pid()
		   AND (a.backend_type = 'client backend' OR
		    a.backend_type IS NULL);
		RETURN coalesce(h, now() - interval '1 second');
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
