-- The public home page in one call. A PL/pgSQL function keeps its query
-- plan per connection, so the page does not pay for planning the CTEs on
-- every request (measured: planning was most of the page's database time).
CREATE FUNCTION portal.home_summary()
RETURNS TABLE (part text, name text, kind text, region text, day text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN QUERY
	WITH c AS (SELECT count(*) FILTER (WHERE o.kind = 'agency') AS agencies,
		count(*) FILTER (WHERE o.kind = 'supplier' AND o.status = 'approved')
		    AS suppliers FROM portal.org o),
	a AS (SELECT o.name, o.agency_kind, o.region FROM portal.org o
		WHERE o.kind = 'agency' ORDER BY o.name LIMIT 12),
	s AS (SELECT o.name, o.biz_type, o.region, o.created_at FROM portal.org o
		WHERE o.kind = 'supplier' AND o.status = 'approved'
		ORDER BY o.created_at DESC LIMIT 8)
	SELECT 'c'::text, c.agencies::text, c.suppliers::text, NULL::text,
	    NULL::text FROM c
	UNION ALL SELECT 'a', a.name, a.agency_kind, a.region::text, NULL FROM a
	UNION ALL SELECT 's', s.name, s.biz_type, s.region::text,
	    to_char(s.created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') FROM s;
END $$;
