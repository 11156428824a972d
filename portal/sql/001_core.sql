-- Portal core: organisations, users, sessions, audit trail, notifications.
CREATE SCHEMA IF NOT EXISTS portal;

CREATE TABLE portal.region (
	code	char(2) PRIMARY KEY,	-- 시·도 code (행정표준코드 first two digits)
	name_ko	text NOT NULL,
	name_en	text NOT NULL,
	sort	smallint NOT NULL
);

INSERT INTO portal.region (code, name_ko, name_en, sort) VALUES
 ('11', '서울특별시', 'Seoul', 1),
 ('26', '부산광역시', 'Busan', 2),
 ('27', '대구광역시', 'Daegu', 3),
 ('28', '인천광역시', 'Incheon', 4),
 ('29', '광주광역시', 'Gwangju', 5),
 ('30', '대전광역시', 'Daejeon', 6),
 ('31', '울산광역시', 'Ulsan', 7),
 ('36', '세종특별자치시', 'Sejong', 8),
 ('41', '경기도', 'Gyeonggi-do', 9),
 ('51', '강원특별자치도', 'Gangwon-do', 10),
 ('43', '충청북도', 'Chungcheongbuk-do', 11),
 ('44', '충청남도', 'Chungcheongnam-do', 12),
 ('52', '전북특별자치도', 'Jeonbuk-do', 13),
 ('46', '전라남도', 'Jeollanam-do', 14),
 ('47', '경상북도', 'Gyeongsangbuk-do', 15),
 ('48', '경상남도', 'Gyeongsangnam-do', 16),
 ('50', '제주특별자치도', 'Jeju-do', 17);

CREATE TABLE portal.category (
	code	char(8) PRIMARY KEY,	-- UNSPSC-style: segment/family/class/commodity
	parent	char(8) REFERENCES portal.category(code),
	level	smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
	name_ko	text NOT NULL,
	name_en	text NOT NULL
);
CREATE INDEX category_parent ON portal.category (parent);

-- An organisation is a supplier (조달업체) or a demand agency (수요기관).
CREATE TABLE portal.org (
	id		bigserial PRIMARY KEY,
	kind		text NOT NULL CHECK (kind IN ('supplier', 'agency')),
	status		text NOT NULL DEFAULT 'pending'
			    CHECK (status IN ('pending', 'approved', 'rejected')),
	name		text NOT NULL,
	region		char(2) NOT NULL REFERENCES portal.region(code),
	address		text NOT NULL DEFAULT '',
	-- supplier fields
	bizno		char(10) UNIQUE,	-- 사업자등록번호, digits only
	representative	text,
	biz_type	text CHECK (biz_type IN ('manufacturer', 'distributor',
			    'service', 'construction')),
	licences	text[] NOT NULL DEFAULT '{}',
	contact_name	text,
	email		text,
	phone		text,
	-- agency fields
	agency_code	char(7) UNIQUE,		-- 수요기관 코드
	agency_kind	text CHECK (agency_kind IN ('central', 'local',
			    'corporation', 'education')),
	review_reason	text,
	reviewed_at	timestamptz,
	reviewed_by	bigint,
	submit_nonce	text UNIQUE,		-- makes a double submit idempotent
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (kind <> 'supplier' OR (bizno IS NOT NULL AND biz_type IS NOT NULL)),
	CHECK (kind <> 'agency' OR (agency_code IS NOT NULL AND agency_kind IS NOT NULL))
);
CREATE INDEX org_status ON portal.org (kind, status, created_at DESC);

CREATE TABLE portal.org_category (
	org_id	bigint NOT NULL REFERENCES portal.org(id) ON DELETE CASCADE,
	code	char(8) NOT NULL REFERENCES portal.category(code),
	PRIMARY KEY (org_id, code)
);
CREATE INDEX org_category_code ON portal.org_category (code);

