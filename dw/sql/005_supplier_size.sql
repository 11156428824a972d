-- Supplier size (portal.org.size_class, portal/sql/012_org_size.sql) in the
-- supplier dimension, type 2 like region and business type: a supplier
-- whose size class changes (e.g. grows from 소기업 to 중소기업) gets a new
-- row from its updated_at, so an award counts in the class the supplier
-- had when it won. NULL in the live table (not stated) is 'unknown'.
-- Codes: large 대기업, midsize 중견기업, sme 중소기업, small 소기업,
-- micro 소상공인, unknown.
CREATE OR REPLACE FUNCTION dw.etl_orgs(p_ids bigint[]) RETURNS bigint
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
		   AND (d.biz_type, d.region_key, d.size_class) IS DISTINCT FROM
		       (o.biz_type, r.region_key, coalesce(o.size_class, 'unknown'))
		RETURNING d.org_id)
	SELECT coalesce(array_agg(org_id), '{}') INTO v_changed FROM c;
	w := w + cardinality(v_changed);
	INSERT INTO dw.dim_supplier (org_id, bizno, name, status, biz_type,
	    size_class, region_key, valid_from)
	SELECT o.id, o.bizno, o.name, o.status, o.biz_type,
	    coalesce(o.size_class, 'unknown'), r.region_key,
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
