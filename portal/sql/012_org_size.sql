-- Supplier size class (기업 규모), for the share of awards by supplier size
-- (issue 5) and the warehouse's supplier dimension (type 2):
--   large    대기업
--   midsize  중견기업
--   sme      중소기업 (medium, 중기업)
--   small    소기업
--   micro    소상공인
-- Optional: NULL is "not stated" (organisations registered before this
-- column, agencies). The registration form offers it (portal/register.c).
ALTER TABLE portal.org ADD COLUMN size_class text
    CHECK (size_class IN ('large', 'midsize', 'sme', 'small', 'micro'));

-- Registration with the size: the 15-argument registration, then the
-- size on the organisation it created, in the same transaction. A replayed
-- form (same nonce) finds the organisation and changes nothing that is set.
CREATE FUNCTION portal.supplier_register(p_nonce text, p_bizno text,
    p_name text, p_rep text, p_address text, p_region text, p_biz_type text,
    p_licences text[], p_contact text, p_email text, p_phone text,
    p_categories text[], p_login text, p_pwhash text, p_ip inet,
    p_size text)
RETURNS TABLE (status text, org_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	SELECT * INTO r FROM portal.supplier_register(p_nonce, p_bizno, p_name,
	    p_rep, p_address, p_region, p_biz_type, p_licences, p_contact,
	    p_email, p_phone, p_categories, p_login, p_pwhash, p_ip) x;
	IF r.status = 'ok' AND p_size IS NOT NULL THEN
		UPDATE portal.org o SET size_class = p_size
		 WHERE o.id = r.org_id AND o.size_class IS NULL;
	END IF;
	RETURN QUERY SELECT r.status, r.org_id;
END $$;
