-- One definition of who an exchange caller is. The token look-up, the
-- TLS client certificate look-up and the failed-authentication throttle
-- were written out again in each entry point (token_auth and
-- token_auth_ip: 007, 009; cert_auth and cert_auth_ip: 010; inbound_auth:
-- 014), so a change of the rules (a token's expiry, say) had to find every
-- copy. Now three functions hold them:
--   exchange.caller(p_token, p_cert)  who calls (read-only): by the SHA-256
--                                     of an API token, or of a registered
--                                     client certificate's DER
--   exchange.throttled(p_ip)          seconds the address must wait, or
--                                     NULL
--   exchange.auth_failed(p_ip)        counts one failure of the address
-- and the entry points the C code calls are rewritten on them with the
-- same results: token_auth_ip and cert_auth_ip (look-up, throttle, the
-- token's last use stamped to the minute) and inbound_auth (the same
-- without the stamp, plus the duplicate look-up; 014). token_auth,
-- cert_auth and inbound_bid_store (replaced by 014) are no longer called
-- and go.

CREATE FUNCTION exchange.caller(p_token bytea, p_cert bytea)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], last_used timestamptz) LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF p_cert IS NULL THEN
		RETURN QUERY SELECT t.id, o.id, o.kind, u.id, u.role,
		    o.bizno::text, o.agency_code::text, o.name,
		    ARRAY(SELECT c.cert_pem FROM exchange.system_cert c
			   WHERE c.org_id = o.id AND c.revoked_at IS NULL
			     AND now() BETWEEN c.not_before AND c.not_after
			   ORDER BY c.id DESC LIMIT 8), t.last_used_at
		  FROM exchange.token t
		  JOIN portal.org o ON o.id = t.org_id
		  JOIN portal.users u ON u.id = t.created_by
		 WHERE t.token_hash = p_token AND t.revoked_at IS NULL
		   AND o.status = 'approved' AND u.active AND u.org_id = o.id;
	ELSE
		RETURN QUERY SELECT t.id, o.id, o.kind, u.id, u.role,
		    o.bizno::text, o.agency_code::text, o.name,
		    ARRAY(SELECT c2.cert_pem FROM exchange.system_cert c2
			   WHERE c2.org_id = o.id AND c2.revoked_at IS NULL
			     AND now() BETWEEN c2.not_before AND c2.not_after
			   ORDER BY c2.id DESC LIMIT 8), t.last_used_at
		  FROM exchange.system_cert c
		  JOIN exchange.token t ON t.id = c.token_id
		  JOIN portal.org o ON o.id = c.org_id
		  JOIN portal.users u ON u.id = t.created_by
		 WHERE c.der_sha256 = p_cert AND c.revoked_at IS NULL
		   AND now() BETWEEN c.not_before AND c.not_after
		   AND t.revoked_at IS NULL AND t.org_id = c.org_id
		   AND o.status = 'approved' AND u.active AND u.org_id = o.id;
	END IF;
END $$;

-- 20 failures from one address within 10 minutes: wait until the window
-- that began with the first of them ends.
CREATE FUNCTION exchange.throttled(p_ip inet) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT greatest(1, ceil(extract(epoch FROM f.window_start +
	    interval '10 minutes' - now())))::int
	  FROM exchange.auth_failure f
	 WHERE f.ip = p_ip AND f.failures >= 20
	   AND f.window_start > now() - interval '10 minutes'
$$;

CREATE FUNCTION exchange.auth_failed(p_ip inet) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF p_ip IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO exchange.auth_failure AS x (ip, window_start, failures)
	VALUES (p_ip, now(), 1)
	ON CONFLICT (ip) DO UPDATE SET
	    failures = CASE WHEN x.window_start > now() - interval '10 minutes'
		THEN x.failures + 1 ELSE 1 END,
	    window_start = CASE WHEN x.window_start > now() -
		interval '10 minutes' THEN x.window_start ELSE now() END;
	IF random() < 0.01 THEN
		DELETE FROM exchange.auth_failure
		 WHERE window_start < now() - interval '1 day';
	END IF;
END $$;

-- A throttled address gets only retry_after; an unknown caller nothing
-- (and counts a failure); a known one its row, with its token's last use
-- stamped if p_stamp (exchange.token_stamp, 014).
CREATE FUNCTION exchange.auth_ip(p_token bytea, p_cert bytea, p_ip inet,
    p_stamp boolean)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE plpgsql AS $$
DECLARE
	w int := exchange.throttled(p_ip);
	a record;
BEGIN
	IF w IS NOT NULL THEN
		retry_after := w;
		RETURN NEXT;
		RETURN;
	END IF;
	SELECT * INTO a FROM exchange.caller(p_token, p_cert);
	IF NOT FOUND THEN
		PERFORM exchange.auth_failed(p_ip);
		RETURN;
	END IF;
	IF p_stamp THEN
		PERFORM exchange.token_stamp(a.token_id);
	END IF;
	token_id := a.token_id;
	org_id := a.org_id;
	org_kind := a.org_kind;
	user_id := a.user_id;
	user_role := a.user_role;
	bizno := a.bizno;
	agency_code := a.agency_code;
	org_name := a.org_name;
	certs := a.certs;
	RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION exchange.token_auth_ip(p_hash bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE sql AS $$
	SELECT * FROM exchange.auth_ip(p_hash, NULL, p_ip, true)
$$;

CREATE OR REPLACE FUNCTION exchange.cert_auth_ip(p_sha bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE sql AS $$
	SELECT * FROM exchange.auth_ip(NULL, p_sha, p_ip, true)
$$;

-- 014's inbound_auth on the same: no write for a new document.
CREATE OR REPLACE FUNCTION exchange.inbound_auth(p_token bytea, p_cert bytea,
    p_sha bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    receiver text, certs text[], answer text, http_status int,
    retry_after int) LANGUAGE plpgsql AS $$
DECLARE
	a record;
BEGIN
	SELECT * INTO a FROM exchange.auth_ip(p_token, p_cert, p_ip, false);
	IF NOT FOUND THEN
		RETURN;
	END IF;
	retry_after := a.retry_after;
	IF a.retry_after IS NULL THEN
		token_id := a.token_id;
		org_id := a.org_id;
		org_kind := a.org_kind;
		user_id := a.user_id;
		receiver := coalesce(a.bizno, a.agency_code);
		certs := a.certs;
		SELECT convert_from(d.answer, 'UTF8'), d.http_status
		  INTO answer, http_status FROM exchange.document d
		 WHERE d.direction = 'in' AND d.result = 'accepted'
		   AND d.sender_org = a.org_id AND d.sha256 = p_sha;
		-- Answered from here: nothing else will record the token's use.
		IF answer IS NOT NULL THEN
			PERFORM exchange.token_stamp(a.token_id);
		END IF;
	END IF;
	RETURN NEXT;
END $$;

DROP FUNCTION exchange.token_auth(bytea);
DROP FUNCTION exchange.cert_auth(bytea);
DROP FUNCTION exchange.inbound_bid_store(bigint, bigint, bigint, text, text,
    bytea, bytea, text, text, jsonb, bytea, int, text, inet, jsonb, bigint);
