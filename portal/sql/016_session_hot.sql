-- A session's slide (last_seen and expires_at, at most once a minute per
-- session, in session_get for a page and in bidding.bid_submit_session
-- for a bid: in a deadline rush, about one per bid) was a full new row
-- version: expires_at is indexed, so every slide inserted into all three
-- of the table's indexes and logged them. Without that index a slide is a
-- heap-only (HOT) update, given room on the page (fillfactor 80). The
-- index served only the purge of long-expired sessions at every login,
-- which now runs at about one login in a hundred; readers already ignore
-- expired rows (expires_at > now() in every look-up).
DROP INDEX portal.session_expires;
ALTER TABLE portal.session SET (fillfactor = 80);

CREATE OR REPLACE FUNCTION portal.login_finish(p_user bigint, p_ok boolean,
    p_hash bytea, p_idle interval, p_ip inet) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	u portal.users;
BEGIN
	SELECT * INTO u FROM portal.users WHERE id = p_user FOR UPDATE;
	IF u.locked_until IS NOT NULL AND u.locked_until > now() THEN
		INSERT INTO portal.audit (actor, org_id, event, ip)
		VALUES (u.id, u.org_id, 'login.locked', p_ip);
		RETURN 'locked';
	END IF;
	IF NOT p_ok THEN
		UPDATE portal.users SET failed_logins = failed_logins + 1,
		    locked_until = CASE WHEN failed_logins + 1 >= 5
			THEN now() + interval '15 minutes' END
		 WHERE id = u.id;
		INSERT INTO portal.audit (actor, org_id, event, ip, detail)
		VALUES (u.id, u.org_id, 'login.failure', p_ip,
		    jsonb_build_object('failures', u.failed_logins + 1));
		IF u.failed_logins + 1 >= 5 THEN
			INSERT INTO portal.audit (actor, org_id, event, ip)
			VALUES (u.id, u.org_id, 'login.lock', p_ip);
			RETURN 'locked';
		END IF;
		RETURN 'bad';
	END IF;
	UPDATE portal.users SET failed_logins = 0, locked_until = NULL
	 WHERE id = u.id;
	-- About one login in a hundred sweeps the sessions a day past their
	-- expiry (a sequential scan: no index on expires_at, see above).
	IF random() < 0.01 THEN
		DELETE FROM portal.session
		 WHERE expires_at < now() - interval '1 day';
	END IF;
	INSERT INTO portal.session (token_hash, user_id, expires_at, ip)
	VALUES (p_hash, u.id, now() + p_idle, p_ip);
	INSERT INTO portal.audit (actor, org_id, event, ip)
	VALUES (u.id, u.org_id, 'login.success', p_ip);
	RETURN 'ok';
END $$;
