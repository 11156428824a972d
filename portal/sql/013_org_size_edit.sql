-- A supplier states or changes its company size (기업 규모, 012_org_size.sql)
-- on its profile page (portal/account.c), with the other profile fields.
--
-- portal.supplier_update with two more parameters: p_size is the class or
-- NULL for "not stated"; p_size_given says whether the form carried the
-- field at all (false: the size is left as it is, so a client that does not
-- know the field cannot clear it). Same rules as the 13-argument version
-- (002_registration.sql), which stays for callers without the size: every
-- changed field, the size included, is in one 'org.update' audit row; any
-- change bumps updated_at (the warehouse reads changes by it and keeps the
-- size as type-2 history); a rejected supplier that edits goes back to the
-- review queue. Returns 'ok', 'unchanged', 'not_found', 'bad_category' or
-- 'bad_size' (nothing is changed on the last three).
CREATE FUNCTION portal.supplier_update(p_user bigint, p_org bigint,
    p_name text, p_rep text, p_address text, p_region text, p_biz_type text,
    p_licences text[], p_contact text, p_email text, p_phone text,
    p_categories text[], p_ip inet, p_size text, p_size_given boolean)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	o portal.org;
	v_size text;
	v_old text[];
	v_new text[];
	v_diff jsonb := '{}';
BEGIN
	SELECT * INTO o FROM portal.org WHERE id = p_org AND kind = 'supplier'
	   FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF p_size_given THEN
		v_size := p_size;
	ELSE
		v_size := o.size_class;
	END IF;
	IF v_size IS NOT NULL AND v_size NOT IN
	    ('large', 'midsize', 'sme', 'small', 'micro') THEN
		RETURN 'bad_size';
	END IF;
	IF (SELECT count(*) FROM portal.category c
	     WHERE c.code = ANY (p_categories)) <>
	   cardinality(ARRAY(SELECT DISTINCT unnest(p_categories))) THEN
		RETURN 'bad_category';
	END IF;
	SELECT coalesce(array_agg(code::text ORDER BY code), '{}') INTO v_old
	  FROM portal.org_category WHERE org_id = p_org;
	SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}') INTO v_new
	  FROM unnest(p_categories) c;
	IF o.name IS DISTINCT FROM p_name THEN
		v_diff := v_diff || jsonb_build_object('name', jsonb_build_array(o.name, p_name)); END IF;
	IF o.representative IS DISTINCT FROM p_rep THEN
		v_diff := v_diff || jsonb_build_object('representative', jsonb_build_array(o.representative, p_rep)); END IF;
	IF o.address IS DISTINCT FROM p_address THEN
		v_diff := v_diff || jsonb_build_object('address', jsonb_build_array(o.address, p_address)); END IF;
	IF o.region IS DISTINCT FROM p_region THEN
		v_diff := v_diff || jsonb_build_object('region', jsonb_build_array(o.region, p_region)); END IF;
	IF o.biz_type IS DISTINCT FROM p_biz_type THEN
		v_diff := v_diff || jsonb_build_object('biz_type', jsonb_build_array(o.biz_type, p_biz_type)); END IF;
	IF o.size_class IS DISTINCT FROM v_size THEN
		v_diff := v_diff || jsonb_build_object('size_class', jsonb_build_array(o.size_class, v_size)); END IF;
	IF o.licences IS DISTINCT FROM p_licences THEN
		v_diff := v_diff || jsonb_build_object('licences', jsonb_build_array(to_jsonb(o.licences), to_jsonb(p_licences))); END IF;
	IF o.contact_name IS DISTINCT FROM p_contact THEN
		v_diff := v_diff || jsonb_build_object('contact_name', jsonb_build_array(o.contact_name, p_contact)); END IF;
	IF o.email IS DISTINCT FROM p_email THEN
		v_diff := v_diff || jsonb_build_object('email', jsonb_build_array(o.email, p_email)); END IF;
	IF o.phone IS DISTINCT FROM p_phone THEN
		v_diff := v_diff || jsonb_build_object('phone', jsonb_build_array(o.phone, p_phone)); END IF;
	IF v_old IS DISTINCT FROM v_new THEN
		v_diff := v_diff || jsonb_build_object('categories', jsonb_build_array(to_jsonb(v_old), to_jsonb(v_new))); END IF;
	IF v_diff = '{}' THEN
		RETURN 'unchanged';
	END IF;
	UPDATE portal.org SET name = p_name, representative = p_rep,
	    address = p_address, region = p_region, biz_type = p_biz_type,
	    size_class = v_size, licences = p_licences,
	    contact_name = p_contact, email = p_email, phone = p_phone,
	    updated_at = now(),
	    status = CASE WHEN status = 'rejected' THEN 'pending' ELSE status END
	 WHERE id = p_org;
	DELETE FROM portal.org_category WHERE org_id = p_org;
	INSERT INTO portal.org_category (org_id, code)
	SELECT p_org, unnest(v_new);
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, p_org, 'org.update', p_ip, v_diff);
	IF o.status = 'rejected' THEN
		INSERT INTO portal.audit (actor, org_id, event, ip)
		VALUES (p_user, p_org, 'org.resubmit', p_ip);
		INSERT INTO portal.notification (user_id, msg_key, args, link)
		SELECT u.id, 'notif.new_registration', ARRAY[p_name],
		    '/admin/suppliers/' || p_org
		  FROM portal.users u WHERE u.role = 'staff' AND u.active;
	END IF;
	RETURN 'ok';
END $$;
