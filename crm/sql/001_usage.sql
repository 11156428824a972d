-- Usage-log analysis (issue 6): what build/g2b-logs imports from access
-- logs. Applied by the portal at start-up and, when missing, by g2b-logs
-- itself (same lock, same schema_migrations record). Every statement is
-- idempotent.
--
-- Personal data: usage.session.ip and .visitor ("u:LOGIN" for a logged-in
-- user, else "v:" and a keyed hash of address and agent), open_session's
-- same columns, and bad_sample.line. Panels read only the aggregate tables
-- and usage.session_public. `g2b-logs privacy` (also run after every
-- import) truncates addresses of sessions older than
-- settings.ip_keep_days (usage.cut_ip: IPv4 to /24, IPv6 to /48) and
-- deletes older bad-line samples; the importer writes sessions already
-- older than that truncated.

CREATE SCHEMA IF NOT EXISTS usage;

CREATE TABLE IF NOT EXISTS usage.settings (
	id		int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
	-- key of the visitor hash (HMAC-SHA256 of address and agent)
	salt		text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '')
			    || replace(gen_random_uuid()::text, '-', ''),
	ip_keep_days	int NOT NULL DEFAULT 30 CHECK (ip_keep_days >= 0),
	idle_minutes	int NOT NULL DEFAULT 30 CHECK (idle_minutes BETWEEN 1 AND 1440),
	-- sessions that started before this have their addresses cut (the
	-- importer writes sessions older than ip_keep_days already cut)
	cut_before	timestamptz NOT NULL DEFAULT '-infinity'
);
INSERT INTO usage.settings DEFAULT VALUES ON CONFLICT DO NOTHING;

-- One row per log file seen: a file is its device and inode plus the hash
-- of its first line (a new file at a reused inode starts again at 0).
-- "pos" is the byte offset just after the last line fully processed; it
-- commits in the same transaction as everything that line produced.
CREATE TABLE IF NOT EXISTS usage.import_file (
	id		bigserial PRIMARY KEY,
	dev		bigint NOT NULL,
	ino		bigint NOT NULL,
	head_hash	text NOT NULL,
	path		text NOT NULL,
	pos		bigint NOT NULL DEFAULT 0,
	lines		bigint NOT NULL DEFAULT 0,
	bad		bigint NOT NULL DEFAULT 0,
	first_ts	timestamptz,
	last_ts		timestamptz,
	created		timestamptz NOT NULL DEFAULT now(),
	updated		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (dev, ino, head_hash)
);

CREATE TABLE IF NOT EXISTS usage.import_run (
	id		bigserial PRIMARY KEY,
	started		timestamptz NOT NULL DEFAULT now(),
	finished	timestamptz,
	status		text NOT NULL DEFAULT 'running'
			    CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
	files		int NOT NULL DEFAULT 0,
	lines		bigint NOT NULL DEFAULT 0,
	bad		bigint NOT NULL DEFAULT 0,
	bytes		bigint NOT NULL DEFAULT 0,
	sessions	bigint NOT NULL DEFAULT 0,
	message		text
);

CREATE TABLE IF NOT EXISTS usage.bad_count (
	file_id		bigint NOT NULL REFERENCES usage.import_file ON DELETE CASCADE,
	reason		text NOT NULL,
	n		bigint NOT NULL,
	PRIMARY KEY (file_id, reason)
);

CREATE TABLE IF NOT EXISTS usage.bad_sample (
	id		bigserial PRIMARY KEY,
	file_id		bigint NOT NULL REFERENCES usage.import_file ON DELETE CASCADE,
	run_id		bigint REFERENCES usage.import_run ON DELETE SET NULL,
	reason		text NOT NULL,
	pos		bigint NOT NULL,
	line		text NOT NULL,
	created		timestamptz NOT NULL DEFAULT now()
);

-- Hourly counters; the importer adds to them (INSERT ... ON CONFLICT).
CREATE TABLE IF NOT EXISTS usage.agg_route (
	hour		timestamptz NOT NULL,
	method		text NOT NULL,
	route		text NOT NULL,
	status		smallint NOT NULL,
	hits		bigint NOT NULL,
	bytes		bigint NOT NULL,
	-- response times, when the log has them (nginx, Apache %D)
	rt_n		bigint NOT NULL DEFAULT 0,
	rt_sum_us	bigint NOT NULL DEFAULT 0,
	-- counts at most 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5 s, slower
	rt_hist		bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0,0}',
	PRIMARY KEY (hour, method, route, status)
);

