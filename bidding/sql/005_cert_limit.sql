-- At most 5 certificates per user per day (bidding/bids.c checks first;
-- this check holds under concurrent requests: the user's row is locked).
CREATE OR REPLACE FUNCTION bidding.cert_store(p_user bigint, p_serial text,
    p_pem text, p_not_before timestamptz, p_not_after timestamptz,
    p_ip inet, OUT status text, OUT cert_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_org bigint;
BEGIN
	SELECT u.org_id INTO v_org FROM portal.users u
	  JOIN portal.org o ON o.id = u.org_id
	 WHERE u.id = p_user AND u.role = 'supplier' AND u.active
	   AND o.status = 'approved'
	   FOR UPDATE OF u;
	IF v_org IS NULL THEN
		status := 'not_supplier';
		RETURN;
	END IF;
	IF (SELECT count(*) FROM bidding.cert WHERE user_id = p_user
	    AND issued_at > now() - interval '1 day') >= 5 THEN
		status := 'too_many';
		INSERT INTO portal.audit (actor, org_id, event, ip, detail)
		VALUES (p_user, v_org, 'cert.refused', p_ip,
		    jsonb_build_object('reason', 'too_many'));
		RETURN;
	END IF;
	INSERT INTO bidding.cert (user_id, org_id, serial, cert_pem,
	    not_before, not_after)
	VALUES (p_user, v_org, p_serial, p_pem, p_not_before, p_not_after)
	RETURNING id INTO cert_id;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, v_org, 'cert.issue', p_ip,
	    jsonb_build_object('serial', p_serial));
	status := 'ok';
END $$;
