-- Tender notices (입찰공고): drafts, published orders (차수), items, the
-- dated award floor rates, and the opening key. Bids come later.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA IF NOT EXISTS bidding;

-- Award floor rates (낙찰하한율): dated, configurable data, keyed by family,
-- rule set and amount band [min_amount, max_amount). Rates in 0.001 %.
-- The figures follow public reports and must be verified before real use.
CREATE TABLE bidding.floor_rate (
	family		text NOT NULL CHECK (family IN ('goods', 'services',
			    'works', 'foreign')),
	ruleset		text NOT NULL DEFAULT 'national'
			    CHECK (ruleset IN ('national', 'local')),
	min_amount	bigint NOT NULL DEFAULT 0 CHECK (min_amount >= 0),
	max_amount	bigint CHECK (max_amount IS NULL OR max_amount > min_amount),
	valid_from	date NOT NULL,
	rate_milli	int NOT NULL CHECK (rate_milli > 0 AND rate_milli <= 100000),
	PRIMARY KEY (family, ruleset, min_amount, valid_from)
);
INSERT INTO bidding.floor_rate (family, min_amount, max_amount, valid_from,
    rate_milli) VALUES
 ('works', 0, 1000000000, '1900-01-01', 87745),
 ('works', 1000000000, 5000000000, '1900-01-01', 86745),
 ('works', 5000000000, 10000000000, '1900-01-01', 85495),
 ('works', 0, 1000000000, '2026-01-30', 89745),
 ('works', 1000000000, 5000000000, '2026-01-30', 88745),
 ('works', 5000000000, 10000000000, '2026-01-30', 87495),
 ('goods', 0, NULL, '1900-01-01', 84245),
 ('services', 0, NULL, '1900-01-01', 87745);

-- The rate that applies to an amount on a day, or NULL.
CREATE FUNCTION bidding.floor_rate_for(p_family text, p_amount bigint,
    p_day date) RETURNS int LANGUAGE sql STABLE AS $$
	SELECT rate_milli FROM bidding.floor_rate
	 WHERE family = p_family AND ruleset = 'national'
	   AND p_amount >= min_amount
	   AND (max_amount IS NULL OR p_amount < max_amount)
	   AND valid_from <= p_day
	 ORDER BY valid_from DESC LIMIT 1
$$;

CREATE SEQUENCE bidding.notice_seq;

