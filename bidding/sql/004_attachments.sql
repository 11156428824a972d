-- Notice attachments (입찰공고 첨부파일: 공고문, 규격서, 내역서 ...).
--
-- A file belongs to a notice and becomes public with an order (차수): the
-- files added to a draft are published with it (order 1); on a published
-- notice a file added or removed is pending until the next amendment
-- (정정공고), so the public history says which order brought or withdrew
-- each file, and bidders are told through the amendment's notification.
-- Removed files stay downloadable from the history: what was published
-- is never lost. The content is kept with its SHA-256, computed here.

CREATE TABLE bidding.attachment (
	id		bigserial PRIMARY KEY,
	notice_id	bigint NOT NULL REFERENCES bidding.notice(id)
			    ON DELETE CASCADE,
	added_ord	int,		-- NULL while pending
	removed_ord	int,
	remove_pending	boolean NOT NULL DEFAULT false,
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	ctype		text NOT NULL,
	size		int NOT NULL CHECK (size BETWEEN 1 AND 10485760),
	sha256		bytea NOT NULL CHECK (length(sha256) = 32),
	data		bytea NOT NULL,
	uploaded_by	bigint NOT NULL REFERENCES portal.users(id),
	uploaded_at	timestamptz NOT NULL DEFAULT now(),
	CHECK (length(data) = size),
	CHECK (removed_ord IS NULL OR removed_ord > added_ord),
	CHECK (NOT remove_pending OR (added_ord IS NOT NULL AND
	    removed_ord IS NULL))
);
CREATE INDEX attachment_notice ON bidding.attachment (notice_id, id);
-- PDFs, office files and images are compressed already.
ALTER TABLE bidding.attachment ALTER COLUMN data SET STORAGE EXTERNAL;

-- The agency's user, its own notice, still changeable (a draft, or
-- published and before the close), locked for the change. Returns the
-- notice's status or a refusal code.
CREATE FUNCTION bidding.attachment_notice(p_user bigint, p_notice bigint)
    RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bidding.notice;
	v_agency bigint;
	v_close timestamptz;
BEGIN
	SELECT org_id INTO v_agency FROM portal.users
	 WHERE id = p_user AND role IN ('agency', 'officer') AND active;
	SELECT * INTO n FROM bidding.notice WHERE id = p_notice FOR UPDATE;
	IF NOT FOUND OR n.agency_id IS DISTINCT FROM v_agency THEN
		RETURN 'not_found';
	END IF;
	IF n.status = 'cancelled' THEN
		RETURN 'closed';
	END IF;
	IF n.status = 'published' THEN
		SELECT bid_close INTO v_close FROM bidding.notice_version
		 WHERE notice_id = p_notice AND ord = n.cur_ord;
		IF v_close <= now() THEN
			RETURN 'closed';
		END IF;
	END IF;
	RETURN n.status;
END $$;

-- Add a file the caller has type-checked. Returns 'ok' with the new id,
-- or 'not_found', 'closed', 'too_many' (20 files), 'duplicate' (the same
-- content is attached already).
CREATE FUNCTION bidding.attachment_add(p_user bigint, p_notice bigint,
    p_name text, p_ctype text, p_data bytea, p_ip inet,
    OUT status text, OUT attachment_id bigint) LANGUAGE plpgsql AS $$
DECLARE
	v_hash bytea := sha256(p_data);
BEGIN
	status := bidding.attachment_notice(p_user, p_notice);
	IF status NOT IN ('draft', 'published') THEN
		RETURN;
	END IF;
	IF (SELECT count(*) FROM bidding.attachment WHERE notice_id = p_notice
	    AND removed_ord IS NULL AND NOT remove_pending) >= 20 THEN
		status := 'too_many';
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM bidding.attachment WHERE notice_id = p_notice
	    AND sha256 = v_hash AND removed_ord IS NULL) THEN
		status := 'duplicate';
		RETURN;
	END IF;
	INSERT INTO bidding.attachment (notice_id, name, ctype, size, sha256,
	    data, uploaded_by)
	VALUES (p_notice, p_name, p_ctype, length(p_data), v_hash, p_data,
	    p_user)
	RETURNING id INTO attachment_id;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	SELECT p_user, n.agency_id, 'notice.attach', p_ip,
	    jsonb_build_object('notice', p_notice, 'attachment', attachment_id,
	    'name', p_name, 'sha256', encode(v_hash, 'hex'),
	    'size', length(p_data))
	  FROM bidding.notice n WHERE n.id = p_notice;
	status := 'ok';
