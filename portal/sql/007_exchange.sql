-- The e-document exchange (표준 전자문서 교환): API tokens of organisations'
-- systems, the certificates those systems sign documents with, and the
-- document box (전자문서함) that keeps every document exchanged.
CREATE SCHEMA IF NOT EXISTS exchange;

-- API tokens: only the SHA-256 of the 256-bit token is stored; the token
-- itself is shown once, when it is made.
CREATE TABLE exchange.token (
	id		bigserial PRIMARY KEY,
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	label		text NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
	created_by	bigint NOT NULL REFERENCES portal.users(id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_used_at	timestamptz,
	revoked_at	timestamptz,
	revoked_by	bigint REFERENCES portal.users(id)
);
CREATE INDEX token_org ON exchange.token (org_id, created_at DESC);

-- System certificates: issued by the portal CA for a public key an
-- organisation's system holds; documents it sends are signed with it.
CREATE TABLE exchange.system_cert (
	id		bigserial PRIMARY KEY,
	org_id		bigint NOT NULL REFERENCES portal.org(id),
	serial		text NOT NULL UNIQUE CHECK (serial ~ '^[0-9A-F]{1,40}$'),
	cert_pem	text NOT NULL,
	not_before	timestamptz NOT NULL,
	not_after	timestamptz NOT NULL,
	token_id	bigint REFERENCES exchange.token(id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	revoked_at	timestamptz,
	CHECK (not_before < not_after)
);
CREATE INDEX system_cert_org ON exchange.system_cert (org_id)
    WHERE revoked_at IS NULL;

-- The document box. direction 'in': sent to the portal by sender_org;
-- 'out': produced by the portal (sender_org NULL) for receiver_org (NULL
-- when fetched by someone without an organisation or publicly).
CREATE TABLE exchange.document (
	id		bigserial PRIMARY KEY,
	direction	text NOT NULL CHECK (direction IN ('in', 'out')),
	doc_type	text,			-- root element, if it was read
	doc_id		text,			-- the document's ID, if read
	sender_org	bigint REFERENCES portal.org(id),
	receiver_org	bigint REFERENCES portal.org(id),
	sha256		bytea NOT NULL CHECK (length(sha256) = 32),
	body		bytea NOT NULL,
	sig_status	text NOT NULL CHECK (sig_status IN ('verified',
			    'missing', 'invalid', 'unchecked', 'portal')),
	result		text NOT NULL CHECK (result IN ('accepted',
			    'rejected', 'sent')),
	problems	jsonb NOT NULL DEFAULT '[]',
	answer		bytea,
	http_status	int NOT NULL,
	token_id	bigint REFERENCES exchange.token(id),
	user_id		bigint REFERENCES portal.users(id),
	-- bidding.notice / bidding.contract ids: no foreign keys, since the
	-- portal's migrations run before the bidding schema exists.
	notice_id	bigint,
	contract_id	bigint,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (direction = 'out' OR sender_org IS NOT NULL),
	CHECK ((direction = 'in') = (answer IS NOT NULL))
);
-- A document accepted once is not processed again: a duplicate gets the
-- first answer. (A rejected one may be sent again once fixed, e.g. after
-- its system certificate was registered; each attempt is kept.)
CREATE UNIQUE INDEX document_accepted_once ON exchange.document
    (sender_org, sha256) WHERE direction = 'in' AND result = 'accepted';
CREATE INDEX document_sender ON exchange.document (sender_org, created_at DESC);
CREATE INDEX document_receiver ON exchange.document (receiver_org,
    created_at DESC);

-- Who is calling: an unrevoked token of an approved organisation, with the
-- user who made it (documents act on that user's behalf) and the
-- organisation's valid system certificates. last_used_at is kept to the
-- minute, so that a busy system's calls do not each write the token row.
CREATE FUNCTION exchange.token_auth(p_hash bytea)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    user_role text, bizno text, agency_code text, org_name text,
    certs text[]) LANGUAGE plpgsql AS $$
DECLARE
	v_used timestamptz;
BEGIN
	SELECT t.id, o.id, o.kind, u.id, u.role, o.bizno::text,
	    o.agency_code::text, o.name,
	    ARRAY(SELECT c.cert_pem FROM exchange.system_cert c
		   WHERE c.org_id = o.id AND c.revoked_at IS NULL
		     AND now() BETWEEN c.not_before AND c.not_after
		   ORDER BY c.id DESC LIMIT 8), t.last_used_at
	  INTO token_id, org_id, org_kind, user_id, user_role, bizno,
	    agency_code, org_name, certs, v_used
	  FROM exchange.token t
	  JOIN portal.org o ON o.id = t.org_id
	  JOIN portal.users u ON u.id = t.created_by
	 WHERE t.token_hash = p_hash AND t.revoked_at IS NULL
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

-- The first answer to an accepted document, if this sender sent it before.
CREATE FUNCTION exchange.duplicate(p_org bigint, p_sha bytea)
RETURNS TABLE (id bigint, answer bytea, http_status int)
LANGUAGE sql STABLE AS $$
	SELECT d.id, d.answer, d.http_status FROM exchange.document d
	 WHERE d.direction = 'in' AND d.result = 'accepted'
	   AND d.sender_org = p_org AND d.sha256 = p_sha
$$;

-- Store an inbound document with its answer, and, when accepted, carry out
-- what it asks, all in one transaction. p_route is the routing decision
-- made by the caller after the checks: 'none'; 'draft' (a CallForTenders
-- registration: p_f holds bidding.draft_save's fields family, title, base,
-- budget, contract, award, range, region, category, start, close, opening,
-- codes, qty, units); 'amend' (the same fields, and notice_no, order and
-- reason: bidding.notice_amend of the agency's published notice, keeping
-- its officer and sealed prices); 'cancel' (notice_no, order, reason:
-- bidding.notice_cancel); 'invoice' (p_f->>'contract_no', the contract
-- billed).
-- Returns status 'ok' (stored: doc, and notice or contract), 'duplicate'
-- (an identical document was accepted first: its row and answer), or, for
-- an accepted document that cannot be carried out, a problem code, and
-- nothing is stored: 'not_agency_user', 'unknown_category',
-- 'unknown_region', 'contract_not_found', 'notice_not_found',
-- 'order_mismatch', or what notice_amend / notice_cancel returned.
CREATE FUNCTION exchange.inbound_store(p_token bigint, p_org bigint,
    p_user bigint, p_type text, p_docid text, p_sha bytea, p_body bytea,
    p_sig text, p_result text, p_problems jsonb, p_answer bytea,
    p_http int, p_route text, p_ip inet, p_f jsonb,
    OUT status text, OUT doc bigint, OUT notice bigint, OUT contract bigint,
    OUT answer text)
LANGUAGE plpgsql AS $$
DECLARE
	v_receiver bigint;
	v_codes text[];
	v_notice bigint;
	v_cur int;
	v_officer bigint;
	v_r text;
BEGIN
	notice := NULL;
	contract := NULL;
	answer := NULL;
	IF p_result = 'accepted' THEN
		-- Two identical documents at once: the second waits, then finds
		-- the first.
		PERFORM pg_advisory_xact_lock(hashtextextended(
		    p_org::text || encode(p_sha, 'hex'), 7));
		SELECT d.id, convert_from(d.answer, 'UTF8') INTO doc, answer
		  FROM exchange.document d
		 WHERE d.direction = 'in' AND d.result = 'accepted'
		   AND d.sender_org = p_org AND d.sha256 = p_sha;
		IF FOUND THEN
			status := 'duplicate';
			RETURN;
		END IF;
		IF p_route IN ('draft', 'amend') THEN
			v_codes := ARRAY(SELECT jsonb_array_elements_text(
			    p_f->'codes'));
			IF p_f->>'region' IS NOT NULL AND NOT EXISTS (SELECT 1
			    FROM portal.region WHERE code = p_f->>'region') THEN
				status := 'unknown_region';
				RETURN;
			END IF;
			IF EXISTS (SELECT 1 FROM unnest(v_codes) c
			    WHERE NOT EXISTS (SELECT 1 FROM portal.category k
			    WHERE k.code = c)) THEN
				status := 'unknown_category';
				RETURN;
			END IF;
		END IF;
		IF p_route IN ('amend', 'cancel') THEN
			SELECT n.id, n.cur_ord, v.officer_id
			  INTO v_notice, v_cur, v_officer
			  FROM bidding.notice n
			  JOIN bidding.notice_version v ON v.notice_id = n.id
			   AND v.ord = n.cur_ord
			 WHERE n.notice_no = p_f->>'notice_no'
			   AND n.agency_id = p_org;
			IF NOT FOUND THEN
				status := 'notice_not_found';
				RETURN;
			END IF;
			IF (p_f->>'order')::int <> v_cur + 1 THEN
				status := 'order_mismatch';
				RETURN;
			END IF;
			IF p_route = 'cancel' THEN
				v_r := bidding.notice_cancel(p_user, v_notice, v_cur,
				    p_f->>'reason', p_ip);
			ELSE
				-- The sender's RebidRequired is not taken: the portal
				-- decides which changes void the bids made.
				v_r := bidding.notice_amend(p_user, v_notice, v_cur,
				    p_f->>'reason', p_f->>'family', p_f->>'title',
				    (p_f->>'base')::bigint, (p_f->>'budget')::bigint,
				    p_f->>'contract', p_f->>'award',
				    (p_f->>'range')::int, p_f->>'region',
				    p_f->>'category', (p_f->>'start')::timestamptz,
				    (p_f->>'close')::timestamptz,
				    (p_f->>'opening')::timestamptz, v_officer,
				    v_codes, ARRAY(SELECT jsonb_array_elements_text(
					p_f->'qty'))::numeric[],
				    ARRAY(SELECT jsonb_array_elements_text(
					p_f->'units')), NULL, p_ip);
			END IF;
			IF v_r <> 'ok' THEN
				status := v_r;
				RETURN;
			END IF;
			notice := v_notice;
		ELSIF p_route = 'draft' THEN
			notice := bidding.draft_save(p_user, NULL,
			    p_f->>'family', p_f->>'title',
			    (p_f->>'base')::bigint, (p_f->>'budget')::bigint,
			    p_f->>'contract', p_f->>'award',
			    (p_f->>'range')::int, p_f->>'region',
			    p_f->>'category', (p_f->>'start')::timestamptz,
			    (p_f->>'close')::timestamptz,
			    (p_f->>'opening')::timestamptz, NULL, v_codes,
			    ARRAY(SELECT jsonb_array_elements_text(p_f->'qty')
				)::numeric[],
			    ARRAY(SELECT jsonb_array_elements_text(
				p_f->'units')), p_ip);
			IF notice IS NULL THEN
				status := 'not_agency_user';
				RETURN;
			END IF;
		ELSIF p_route = 'invoice' THEN
			SELECT c.id, c.agency_id INTO contract, v_receiver
			  FROM bidding.contract c
			 WHERE c.contract_no = p_f->>'contract_no'
			   AND c.supplier_id = p_org;
			IF NOT FOUND THEN
				status := 'contract_not_found';
				RETURN;
			END IF;
		END IF;
	END IF;
	INSERT INTO exchange.document (direction, doc_type, doc_id,
	    sender_org, receiver_org, sha256, body, sig_status, result,
	    problems, answer, http_status, token_id, user_id, notice_id,
	    contract_id)
	VALUES ('in', p_type, p_docid, p_org, v_receiver, p_sha, p_body,
	    p_sig, p_result, p_problems, p_answer, p_http, p_token, p_user,
	    notice, contract)
	RETURNING id INTO doc;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	VALUES (p_user, p_org, 'edoc.' || p_result, p_ip,
	    jsonb_build_object('document', doc, 'type', p_type,
	    'id', p_docid, 'notice', notice, 'contract', contract));
	status := 'ok';
END $$;

-- The OCDS 1.1 release feed (open data): one release per published order
-- of a notice (tag tender, tenderAmendment or tenderCancellation) and one
-- per contract (tags award and contract), in a stable order with a
-- keyset cursor "<microseconds>.<kind>.<id>.<order>" (the last release
-- returned). Returns the releases as a JSON array and the next cursor
-- (NULL at the end). plpgsql: the bidding schema is made after this file.
CREATE FUNCTION exchange.ocds_releases(p_after text, p_limit int,
    OUT releases jsonb, OUT next_cursor text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	c text[] := string_to_array(coalesce(p_after, '0.0.0.0'), '.');
BEGIN
	WITH ev AS (
		SELECT (extract(epoch FROM v.published_at) * 1000000)::bigint AS t,
		    0 AS k, v.notice_id AS a, v.ord AS b
		  FROM bidding.notice_version v WHERE v.ord >= 1
		UNION ALL
		SELECT (extract(epoch FROM c.awarded_at) * 1000000)::bigint, 1,
		    c.id, 0
		  FROM bidding.contract c
	), page AS (
		SELECT * FROM ev
		 WHERE (t, k, a, b) > (c[1]::bigint, c[2]::int, c[3]::bigint,
		    c[4]::int)
		 ORDER BY t, k, a, b LIMIT p_limit
	), rel AS (
		SELECT p.t, p.k, p.a, p.b, CASE WHEN p.k = 0 THEN
		    jsonb_build_object(
			'ocid', 'ocds-g2bkr-' || n.notice_no,
			'id', n.notice_no || '-' || lpad(v.ord::text, 2, '0'),
			'date', to_char(v.published_at AT TIME ZONE 'UTC',
			    'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			'tag', jsonb_build_array(CASE v.kind
			    WHEN 'amend' THEN 'tenderAmendment'
			    WHEN 'cancel' THEN 'tenderCancellation'
			    ELSE 'tender' END),
			'initiationType', 'tender',
			'language', 'ko',
			'parties', jsonb_build_array(jsonb_build_object(
			    'id', 'KR-AGENCY-' || o.agency_code,
			    'name', o.name,
			    'roles', jsonb_build_array('buyer',
				'procuringEntity'))),
			'buyer', jsonb_build_object(
			    'id', 'KR-AGENCY-' || o.agency_code, 'name', o.name),
			'tender', jsonb_strip_nulls(jsonb_build_object(
			    'id', n.notice_no,
			    'title', v.title,
			    'status', CASE v.kind WHEN 'cancel' THEN 'cancelled'
				ELSE 'active' END,
			    'value', jsonb_build_object('amount', v.budget,
				'currency', 'KRW'),
			    'procurementMethod', CASE v.contract_method
				WHEN 'open' THEN 'open'
				WHEN 'restricted' THEN 'selective'
				WHEN 'nominated' THEN 'limited'
				ELSE 'direct' END,
			    'procurementMethodDetails', v.contract_method,
			    'mainProcurementCategory', CASE v.family
				WHEN 'services' THEN 'services'
				WHEN 'works' THEN 'works' ELSE 'goods' END,
			    'awardCriteria', CASE v.award_method
				WHEN 'lowest' THEN 'priceOnly' END,
			    'awardCriteriaDetails', v.award_method,
			    'tenderPeriod', jsonb_build_object(
				'startDate', to_char(v.bid_start AT TIME ZONE
				    'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				'endDate', to_char(v.bid_close AT TIME ZONE
				    'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
			    'items', (SELECT jsonb_agg(jsonb_build_object(
				'id', i.line::text,
				'classification', jsonb_build_object(
				    'scheme', 'UNSPSC', 'id', i.code),
				'quantity', i.quantity,
				'unit', jsonb_build_object('name', i.unit))
				ORDER BY i.line)
				FROM bidding.notice_item i
				WHERE i.notice_id = v.notice_id
				  AND i.ord = v.ord),
			    'amendments', CASE WHEN v.kind <> 'register' THEN
				jsonb_build_array(jsonb_build_object(
				    'id', n.notice_no || '-' ||
					lpad(v.ord::text, 2, '0'),
				    'date', to_char(v.published_at AT TIME ZONE
					'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
				    'rationale', v.reason)) END)))
		ELSE
		    jsonb_build_object(
			'ocid', 'ocds-g2bkr-' || cn.notice_no,
			'id', k.contract_no,
			'date', to_char(k.awarded_at AT TIME ZONE 'UTC',
			    'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			'tag', jsonb_build_array('award', 'contract'),
			'initiationType', 'tender',
			'language', 'ko',
			'parties', jsonb_build_array(
			    jsonb_build_object('id', 'KR-AGENCY-' ||
				ka.agency_code, 'name', ka.name,
				'roles', jsonb_build_array('buyer')),
			    jsonb_build_object('id', 'KR-BRN-' || ks.bizno,
				'name', ks.name,
				'roles', jsonb_build_array('supplier'))),
			'buyer', jsonb_build_object('id', 'KR-AGENCY-' ||
			    ka.agency_code, 'name', ka.name),
			'awards', jsonb_build_array(jsonb_build_object(
			    'id', 'AWD-' || k.contract_no,
			    'date', to_char(k.awarded_at AT TIME ZONE 'UTC',
				'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
			    'status', 'active',
			    'value', jsonb_build_object('amount', k.amount,
				'currency', 'KRW'),
			    'suppliers', jsonb_build_array(jsonb_build_object(
				'id', 'KR-BRN-' || ks.bizno,
				'name', ks.name)))),
			'contracts', jsonb_build_array(jsonb_strip_nulls(
			    jsonb_build_object(
			    'id', k.contract_no,
			    'awardID', 'AWD-' || k.contract_no,
			    'status', CASE k.status
				WHEN 'awarded' THEN 'pending'
				WHEN 'signed' THEN 'active'
				WHEN 'completed' THEN 'terminated'
				ELSE 'cancelled' END,
			    'value', jsonb_build_object('amount', k.amount,
				'currency', 'KRW'),
			    'period', CASE WHEN k.starts IS NOT NULL THEN
				jsonb_build_object('startDate',
				    to_char(k.starts, 'YYYY-MM-DD'),
				    'endDate', to_char(k.ends, 'YYYY-MM-DD'))
				END))))
		END AS r
		  FROM page p
		  LEFT JOIN bidding.notice_version v ON p.k = 0
		   AND v.notice_id = p.a AND v.ord = p.b
		  LEFT JOIN bidding.notice n ON n.id = v.notice_id
		  LEFT JOIN portal.org o ON o.id = n.agency_id
		  LEFT JOIN bidding.contract k ON p.k = 1 AND k.id = p.a
		  LEFT JOIN bidding.notice cn ON cn.id = k.notice_id
		  LEFT JOIN portal.org ka ON ka.id = k.agency_id
		  LEFT JOIN portal.org ks ON ks.id = k.supplier_id
	)
	SELECT coalesce(jsonb_agg(r ORDER BY t, k, a, b), '[]'::jsonb),
	    CASE WHEN count(*) = p_limit THEN
		(array_agg(t || '.' || k || '.' || a || '.' || b
		    ORDER BY t DESC, k DESC, a DESC, b DESC))[1] END
	  INTO releases, next_cursor
	  FROM rel;
END $$;