CREATE TABLE bidding.notice (
	id		bigserial PRIMARY KEY,
	agency_id	bigint NOT NULL REFERENCES portal.org(id),
	notice_no	text UNIQUE,		-- assigned at publication
	pub_seq		bigint UNIQUE,		-- publication order (API cursor)
	status		text NOT NULL DEFAULT 'draft'
			    CHECK (status IN ('draft', 'published', 'cancelled')),
	cur_ord		int NOT NULL DEFAULT 0,	-- 0 while a draft
	created_by	bigint NOT NULL REFERENCES portal.users(id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((status = 'draft') = (notice_no IS NULL)),
	CHECK ((status = 'draft') = (pub_seq IS NULL))
);
CREATE INDEX notice_agency ON bidding.notice (agency_id, created_at DESC);

-- One row per order (차수): 0 is the working draft, 1 the first
-- publication, 2.. amendments (정정공고). Published rows never change.
CREATE TABLE bidding.notice_version (
	notice_id	bigint NOT NULL REFERENCES bidding.notice(id)
			    ON DELETE CASCADE,
	ord		int NOT NULL CHECK (ord >= 0),
	kind		text NOT NULL DEFAULT 'register'
			    CHECK (kind IN ('register', 'amend', 'cancel')),
	reason		text,
	family		text NOT NULL CHECK (family IN ('goods', 'services',
			    'works', 'foreign')),
	title		text NOT NULL,
	base_amount	bigint NOT NULL CHECK (base_amount >= 1000),
	budget		bigint NOT NULL CHECK (budget >= base_amount),
	contract_method	text NOT NULL CHECK (contract_method IN ('open',
			    'restricted', 'nominated', 'direct')),
	award_method	text NOT NULL CHECK (award_method IN ('lowest',
			    'qualification')),
	range_milli	int NOT NULL CHECK (range_milli IN (2000, 3000)),
	region_limit	char(2) REFERENCES portal.region(code),
	category_limit	text CHECK (category_limit ~ '^[0-9]{2,8}$'),
	bid_start	timestamptz NOT NULL,
	bid_close	timestamptz NOT NULL,
	opening_at	timestamptz NOT NULL,
	officer_id	bigint REFERENCES portal.users(id),
	floor_rate_milli int,
	prices_sealed	text,			-- 15 prices, sealed (base64)
	published_at	timestamptz,
	published_by	bigint REFERENCES portal.users(id),
	PRIMARY KEY (notice_id, ord),
	CHECK (bid_start < bid_close AND bid_close <= opening_at),
	CHECK (ord = 0 OR published_at IS NOT NULL)
);
CREATE INDEX notice_version_title_trgm ON bidding.notice_version
    USING gin (title gin_trgm_ops);
CREATE INDEX notice_version_close ON bidding.notice_version (bid_close);

CREATE TABLE bidding.notice_item (
	notice_id	bigint NOT NULL,
	ord		int NOT NULL,
	line		smallint NOT NULL CHECK (line BETWEEN 1 AND 50),
	code		char(8) NOT NULL REFERENCES portal.category(code),
	quantity	numeric(18, 3) NOT NULL CHECK (quantity > 0),
	unit		text NOT NULL,
	PRIMARY KEY (notice_id, ord, line),
	FOREIGN KEY (notice_id, ord) REFERENCES bidding.notice_version
	    ON DELETE CASCADE
);

-- The notice's opening key: RSA-3072, the private half encrypted under the
-- bid officer's passphrase (PKCS#8, scrypt). Bids and the preliminary
-- prices are sealed to the public half.
CREATE TABLE bidding.opening_key (
	notice_id	bigint PRIMARY KEY REFERENCES bidding.notice(id),
	public_pem	text NOT NULL,
	private_enc_pem	text NOT NULL,
	officer_id	bigint NOT NULL REFERENCES portal.users(id),
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- The current published order of every notice, for lists and the API.
CREATE VIEW bidding.notice_current AS
SELECT n.id, n.notice_no, n.pub_seq, n.status, n.cur_ord, n.agency_id,
    o.name AS agency,
    o.region AS agency_region, v.*
  FROM bidding.notice n
  JOIN bidding.notice_version v ON v.notice_id = n.id AND v.ord = n.cur_ord
  JOIN portal.org o ON o.id = n.agency_id
 WHERE n.status <> 'draft';

-- Save the draft (order 0) of a new or existing notice with its items.
-- Returns the notice id, or NULL when the notice is not the caller's
-- agency's draft.
CREATE FUNCTION bidding.draft_save(p_user bigint, p_notice bigint,
    p_family text, p_title text, p_base bigint, p_budget bigint,
    p_contract text, p_award text, p_range int, p_region text,
    p_category text, p_start timestamptz, p_close timestamptz,
    p_opening timestamptz, p_officer bigint, p_codes text[],
    p_qty numeric[], p_units text[], p_ip inet)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_agency bigint;
	v_id bigint := p_notice;
BEGIN
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	IF v_agency IS NULL THEN
		RETURN NULL;
	END IF;
	IF p_officer IS NOT NULL AND NOT EXISTS (SELECT 1 FROM portal.users
	    WHERE id = p_officer AND org_id = v_agency AND role = 'officer'
	    AND active) THEN
		RETURN NULL;
	END IF;
	IF v_id IS NULL THEN
		INSERT INTO bidding.notice (agency_id, created_by)
		VALUES (v_agency, p_user) RETURNING id INTO v_id;
	ELSE
		PERFORM 1 FROM bidding.notice WHERE id = v_id
		    AND agency_id = v_agency AND status = 'draft' FOR UPDATE;
		IF NOT FOUND THEN
			RETURN NULL;
		END IF;
		DELETE FROM bidding.notice_version WHERE notice_id = v_id
		   AND ord = 0;
		UPDATE bidding.notice SET updated_at = now() WHERE id = v_id;
	END IF;
	INSERT INTO bidding.notice_version (notice_id, ord, family, title,
	    base_amount, budget, contract_method, award_method, range_milli,
	    region_limit, category_limit, bid_start, bid_close, opening_at,
	    officer_id)
	VALUES (v_id, 0, p_family, p_title, p_base, p_budget, p_contract,
	    p_award, p_range, NULLIF(p_region, ''), NULLIF(p_category, ''),
	    p_start, p_close, p_opening, p_officer);
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT v_id, 0, i, p_codes[i], p_qty[i], p_units[i]
	  FROM generate_subscripts(p_codes, 1) i;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, v_agency, 'notice.draft', p_ip,
	    jsonb_build_object('notice', v_id, 'title', p_title));
	RETURN v_id;
END $$;

-- Publish a draft: the caller must be the notice's bid officer; the bid
-- window must still be ahead; the draft must be the one the officer saw
-- (p_stamp: its updated_at when read), since the sealed prices were drawn
-- from its base amount while the key was being made. Assigns the notice number, copies the draft
-- to order 1 with the floor rate that applies today and the sealed
-- preliminary prices, stores the opening key, audits and notifies.
-- Returns 'ok', 'not_found', 'not_officer', 'not_draft', 'changed',
-- 'too_late' or 'no_floor'.
CREATE FUNCTION bidding.notice_publish(p_user bigint, p_notice bigint,
    p_stamp timestamptz, p_public_pem text, p_private_enc_pem text,
    p_prices_sealed text, p_ip inet) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v bidding.notice_version;
	v_floor int;
	v_no text;
	v_seq bigint;
BEGIN
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF n.status <> 'draft' THEN
		RETURN 'not_draft';
	END IF;
	IF n.updated_at IS DISTINCT FROM p_stamp THEN
		RETURN 'changed';
	END IF;
	SELECT * INTO v FROM bidding.notice_version
	 WHERE notice_id = p_notice AND ord = 0;
	IF v.officer_id IS DISTINCT FROM p_user THEN
		RETURN 'not_officer';
	END IF;
	IF v.bid_close <= now() THEN
		RETURN 'too_late';
	END IF;
	IF v.award_method = 'qualification' THEN
		v_floor := bidding.floor_rate_for(v.family, v.base_amount,
		    (now() AT TIME ZONE 'Asia/Seoul')::date);
		IF v_floor IS NULL THEN
			RETURN 'no_floor';
		END IF;
	END IF;
	v_seq := nextval('bidding.notice_seq');
	v_no := 'G2B-' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYY') ||
	    '-' || lpad(v_seq::text, 6, '0');
	INSERT INTO bidding.notice_version (notice_id, ord, kind, family,
	    title, base_amount, budget, contract_method, award_method,
	    range_milli, region_limit, category_limit, bid_start, bid_close,
	    opening_at, officer_id, floor_rate_milli, prices_sealed,
	    published_at, published_by)
	SELECT notice_id, 1, 'register', family, title, base_amount, budget,
	    contract_method, award_method, range_milli, region_limit,
	    category_limit, bid_start, bid_close, opening_at, officer_id,
	    v_floor, p_prices_sealed, now(), p_user
	  FROM bidding.notice_version WHERE notice_id = p_notice AND ord = 0;
	INSERT INTO bidding.notice_item (notice_id, ord, line, code, quantity,
	    unit)
	SELECT notice_id, 1, line, code, quantity, unit
	  FROM bidding.notice_item WHERE notice_id = p_notice AND ord = 0;
	INSERT INTO bidding.opening_key (notice_id, public_pem,
	    private_enc_pem, officer_id)
	VALUES (p_notice, p_public_pem, p_private_enc_pem, p_user);
	UPDATE bidding.notice SET status = 'published', notice_no = v_no,
	    pub_seq = v_seq, cur_ord = 1, updated_at = now() WHERE id = p_notice;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, n.agency_id, 'notice.publish', p_ip,
	    jsonb_build_object('notice', p_notice, 'notice_no', v_no));
	PERFORM portal.notify_org(n.agency_id, 'notif.notice_published',
	    ARRAY[v_no, v.title], '/notices/' || p_notice);
	RETURN 'ok';
END $$;
