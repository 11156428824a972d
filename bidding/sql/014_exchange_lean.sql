-- The inbound exchange path (issue 4), as 013_rush_lean.sql did for the
-- bid itself. (Here, not under portal/sql, because it extends 013's
-- triggers: the portal area's migrations run before the bidding area's.)
--
-- 1. SQL-language functions that PostgreSQL cannot inline are parsed and
--    planned on every call: exchange.token_stamp (an UPDATE, once for
--    every accepted document), exchange.throttled (a SELECT with FROM,
--    before every authentication) and the token_auth_ip / cert_auth_ip
--    wrappers. As PL/pgSQL their plans are cached per connection.
--    Same signatures, same results.
-- 2. The document box row's keys to the sending and receiving company,
--    the token and the user took a row lock each (a WAL record, and a
--    full page image after a checkpoint) for every document. Nothing in
--    the portal deletes a company, user or token (tokens are revoked);
--    the keep_referenced triggers of 013 now also name the document box,
--    and a token gets one.
CREATE OR REPLACE FUNCTION exchange.token_stamp(p_token bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	UPDATE exchange.token SET last_used_at = now()
	 WHERE id = p_token AND (last_used_at IS NULL OR
	    last_used_at < now() - interval '1 minute');
END $$;

CREATE OR REPLACE FUNCTION exchange.throttled(p_ip inet) RETURNS int
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT greatest(1, ceil(extract(epoch FROM f.window_start +
	    interval '10 minutes' - now())))::int
	  FROM exchange.auth_failure f
	 WHERE f.ip = p_ip AND f.failures >= 20
	   AND f.window_start > now() - interval '10 minutes');
END $$;

CREATE OR REPLACE FUNCTION exchange.token_auth_ip(p_hash bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY SELECT * FROM exchange.auth_ip(p_hash, NULL, p_ip, true);
END $$;

CREATE OR REPLACE FUNCTION exchange.cert_auth_ip(p_sha bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[], retry_after int) LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY SELECT * FROM exchange.auth_ip(NULL, p_sha, p_ip, true);
END $$;

ALTER TABLE exchange.document DROP CONSTRAINT document_sender_org_fkey,
    DROP CONSTRAINT document_receiver_org_fkey,
    DROP CONSTRAINT document_token_id_fkey,
    DROP CONSTRAINT document_user_id_fkey;

DROP TRIGGER org_keep_referenced ON portal.org;
CREATE TRIGGER org_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON portal.org FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid', 'org_id', 'portal.audit', 'org_id',
    'exchange.document', 'sender_org', 'exchange.document', 'receiver_org');
DROP TRIGGER users_keep_referenced ON portal.users;
CREATE TRIGGER users_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON portal.users FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'bidding.bid', 'user_id', 'portal.audit', 'actor',
    'exchange.document', 'user_id');
CREATE TRIGGER token_keep_referenced BEFORE DELETE OR UPDATE OF id
    ON exchange.token FOR EACH ROW EXECUTE FUNCTION portal.keep_referenced(
    'exchange.document', 'token_id');
