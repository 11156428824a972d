-- Registration and review of organisations, staff-managed agencies and users.

-- Supplier self-registration (조달업체 등록). Creates a pending organisation,
-- its categories and its first user in one transaction. The form nonce makes
-- a double submit return the first result instead of a second organisation.
-- Returns (status, org_id): status is 'ok', 'dup_bizno', 'dup_login' or
-- 'bad_category'.
CREATE FUNCTION portal.supplier_register(p_nonce text, p_bizno text,
    p_name text, p_rep text, p_address text, p_region text, p_biz_type text,
    p_licences text[], p_contact text, p_email text, p_phone text,
    p_categories text[], p_login text, p_pwhash text, p_ip inet)
RETURNS TABLE (status text, org_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_org bigint;
	v_user bigint;
BEGIN
	SELECT o.id INTO v_org FROM portal.org o WHERE o.submit_nonce = p_nonce;
	IF FOUND THEN
		RETURN QUERY SELECT 'ok'::text, v_org;
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM portal.org o WHERE o.bizno = p_bizno) THEN
		RETURN QUERY SELECT 'dup_bizno'::text, NULL::bigint;
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM portal.users u WHERE u.login = p_login) THEN
		RETURN QUERY SELECT 'dup_login'::text, NULL::bigint;
		RETURN;
	END IF;
	IF (SELECT count(*) FROM portal.category c
	     WHERE c.code = ANY (p_categories)) <>
	   cardinality(ARRAY(SELECT DISTINCT unnest(p_categories))) THEN
		RETURN QUERY SELECT 'bad_category'::text, NULL::bigint;
		RETURN;
	END IF;
	BEGIN
		INSERT INTO portal.org (kind, name, region, address, bizno,
		    representative, biz_type, licences, contact_name, email,
		    phone, submit_nonce)
		VALUES ('supplier', p_name, p_region, p_address, p_bizno, p_rep,
		    p_biz_type, p_licences, p_contact, p_email, p_phone, p_nonce)
		RETURNING id INTO v_org;
		INSERT INTO portal.org_category (org_id, code)
		SELECT DISTINCT v_org, unnest(p_categories);
		INSERT INTO portal.users (login, org_id, role, name, email, phone,
		    pwhash)
		VALUES (p_login, v_org, 'supplier', p_contact, p_email, p_phone,
		    p_pwhash)
		RETURNING id INTO v_user;
	EXCEPTION WHEN unique_violation THEN
		-- A concurrent submit won the race: report what it took.
		SELECT o.id INTO v_org FROM portal.org o WHERE o.submit_nonce = p_nonce;
		IF FOUND THEN
			RETURN QUERY SELECT 'ok'::text, v_org;
		ELSIF EXISTS (SELECT 1 FROM portal.org o WHERE o.bizno = p_bizno) THEN
			RETURN QUERY SELECT 'dup_bizno'::text, NULL::bigint;
		ELSE
			RETURN QUERY SELECT 'dup_login'::text, NULL::bigint;
		END IF;
		RETURN;
	END;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (v_user, v_org, 'org.register', p_ip,
	    jsonb_build_object('bizno', p_bizno, 'name', p_name));
	INSERT INTO portal.notification (user_id, msg_key, args, link)
	SELECT u.id, 'notif.new_registration', ARRAY[p_name],
	    '/admin/suppliers/' || v_org
	  FROM portal.users u WHERE u.role = 'staff' AND u.active;
	RETURN QUERY SELECT 'ok'::text, v_org;
END $$;

-- Staff decision on a pending supplier. Returns 'ok', 'not_found' or
-- 'not_pending'.
CREATE FUNCTION portal.supplier_review(p_staff bigint, p_org bigint,
    p_approve boolean, p_reason text, p_ip inet) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	o portal.org;
BEGIN
	SELECT * INTO o FROM portal.org WHERE id = p_org AND kind = 'supplier'
	   FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF o.status <> 'pending' THEN
		RETURN 'not_pending';
	END IF;
	UPDATE portal.org SET status = CASE WHEN p_approve THEN 'approved'
	    ELSE 'rejected' END, review_reason = NULLIF(p_reason, ''),
	    reviewed_at = now(), reviewed_by = p_staff, updated_at = now()
	 WHERE id = p_org;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_staff, p_org, CASE WHEN p_approve THEN 'org.approve'
	    ELSE 'org.reject' END, p_ip, jsonb_build_object('reason', p_reason));
	PERFORM portal.notify_org(p_org, CASE WHEN p_approve
	    THEN 'notif.approved' ELSE 'notif.rejected' END,
	    ARRAY[coalesce(p_reason, '')], '/account/org');
	RETURN 'ok';
