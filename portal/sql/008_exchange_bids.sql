-- Bids from suppliers' systems through the e-document exchange (issue 4):
-- a Tender document enters the same sealed-bid path as the browser. The
-- portal checks the system's XML signature, the document against the
-- canonical bid text and the supplier user's bid signature in C (the
-- browser's checks, bidding/bids.h), then calls exchange.bid_submit, and
-- stores the document with its signed answer (which carries the bid
-- receipt) through exchange.inbound_bid_store. plpgsql throughout: the
-- bidding schema is made after the portal's migrations.

-- bidding.bid_submit for a Tender document: the notice number the
-- document and its canonical text name must be the notice's (the browser
-- path takes the notice from the URL; a document names it twice), then
-- exactly the browser's submission (window by the database clock,
-- eligibility, sanctions, the certificate the token's user holds and its
-- revocation, one live bid, the hash chain). For 'ok' and 'duplicate'
-- (the same signed bid again: its first receipt) also the receipt's date
-- and time in Korea, the bidder's name and the answer's issue time.
CREATE FUNCTION exchange.bid_submit(p_user bigint, p_notice bigint,
    p_notice_no text, p_ord int, p_bizno text, p_serial text,
    p_cert_pem text, p_canonical text, p_sealed bytea, p_signature bytea,
    p_hash bytea, p_ip inet,
    OUT status text, OUT bid_id bigint, OUT receipt_no text,
    OUT received text, OUT reg_date text, OUT reg_time text,
    OUT org_name text, OUT issued text)
LANGUAGE plpgsql AS $$
DECLARE
	v_no text;
	v_at timestamptz;
BEGIN
	SELECT n.notice_no INTO v_no FROM bidding.notice n
	 WHERE n.id = p_notice AND n.status <> 'draft';
	IF NOT FOUND THEN
		status := 'not_found';
		RETURN;
	END IF;
	IF v_no IS DISTINCT FROM p_notice_no THEN
		status := 'notice_mismatch';
		RETURN;
	END IF;
	SELECT s.status, s.bid_id, s.receipt_no, s.received
	  INTO status, bid_id, receipt_no, received
	  FROM bidding.bid_submit(p_user, p_notice, p_ord, p_bizno, p_serial,
	    p_cert_pem, p_canonical, p_sealed, p_signature, p_hash, p_ip) s;
	IF status NOT IN ('ok', 'duplicate') THEN
		bid_id := NULL;
		receipt_no := NULL;
		received := NULL;
		RETURN;
	END IF;
	v_at := received::timestamptz;
	reg_date := to_char(v_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD');
	reg_time := to_char(v_at AT TIME ZONE 'Asia/Seoul', 'HH24:MI:SS.US') ||
	    '+09:00';
	SELECT o.name INTO org_name FROM portal.users u
	  JOIN portal.org o ON o.id = u.org_id WHERE u.id = p_user;
	issued := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
END $$;

-- exchange.inbound_store for a Tender: the same, and an accepted bid
-- document is linked to its notice (p_notice) in the document box.
CREATE FUNCTION exchange.inbound_bid_store(p_token bigint, p_org bigint,
    p_user bigint, p_type text, p_docid text, p_sha bytea, p_body bytea,
    p_sig text, p_result text, p_problems jsonb, p_answer bytea,
    p_http int, p_route text, p_ip inet, p_f jsonb, p_notice bigint,
    OUT status text, OUT doc bigint, OUT notice bigint, OUT contract bigint,
    OUT answer text)
LANGUAGE plpgsql AS $$
BEGIN
	SELECT s.status, s.doc, s.notice, s.contract, s.answer
	  INTO status, doc, notice, contract, answer
	  FROM exchange.inbound_store(p_token, p_org, p_user, p_type, p_docid,
	    p_sha, p_body, p_sig, p_result, p_problems, p_answer, p_http,
	    'none', p_ip, p_f) s;
	IF status = 'ok' AND p_result = 'accepted' AND p_notice IS NOT NULL THEN
		UPDATE exchange.document SET notice_id = p_notice WHERE id = doc;
		notice := p_notice;
	END IF;
END $$;