END $$;

-- Remove a file: a pending one (never public) is deleted; a published one
-- is marked for removal by the next amendment (p_undo takes that back).
-- Returns 'ok', 'not_found' (also: nothing to take back, already marked),
-- 'too_many' (taking back would exceed 20 files) or 'closed'.
CREATE FUNCTION bidding.attachment_remove(p_user bigint, p_notice bigint,
    p_id bigint, p_undo boolean, p_ip inet) RETURNS text
    LANGUAGE plpgsql AS $$
DECLARE
	v_status text;
	a bidding.attachment;
BEGIN
	v_status := bidding.attachment_notice(p_user, p_notice);
	IF v_status NOT IN ('draft', 'published') THEN
		RETURN v_status;
	END IF;
	SELECT * INTO a FROM bidding.attachment
	 WHERE id = p_id AND notice_id = p_notice AND removed_ord IS NULL
	   FOR UPDATE;
	IF NOT FOUND THEN
		RETURN 'not_found';
	END IF;
	IF a.added_ord IS NULL THEN
		IF p_undo THEN
			RETURN 'not_found';
		END IF;
		DELETE FROM bidding.attachment WHERE id = p_id;
	ELSIF p_undo THEN
		-- Only a pending removal can be taken back, and not past the
		-- limit of 20 files in force.
		IF NOT a.remove_pending THEN
			RETURN 'not_found';
		END IF;
		IF (SELECT count(*) FROM bidding.attachment
		     WHERE notice_id = p_notice AND removed_ord IS NULL
		       AND NOT remove_pending) >= 20 THEN
			RETURN 'too_many';
		END IF;
		UPDATE bidding.attachment SET remove_pending = false
		 WHERE id = p_id;
	ELSE
		IF a.remove_pending THEN
			RETURN 'not_found';
		END IF;
		UPDATE bidding.attachment SET remove_pending = true
		 WHERE id = p_id;
	END IF;
	INSERT INTO portal.audit (actor, org_id, event, ip, detail)
	SELECT p_user, n.agency_id, CASE WHEN p_undo THEN 'notice.attach_keep'
	    ELSE 'notice.detach' END, p_ip,
	    jsonb_build_object('notice', p_notice, 'attachment', p_id,
	    'name', a.name)
	  FROM bidding.notice n WHERE n.id = p_notice;
	RETURN 'ok';
END $$;

-- A new public order (publication or amendment; not a cancellation)
-- publishes the pending additions and removals.
CREATE FUNCTION bidding.attachment_publish() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	UPDATE bidding.attachment SET added_ord = NEW.ord
	 WHERE notice_id = NEW.notice_id AND added_ord IS NULL;
	UPDATE bidding.attachment SET removed_ord = NEW.ord,
	    remove_pending = false
	 WHERE notice_id = NEW.notice_id AND remove_pending;
	RETURN NULL;
END $$;

CREATE TRIGGER attachment_publish AFTER INSERT ON bidding.notice_version
    FOR EACH ROW WHEN (NEW.ord >= 1 AND NEW.kind <> 'cancel')
    EXECUTE FUNCTION bidding.attachment_publish();

-- A re-notice (재공고) starts with the files its notice had in force.
CREATE FUNCTION bidding.attachment_renotice() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO bidding.attachment (notice_id, name, ctype, size, sha256,
	    data, uploaded_by)
	SELECT NEW.id, name, ctype, size, sha256, data, NEW.created_by
	  FROM bidding.attachment
	 WHERE notice_id = NEW.renotice_of AND added_ord IS NOT NULL
	   AND removed_ord IS NULL
	 ORDER BY id;
	RETURN NULL;
END $$;

CREATE TRIGGER attachment_renotice AFTER INSERT ON bidding.notice
    FOR EACH ROW WHEN (NEW.renotice_of IS NOT NULL)
    EXECUTE FUNCTION bidding.attachment_renotice();