CREATE TABLE IF NOT EXISTS usage.agg_agent (
	hour		timestamptz NOT NULL,
	browser		text NOT NULL,
	os		text NOT NULL,
	bot		boolean NOT NULL,
	hits		bigint NOT NULL,
	pages		bigint NOT NULL,
	PRIMARY KEY (hour, browser, os, bot)
);

CREATE TABLE IF NOT EXISTS usage.agg_referrer (
	hour		timestamptz NOT NULL,
	host		text NOT NULL,
	hits		bigint NOT NULL,
	PRIMARY KEY (hour, host)
);

-- Closed sessions.
CREATE TABLE IF NOT EXISTS usage.session (
	id		bigserial PRIMARY KEY,
	visitor		text NOT NULL,
	ip		text NOT NULL,
	ip_truncated	boolean NOT NULL DEFAULT false,
	utype		text NOT NULL,
	region		text NOT NULL,
	bot		boolean NOT NULL,
	started		timestamptz NOT NULL,
	ended		timestamptz NOT NULL,
	entry		text NOT NULL,
	exit		text NOT NULL,
	depth		int NOT NULL,
	hits		int NOT NULL
);
-- Sessions arrive in about time order: a BRIN index is enough for ranges
-- (reports, and privacy's range since settings.cut_before).
CREATE INDEX IF NOT EXISTS session_started ON usage.session USING brin (started);

-- Sessions still open when an import committed, resumed by the next one.
-- Replaced as a whole with every committed batch.
CREATE TABLE IF NOT EXISTS usage.open_session (
	key		bigint PRIMARY KEY,
	visitor		text NOT NULL,
	ip		text NOT NULL,
	utype		text NOT NULL,
	region		text NOT NULL,
	bot		boolean NOT NULL,
	started		timestamptz NOT NULL,
	last		timestamptz NOT NULL,
	entry		text NOT NULL,
	exit		text NOT NULL,
	depth		int NOT NULL,
	hits		int NOT NULL,
	-- funnel id => steps reached, e.g. {"1": 2}
	progress	jsonb NOT NULL DEFAULT '{}'
);

-- Sessions without personal data, for panels.
CREATE OR REPLACE VIEW usage.session_public AS
	SELECT id, utype, region, bot, started, ended, entry, exit, depth, hits
	  FROM usage.session;

-- Funnels defined by staff: ordered steps "[METHOD ]ROUTE[*]".
CREATE TABLE IF NOT EXISTS usage.funnel (
	id		bigserial PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	steps		text[] NOT NULL CHECK (cardinality(steps) BETWEEN 1 AND 16),
	active		boolean NOT NULL DEFAULT true,
	created		timestamptz NOT NULL DEFAULT now()
);
INSERT INTO usage.funnel (name, steps) VALUES ('bid', ARRAY['GET /notices',
    'GET /notices/:id', 'GET /notices/:id/bid', 'POST /notices/:id/bid'])
    ON CONFLICT (name) DO NOTHING;

-- Per funnel, hour of the session's start, user type and region: the
-- sessions counted and how many of them reached each step.
CREATE TABLE IF NOT EXISTS usage.funnel_result (
	funnel_id	bigint NOT NULL REFERENCES usage.funnel ON DELETE CASCADE,
	hour		timestamptz NOT NULL,
	utype		text NOT NULL,
	region		text NOT NULL,
	sessions	bigint NOT NULL,
	reached		bigint[] NOT NULL,
	PRIMARY KEY (funnel_id, hour, utype, region)
);

-- Optional address ranges naming a region (longest prefix wins).
CREATE TABLE IF NOT EXISTS usage.region_net (
	net		cidr PRIMARY KEY,
	region		text NOT NULL
);

-- An address cut for privacy: IPv4 to its /24, IPv6 to its /48 (as
-- "network/length"), anything else (host names...) 'redacted'. g2b-logs
-- cuts the same way in C for sessions already older than ip_keep_days.
CREATE OR REPLACE FUNCTION usage.cut_ip(ip text)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	a inet;
BEGIN
	a := btrim(ip, '[]')::inet;
	RETURN network(set_masklen(a, CASE WHEN family(a) = 4 THEN 24 ELSE 48 END))::text;
EXCEPTION WHEN others THEN
	RETURN 'redacted';
END
$$;

-- Element-wise sum of two counter arrays (the shorter padded with 0).
CREATE OR REPLACE FUNCTION usage.array_add(a bigint[], b bigint[])
RETURNS bigint[] LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i),
	    '{}')
	  FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;
