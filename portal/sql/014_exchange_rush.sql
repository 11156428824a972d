-- The exchange's bid path in fewer writes (issue 4). Before, a Tender
-- document from a supplier's system committed three times: the API
-- token's last_used_at in the look-up of the token (every document of a
-- system that sends less than one a minute), the bid
-- (exchange.bid_submit), then the document box row with its signed answer
-- (exchange.inbound_bid_store, which also wrote the row a second time to
-- link the notice). A crash between the bid and the box row left a bid
-- without its document until the sender sent it again.
--
-- Now the bid and its document row (linked to the notice, audited) are one
-- transaction, exchange.bid_take, which also stamps the token; the answer,
-- which carries the receipt that transaction made and is signed by the
-- portal after it, is put into that row by exchange.answer_put, a
-- heap-only update, and only then sent. A crash between the two leaves an
-- accepted Tender row without an answer, never a bid without its row: the
-- same document sent again finds that row, gets the bid's first receipt
-- and completes it. Whoever puts an answer first wins; every later
-- duplicate gets that answer, byte for byte. The token look-up no longer
-- writes (exchange.inbound_auth): the row stored for the document stamps
-- the token in the same commit (exchange.inbound_store_in), and only a
-- duplicate answered from the look-up itself stamps it there.
--
-- plpgsql throughout: the bidding schema is made after the portal's
-- migrations.

-- A Tender's row may wait for its answer (accepted Tenders only).
DO $$
DECLARE
	c text;
BEGIN
	SELECT conname INTO STRICT c FROM pg_constraint
	 WHERE conrelid = 'exchange.document'::regclass AND contype = 'c'
	   AND pg_get_constraintdef(oid) =
	    'CHECK (((direction = ''in''::text) = (answer IS NOT NULL)))';
	EXECUTE format('ALTER TABLE exchange.document DROP CONSTRAINT %I', c);
END $$;
ALTER TABLE exchange.document ADD CONSTRAINT document_answer CHECK (
    CASE direction WHEN 'out' THEN answer IS NULL
    ELSE answer IS NOT NULL OR (result = 'accepted' AND doc_type = 'Tender')
    END);

-- Who is calling, and the first answer if this sender's document was
-- accepted before: exchange.token_auth_ip (p_token, the SHA-256 of an API
-- token) or exchange.cert_auth_ip (p_cert, the SHA-256 of a TLS client
-- certificate's DER), with the same throttling and failure counting, and
-- exchange.duplicate, in one call that writes only for a failure or a
-- duplicate. stamp: the token's last use is due to be recorded (to the
-- minute) by the store of the document. answer is NULL for a Tender whose
-- row waits for its answer (the document is then processed again).
CREATE FUNCTION exchange.inbound_auth(p_token bytea, p_cert bytea,
    p_sha bytea, p_ip inet)
RETURNS TABLE (token_id bigint, org_id bigint, org_kind text, user_id bigint,
    receiver text, certs text[], answer text, http_status int,
    retry_after int) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	c_limit CONSTANT int := 20;
	c_window CONSTANT interval := '10 minutes';
	f exchange.auth_failure;
	v_used timestamptz;
	v_org bigint;
	v_token bigint;
