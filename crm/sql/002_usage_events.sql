-- Usage analysis of the portal's own usage events (u1 files, portal/
-- usagefmt.h): they name the logged-in user, organisation and role, the
-- route (handler) name and the real response time. Applied like 001 (by
-- the portal at start-up, or by g2b-logs); every statement idempotent.
--
-- Personal data added: usage.session.user_id/org_id and usage.user_event
-- (the page sequence of logged-in users, for staff's per-user timeline).
-- `g2b-logs privacy` deletes user events older than
-- settings.ip_keep_days, as it cuts addresses.

-- The route (handler) name of u1 events ('' for access logs): drill-down
-- from a route name to its paths, response times per route name.
ALTER TABLE usage.agg_route ADD COLUMN IF NOT EXISTS name text NOT NULL
    DEFAULT '';
ALTER TABLE usage.agg_route DROP CONSTRAINT IF EXISTS agg_route_pkey;
ALTER TABLE usage.agg_route ADD CONSTRAINT agg_route_pkey
    PRIMARY KEY (hour, method, route, status, name);

-- Who a u1 session was (NULL when anonymous or from an access log).
ALTER TABLE usage.session ADD COLUMN IF NOT EXISTS user_id bigint;
ALTER TABLE usage.session ADD COLUMN IF NOT EXISTS org_id bigint;
ALTER TABLE usage.session ADD COLUMN IF NOT EXISTS role text;
CREATE INDEX IF NOT EXISTS session_by_user ON usage.session (user_id, started)
    WHERE user_id IS NOT NULL;
ALTER TABLE usage.open_session ADD COLUMN IF NOT EXISTS user_id bigint;
ALTER TABLE usage.open_session ADD COLUMN IF NOT EXISTS org_id bigint;
ALTER TABLE usage.open_session ADD COLUMN IF NOT EXISTS role text;

CREATE OR REPLACE VIEW usage.session_public AS
	SELECT id, utype, region, bot, started, ended, entry, exit, depth, hits
	  FROM usage.session;

-- Requests (not static files) of logged-in users, from u1 events.
CREATE TABLE IF NOT EXISTS usage.user_event (
	user_id		bigint NOT NULL,
	ts		timestamptz NOT NULL,
	method		text NOT NULL,
	name		text NOT NULL,
	path		text NOT NULL,
	status		smallint NOT NULL,
	dur_us		bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS user_event_user ON usage.user_event (user_id, ts);
CREATE INDEX IF NOT EXISTS user_event_ts ON usage.user_event USING brin (ts);
