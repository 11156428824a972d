-- Failed-token throttling on the exchange endpoints (issue 4). API tokens
-- are 256-bit random, so guessing one is hopeless; what a flood of unknown
-- tokens does cost is a database look-up each and noise in the logs. So a
-- client address that sent 20 unknown or revoked tokens within 10 minutes
-- is refused (429, Retry-After) until those 10 minutes have passed, good
-- tokens included (a system sharing its address with the sender of the
-- flood waits too; its retries are told when to come back).
--
-- In SQL rather than in worker memory: the workers are separate processes
-- (a per-worker count would multiply the limit by their number, and a
-- restart would forget it), and the check rides in the query that looks
-- the token up (exchange.token_auth_ip), so a good request pays one index
-- probe of a small table and no extra round trip.
CREATE TABLE exchange.auth_failure (
	ip		inet PRIMARY KEY,
	window_start	timestamptz NOT NULL,
	failures	int NOT NULL CHECK (failures > 0)
);

-- exchange.token_auth for a client address: the same row for a good
-- token; no row for an unknown or revoked one (counted against p_ip); and
-- while p_ip is throttled a row with only retry_after (seconds) set.
CREATE FUNCTION exchange.token_auth_ip(p_hash bytea, p_ip inet)
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
	  FROM exchange.token_auth(p_hash) a;
	IF NOT FOUND AND p_ip IS NOT NULL THEN
		INSERT INTO exchange.auth_failure AS x (ip, window_start, failures)
		VALUES (p_ip, now(), 1)
		ON CONFLICT (ip) DO UPDATE SET
		    failures = CASE WHEN x.window_start > now() - c_window
			THEN x.failures + 1 ELSE 1 END,
		    window_start = CASE WHEN x.window_start > now() - c_window
			THEN x.window_start ELSE now() END;
		-- Addresses long quiet are forgotten now and then.
		IF random() < 0.01 THEN
			DELETE FROM exchange.auth_failure
			 WHERE window_start < now() - interval '1 day';
		END IF;
	END IF;
END $$;