BEGIN
	SELECT * INTO f FROM exchange.auth_failure x WHERE x.ip = p_ip;
	IF FOUND AND f.failures >= c_limit
	    AND f.window_start > now() - c_window THEN
		retry_after := greatest(1, ceil(extract(epoch FROM
		    f.window_start + c_window - now())))::int;
		RETURN NEXT;
		RETURN;
	END IF;
	IF p_cert IS NULL THEN
		SELECT t.id, o.id, o.kind, u.id,
		    coalesce(o.bizno::text, o.agency_code::text),
		    ARRAY(SELECT c.cert_pem FROM exchange.system_cert c
			   WHERE c.org_id = o.id AND c.revoked_at IS NULL
			     AND now() BETWEEN c.not_before AND c.not_after
			   ORDER BY c.id DESC LIMIT 8), t.last_used_at
		  INTO token_id, org_id, org_kind, user_id, receiver, certs,
		    v_used
		  FROM exchange.token t
		  JOIN portal.org o ON o.id = t.org_id
		  JOIN portal.users u ON u.id = t.created_by
		 WHERE t.token_hash = p_token AND t.revoked_at IS NULL
		   AND o.status = 'approved' AND u.active AND u.org_id = o.id;
	ELSE
		SELECT t.id, o.id, o.kind, u.id,
		    coalesce(o.bizno::text, o.agency_code::text),
		    ARRAY(SELECT c2.cert_pem FROM exchange.system_cert c2
			   WHERE c2.org_id = o.id AND c2.revoked_at IS NULL
			     AND now() BETWEEN c2.not_before AND c2.not_after
			   ORDER BY c2.id DESC LIMIT 8), t.last_used_at
		  INTO token_id, org_id, org_kind, user_id, receiver, certs,
		    v_used
		  FROM exchange.system_cert c
		  JOIN exchange.token t ON t.id = c.token_id
		  JOIN portal.org o ON o.id = c.org_id
		  JOIN portal.users u ON u.id = t.created_by
		 WHERE c.der_sha256 = p_cert AND c.revoked_at IS NULL
		   AND now() BETWEEN c.not_before AND c.not_after
		   AND t.revoked_at IS NULL AND t.org_id = c.org_id
		   AND o.status = 'approved' AND u.active AND u.org_id = o.id;
	END IF;
	IF NOT FOUND THEN
		IF p_ip IS NOT NULL THEN
			INSERT INTO exchange.auth_failure AS x (ip, window_start,
			    failures)
			VALUES (p_ip, now(), 1)
			ON CONFLICT (ip) DO UPDATE SET
			    failures = CASE WHEN x.window_start > now() - c_window
				THEN x.failures + 1 ELSE 1 END,
			    window_start = CASE WHEN x.window_start >
				now() - c_window THEN x.window_start ELSE now() END;
			IF random() < 0.01 THEN
				DELETE FROM exchange.auth_failure
				 WHERE window_start < now() - interval '1 day';
			END IF;
		END IF;
		RETURN;
	END IF;
	v_org := org_id;
	v_token := token_id;
	SELECT convert_from(d.answer, 'UTF8'), d.http_status
	  INTO answer, http_status FROM exchange.document d
	 WHERE d.direction = 'in' AND d.result = 'accepted'
	   AND d.sender_org = v_org AND d.sha256 = p_sha;
	-- Answered from here: nothing else will record the token's use.
	IF answer IS NOT NULL AND (v_used IS NULL OR
	    v_used < now() - interval '1 minute') THEN
		UPDATE exchange.token t SET last_used_at = now()
		 WHERE t.id = v_token;
	END IF;
	RETURN NEXT;
END $$;

-- The token's last use, to the minute (exchange.token_auth's rule), in
-- the transaction that stores the document.
CREATE FUNCTION exchange.token_stamp(p_token bigint)
RETURNS void LANGUAGE sql AS $$
	UPDATE exchange.token SET last_used_at = now()
	 WHERE id = p_token AND (last_used_at IS NULL OR
	    last_used_at < now() - interval '1 minute')
$$;

-- exchange.inbound_store, stamping the token in the same transaction.
CREATE FUNCTION exchange.inbound_store_in(p_token bigint, p_org bigint,
    p_user bigint, p_type text, p_docid text, p_sha bytea, p_body bytea,
    p_sig text, p_result text, p_problems jsonb, p_answer bytea,
    p_http int, p_route text, p_ip inet, p_f jsonb,
    OUT status text, OUT doc bigint, OUT notice bigint, OUT contract bigint,
    OUT answer text)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT s.status, s.doc, s.notice, s.contract, s.answer
	  INTO status, doc, notice, contract, answer
	  FROM exchange.inbound_store(p_token, p_org, p_user, p_type, p_docid,
	    p_sha, p_body, p_sig, p_result, p_problems, p_answer, p_http,
	    p_route, p_ip, p_f) s;
	IF status = 'ok' THEN
		PERFORM exchange.token_stamp(p_token);
	END IF;
END $$;

