-- TLS client certificates for the e-document exchange (issue 4).
--
-- On the exchange listener (conf/nginx-exchange.conf.in) a system may
-- authenticate with a system certificate the portal issued to its
-- organisation (POST /api/exchange/certificate) instead of an API token:
-- nginx proves the client holds the key, the portal pins the certificate
-- by the SHA-256 of its DER encoding. There is no CA to trust: exactly the
-- registered, unrevoked certificates that are valid now are accepted.

ALTER TABLE exchange.system_cert ADD COLUMN der_sha256 bytea
    GENERATED ALWAYS AS (sha256(decode(regexp_replace(cert_pem,
	'-----[A-Z ]+-----|\s', '', 'g'), 'base64'))) STORED;
CREATE UNIQUE INDEX system_cert_der_sha256 ON exchange.system_cert
    (der_sha256);

-- Who is calling, by the SHA-256 of its client certificate's DER: the
-- same columns as exchange.token_auth. The certificate acts with the API
-- token that registered it (system_cert.token_id) and on behalf of the
-- user who made that token: revoking the token (a leaked token may have
-- registered an attacker's key) or deactivating the user ends the
-- certificate's use too, as does revoking the certificate itself.
CREATE FUNCTION exchange.cert_auth(p_sha bytea)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[]) LANGUAGE plpgsql AS $$
DECLARE
	v_used timestamptz;
BEGIN
	SELECT t.id, o.id, o.kind, u.id, u.role, o.bizno::text,
	    o.agency_code::text, o.name,
	    ARRAY(SELECT c2.cert_pem FROM exchange.system_cert c2
		   WHERE c2.org_id = o.id AND c2.revoked_at IS NULL
		     AND now() BETWEEN c2.not_before AND c2.not_after
		   ORDER BY c2.id DESC LIMIT 8), t.last_used_at
	  INTO token_id, org_id, org_kind, user_id, user_role, bizno,
	    agency_code, org_name, certs, v_used
	  FROM exchange.system_cert c
	  JOIN exchange.token t ON t.id = c.token_id
	  JOIN portal.org o ON o.id = c.org_id
	  JOIN portal.users u ON u.id = t.created_by
	 WHERE c.der_sha256 = p_sha AND c.revoked_at IS NULL
	   AND now() BETWEEN c.not_before AND c.not_after
	   AND t.revoked_at IS NULL AND t.org_id = c.org_id
	   AND o.status = 'approved' AND u.active AND u.org_id = o.id;
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF v_used IS NULL OR v_used < now() - interval '1 minute' THEN
		UPDATE exchange.token SET last_used_at = now()
		 WHERE id = token_id;
	END IF;
	RETURN NEXT;
END $$;

-- exchange.cert_auth with the failure throttling of
-- exchange.token_auth_ip (the same exchange.auth_failure counter: an
-- address guessing certificates and tokens is one address).
CREATE FUNCTION exchange.cert_auth_ip(p_sha bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	c_limit CONSTANT int := 20;
	c_window CONSTANT interval := '10 minutes';
	f exchange.auth_failure;
BEGIN
	SELECT * INTO f FROM exchange.auth_failure x WHERE x.ip = p_ip;
	IF FOUND AND f.failures >= c_limit
	    AND f.window_start > now() - c_window THEN
		retry_after := greatest(1, ceil(extract(epoch FROM
		    f.window_start + c_window - now())))::int;
		RETURN NEXT;
		RETURN;
	END IF;
	RETURN QUERY SELECT a.token_id, a.org_id, a.org_kind, a.user_id,
	    a.user_role, a.bizno, a.agency_code, a.org_name, a.certs, NULL::int
	  FROM exchange.cert_auth(p_sha) a;
	IF NOT FOUND AND p_ip IS NOT NULL THEN
		INSERT INTO exchange.auth_failure AS x (ip, window_start, failures)
		VALUES (p_ip, now(), 1)
		ON CONFLICT (ip) DO UPDATE SET
		    failures = CASE WHEN x.window_start > now() - c_window
			THEN x.failures + 1 ELSE 1 END,
		    window_start = CASE WHEN x.window_start > now() - c_window
			THEN x.window_start ELSE now() END;
		IF random() < 0.01 THEN
			DELETE FROM exchange.auth_failure
			 WHERE window_start < now() - interval '1 day';
		END IF;
	END IF;
END $$;

-- Inbound speed: pglz compression of the stored documents and answers
-- showed in the inbound profile; lz4 compresses a signed XML document
-- nearly as well at a fraction of the CPU (new values only).
ALTER TABLE exchange.document ALTER COLUMN body SET COMPRESSION lz4,
    ALTER COLUMN answer SET COMPRESSION lz4;
