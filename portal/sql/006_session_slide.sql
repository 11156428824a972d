-- Sliding a session's expiry is not worth a disk flush: losing the slide
-- in a crash only shortens that session. When session_get slides it, the
-- transaction commits asynchronously (synchronous_commit off for this
-- transaction only), so a page view costs no WAL flush wait.
CREATE OR REPLACE FUNCTION portal.session_get(p_hash bytea, p_idle interval)
RETURNS TABLE (user_id bigint, login text, role text, name text, lang text,
    org_id bigint, org_name text, org_status text, org_kind text, unread bigint)
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE portal.session s SET last_seen = now(), expires_at = now() + p_idle
	 WHERE s.token_hash = p_hash AND s.expires_at > now()
	   AND s.last_seen < now() - interval '1 minute';
	IF FOUND THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	RETURN QUERY
	SELECT u.id, u.login, u.role, u.name, u.lang, o.id, o.name, o.status, o.kind,
	    (SELECT count(*) FROM portal.notification n
	      WHERE n.user_id = u.id AND n.read_at IS NULL)
	  FROM portal.session s JOIN portal.users u ON u.id = s.user_id
	  LEFT JOIN portal.org o ON o.id = u.org_id
	 WHERE s.token_hash = p_hash AND s.expires_at > now() AND u.active;
END $$;
