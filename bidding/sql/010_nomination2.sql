-- Nominee look-ups by registration number use portal.org's unique bizno
-- index: bizno is char(10), and comparing it with text casts the column
-- (a sequential scan of every organisation per nominee check, 430,000
-- suppliers in the real system). The numbers are cast to bpchar instead.
-- Otherwise as in 008_nomination.sql.

CREATE OR REPLACE FUNCTION bidding.nominee_problems(p_biznos text[])
RETURNS TABLE (bizno text, problem text) LANGUAGE sql STABLE AS $$
	SELECT x.b, CASE WHEN o.id IS NULL THEN 'unknown'
	    WHEN o.kind <> 'supplier' THEN 'not_supplier'
	    ELSE 'not_approved' END
	  FROM (SELECT b, min(i) AS i FROM unnest(p_biznos)
		WITH ORDINALITY AS u(b, i) GROUP BY b) x
	  LEFT JOIN portal.org o ON o.bizno = x.b::bpchar
	 WHERE o.id IS NULL OR o.kind <> 'supplier' OR o.status <> 'approved'
	 ORDER BY x.i
$$;

CREATE OR REPLACE FUNCTION bidding.nominees_put(p_notice bigint, p_ord int,
    p_biznos text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM bidding.nominee_problems(p_biznos)) THEN
		RAISE EXCEPTION 'notice % order %: a nominee is not an approved '
		    'supplier', p_notice, p_ord USING ERRCODE = 'check_violation';
	END IF;
	INSERT INTO bidding.notice_nominee (notice_id, ord, org_id)
	SELECT DISTINCT p_notice, p_ord, o.id FROM portal.org o
	 WHERE o.bizno = ANY (p_biznos::bpchar[]);
END $$;