END $$;

-- A supplier edits its own profile. The registration number is not a
-- parameter: it cannot change. Every changed field is audited; a rejected
-- supplier that edits goes back to the review queue.
CREATE FUNCTION portal.supplier_update(p_user bigint, p_org bigint,
    p_name text, p_rep text, p_address text, p_region text, p_biz_type text,
    p_licences text[], p_contact text, p_email text, p_phone text,
    p_categories text[], p_ip inet) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	o portal.org;
	v_old text[];
	v_new text[];
	v_diff jsonb := '{}';
BEGIN
	SELECT * INTO o FROM portal.org WHERE id = p_org AND kind = 'supplier'
	   FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
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
	    licences = p_licences, contact_name = p_contact, email = p_email,
	    phone = p_phone, updated_at = now(),
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

-- Staff registers a demand agency (수요기관); it is approved at once.
CREATE FUNCTION portal.agency_create(p_staff bigint, p_code text, p_name text,
    p_kind text, p_region text, p_address text, p_ip inet)
RETURNS TABLE (status text, org_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_org bigint;
BEGIN
	IF EXISTS (SELECT 1 FROM portal.org o WHERE o.agency_code = p_code) THEN
		RETURN QUERY SELECT 'dup_code'::text, NULL::bigint;
		RETURN;
	END IF;
	INSERT INTO portal.org (kind, status, name, region, address,
	    agency_code, agency_kind, reviewed_at, reviewed_by)
	VALUES ('agency', 'approved', p_name, p_region, p_address, p_code,
	    p_kind, now(), p_staff)
	RETURNING id INTO v_org;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_staff, v_org, 'agency.create', p_ip,
	    jsonb_build_object('code', p_code, 'name', p_name));
	RETURN QUERY SELECT 'ok'::text, v_org;
EXCEPTION WHEN unique_violation THEN
	RETURN QUERY SELECT 'dup_code'::text, NULL::bigint;
END $$;

-- Staff adds a user to an agency (agency user or bid officer). Returns
-- 'ok', 'dup_login' or 'bad_org'.
CREATE FUNCTION portal.agency_user_create(p_staff bigint, p_org bigint,
    p_login text, p_name text, p_email text, p_phone text, p_role text,
    p_pwhash text, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	v_user bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM portal.org WHERE id = p_org
	    AND kind = 'agency') THEN
		RETURN 'bad_org';
	END IF;
	IF p_role NOT IN ('agency', 'officer') THEN
		RETURN 'bad_role';
	END IF;
	IF EXISTS (SELECT 1 FROM portal.users WHERE login = p_login) THEN
		RETURN 'dup_login';
	END IF;
	INSERT INTO portal.users (login, org_id, role, name, email, phone, pwhash)
	VALUES (p_login, p_org, p_role, p_name, p_email, p_phone, p_pwhash)
	RETURNING id INTO v_user;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_staff, p_org, 'user.create', p_ip,
	    jsonb_build_object('user', v_user, 'login', p_login, 'role', p_role));
	RETURN 'ok';
EXCEPTION WHEN unique_violation THEN
	RETURN 'dup_login';
END $$;

-- Staff changes an agency user's role (agency user <-> bid officer).
CREATE FUNCTION portal.user_set_role(p_staff bigint, p_user bigint,
    p_role text, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	u portal.users;
BEGIN
	SELECT * INTO u FROM portal.users WHERE id = p_user FOR UPDATE;
	IF NOT FOUND OR u.role NOT IN ('agency', 'officer')
	    OR p_role NOT IN ('agency', 'officer') THEN
		RETURN 'bad_role';
	END IF;
	IF u.role = p_role THEN
		RETURN 'unchanged';
	END IF;
	UPDATE portal.users SET role = p_role WHERE id = p_user;
	DELETE FROM portal.session WHERE user_id = p_user;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_staff, u.org_id, 'user.role', p_ip,
	    jsonb_build_object('user', p_user, 'from', u.role, 'to', p_role));
	RETURN 'ok';
END $$;

-- Password change: the caller has verified the current password. Other
-- sessions of the user end.
CREATE FUNCTION portal.password_set(p_user bigint, p_pwhash text,
    p_keep bytea, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	UPDATE portal.users SET pwhash = p_pwhash WHERE id = p_user;
	DELETE FROM portal.session WHERE user_id = p_user
	   AND token_hash <> p_keep;
	INSERT INTO portal.audit (actor, org_id, event, ip)
	SELECT id, org_id, 'password.change', p_ip FROM portal.users
	 WHERE id = p_user;
	RETURN 'ok';
END $$;