-- A Tender that passed every check of the document and of the bid made
-- in C: the bid (exchange.bid_submit: bidding.bid_submit and the
-- receipt's fields) and its accepted document row (linked to the notice,
-- without its answer yet, audited as exchange.inbound_store audits) in
-- one transaction. Status:
--  'answered': this sender's identical document was accepted and answered
--    before (doc, answer: send that answer; nothing is written);
--  'ok' or 'duplicate' (the same signed bid was taken before, e.g. by
--    another document carrying it: its first receipt): doc is the row
--    whose answer exchange.answer_put sets; a row of this document still
--    waiting for its answer (a crash came between) is that row;
--  otherwise exchange.bid_submit's refusal, and nothing is written.
CREATE FUNCTION exchange.bid_take(p_token bigint, p_org bigint,
    p_user bigint, p_docid text, p_sha bytea, p_body bytea, p_sig text,
    p_ip inet, p_notice bigint, p_notice_no text, p_ord int, p_bizno text,
    p_serial text, p_cert_pem text, p_canonical text, p_sealed bytea,
    p_signature bytea, p_hash bytea,
    OUT status text, OUT doc bigint, OUT bid_id bigint, OUT receipt_no text,
    OUT received text, OUT reg_date text, OUT reg_time text,
    OUT org_name text, OUT issued text, OUT answer text)
LANGUAGE plpgsql AS $$
BEGIN
	-- Two identical documents at once: the second waits, then finds
	-- the first (the lock of exchange.inbound_store).
	PERFORM pg_advisory_xact_lock(hashtextextended(
	    p_org::text || encode(p_sha, 'hex'), 7));
	SELECT d.id, convert_from(d.answer, 'UTF8') INTO doc, answer
	  FROM exchange.document d
	 WHERE d.direction = 'in' AND d.result = 'accepted'
	   AND d.sender_org = p_org AND d.sha256 = p_sha;
	IF answer IS NOT NULL THEN
		status := 'answered';
		RETURN;
	END IF;
	SELECT s.status, s.bid_id, s.receipt_no, s.received, s.reg_date,
	    s.reg_time, s.org_name, s.issued
	  INTO status, bid_id, receipt_no, received, reg_date, reg_time,
	    org_name, issued
	  FROM exchange.bid_submit(p_user, p_notice, p_notice_no, p_ord,
	    p_bizno, p_serial, p_cert_pem, p_canonical, p_sealed, p_signature,
	    p_hash, p_ip) s;
	IF status NOT IN ('ok', 'duplicate') THEN
		doc := NULL;
		RETURN;
	END IF;
	-- This commit need not wait for its WAL flush: nothing of it is sent
	-- before exchange.answer_put's commit, which does wait, and a flush
	-- covers every commit record before its own. A crash before that loses
	-- at most bids nobody was told of (never a bid without its row).
	-- (bid_take is called as a statement of its own.)
	PERFORM set_config('synchronous_commit', 'off', true);
	IF doc IS NULL THEN
		INSERT INTO exchange.document (direction, doc_type, doc_id,
		    sender_org, sha256, body, sig_status, result, problems,
		    answer, http_status, token_id, user_id, notice_id)
		VALUES ('in', 'Tender', p_docid, p_org, p_sha, p_body, p_sig,
		    'accepted', '[]', NULL, 200, p_token, p_user, p_notice)
		RETURNING id INTO doc;
		INSERT INTO portal.audit (actor, org_id, event, ip, detail)
		VALUES (p_user, p_org, 'edoc.accepted', p_ip,
		    jsonb_build_object('document', doc, 'type', 'Tender',
		    'id', p_docid, 'notice', p_notice, 'contract', NULL));
	END IF;
	PERFORM exchange.token_stamp(p_token);
END $$;

-- The signed answer of an accepted Tender's row (exchange.bid_take), once:
-- answer is NULL when p_answer was stored, else the answer another request
-- for the same document stored first (send that one).
CREATE FUNCTION exchange.answer_put(p_doc bigint, p_org bigint,
    p_answer bytea, OUT answer text)
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE exchange.document d SET answer = p_answer
	 WHERE d.id = p_doc AND d.sender_org = p_org AND d.answer IS NULL;
	IF NOT FOUND THEN
		SELECT convert_from(d.answer, 'UTF8') INTO STRICT answer
		  FROM exchange.document d
		 WHERE d.id = p_doc AND d.sender_org = p_org
		   AND d.answer IS NOT NULL;
	END IF;
END $$;