CREATE TABLE portal.users (
	id		bigserial PRIMARY KEY,
	login		text NOT NULL UNIQUE,
	org_id		bigint REFERENCES portal.org(id),
	role		text NOT NULL CHECK (role IN ('supplier', 'agency',
			    'officer', 'staff', 'agent')),
	name		text NOT NULL,
	email		text NOT NULL DEFAULT '',
	phone		text NOT NULL DEFAULT '',
	pwhash		text NOT NULL,
	failed_logins	int NOT NULL DEFAULT 0,
	locked_until	timestamptz,
	lang		text NOT NULL DEFAULT 'ko' CHECK (lang IN ('ko', 'en')),
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (role IN ('staff', 'agent') OR org_id IS NOT NULL)
);
CREATE INDEX users_org ON portal.users (org_id);

-- Sessions: only the SHA-256 of the 256-bit token is stored.
CREATE TABLE portal.session (
	token_hash	bytea PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES portal.users(id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_seen	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	ip		inet
);
CREATE INDEX session_by_user ON portal.session (user_id);
CREATE INDEX session_expires ON portal.session (expires_at);

CREATE TABLE portal.audit (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	actor		bigint REFERENCES portal.users(id),
	org_id		bigint REFERENCES portal.org(id),
	event		text NOT NULL,
	ip		inet,
	detail		jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_at ON portal.audit (at DESC);
CREATE INDEX audit_org ON portal.audit (org_id, at DESC);

-- In-app inbox. Text is a message-catalog key plus arguments so that each
-- reader sees it in their own language.
CREATE TABLE portal.notification (
	id		bigserial PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES portal.users(id) ON DELETE CASCADE,
	msg_key		text NOT NULL,
	args		text[] NOT NULL DEFAULT '{}',
	link		text NOT NULL DEFAULT '',
	created_at	timestamptz NOT NULL DEFAULT now(),
	read_at		timestamptz
);
CREATE INDEX notification_unread ON portal.notification (user_id)
    WHERE read_at IS NULL;
CREATE INDEX notification_user ON portal.notification (user_id, created_at DESC);

-- Post a notification to every active user of an organisation.
CREATE FUNCTION portal.notify_org(p_org bigint, p_key text, p_args text[],
    p_link text) RETURNS void LANGUAGE sql AS $$
	INSERT INTO portal.notification (user_id, msg_key, args, link)
	SELECT id, p_key, p_args, p_link FROM portal.users
	 WHERE org_id = p_org AND active;
$$;

-- Look up a live session, slide its expiry (at most once a minute) and return
-- what every page needs: the user, the organisation and the unread count.
CREATE FUNCTION portal.session_get(p_hash bytea, p_idle interval)
RETURNS TABLE (user_id bigint, login text, role text, name text, lang text,
    org_id bigint, org_name text, org_status text, org_kind text, unread bigint)
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE portal.session s SET last_seen = now(), expires_at = now() + p_idle
	 WHERE s.token_hash = p_hash AND s.expires_at > now()
	   AND s.last_seen < now() - interval '1 minute';
	RETURN QUERY
	SELECT u.id, u.login, u.role, u.name, u.lang, o.id, o.name, o.status, o.kind,
	    (SELECT count(*) FROM portal.notification n
	      WHERE n.user_id = u.id AND n.read_at IS NULL)
	  FROM portal.session s JOIN portal.users u ON u.id = s.user_id
	  LEFT JOIN portal.org o ON o.id = u.org_id
	 WHERE s.token_hash = p_hash AND s.expires_at > now() AND u.active;
END $$;

-- Record the outcome of a password check. Throttling lives here so that it
-- holds across workers and nodes: 5 failures lock the account for 15 minutes.
-- Returns 'ok', 'bad' or 'locked'.
CREATE FUNCTION portal.login_finish(p_user bigint, p_ok boolean,
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
	DELETE FROM portal.session WHERE expires_at < now() - interval '1 day';
	INSERT INTO portal.session (token_hash, user_id, expires_at, ip)
	VALUES (p_hash, u.id, now() + p_idle, p_ip);
	INSERT INTO portal.audit (actor, org_id, event, ip)
	VALUES (u.id, u.org_id, 'login.success', p_ip);
	RETURN 'ok';
END $$;
