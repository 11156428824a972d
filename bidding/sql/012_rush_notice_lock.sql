-- The deadline rush (issue 3): the foreign keys of bidding.bid to the
-- notice and to its version made every bid's insert take a KEY SHARE lock
-- on the one notice row and the one notice_version row that all bidders of
-- a notice share. With dozens of bids in flight those locks become a
-- MultiXact that each new bid copies and extends: WAL, and the exclusive
-- lock of one buffer, for every bid, in a queue.
--
-- bid_submit (the only writer of new bids besides the generator) reads the
-- notice and its current version under the notice's shared advisory lock
-- (amendments, cancellation and opening take it exclusively) and refuses a
-- draft; only drafts are ever deleted. So the two constraints become
-- triggers that take no row lock: the insert checks that the version
-- exists, and the parents refuse to lose a notice or version that has
-- bids. The keys to org, users and cert stay (one row per bidder, so no
-- shared lock).
ALTER TABLE bidding.bid DROP CONSTRAINT bid_notice_id_fkey;
ALTER TABLE bidding.bid DROP CONSTRAINT bid_notice_id_ord_fkey;

CREATE FUNCTION bidding.bid_version_exists() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM 1 FROM bidding.notice_version v
	 WHERE v.notice_id = NEW.notice_id AND v.ord = NEW.ord;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bid: notice % order % does not exist',
		    NEW.notice_id, NEW.ord USING ERRCODE = 'foreign_key_violation';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER bid_version_exists BEFORE INSERT OR UPDATE OF notice_id, ord
    ON bidding.bid FOR EACH ROW EXECUTE FUNCTION bidding.bid_version_exists();

CREATE FUNCTION bidding.notice_keep_bids() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
		RETURN NEW;
	END IF;
	PERFORM 1 FROM bidding.bid b WHERE b.notice_id = OLD.id LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'bidding.notice %: a notice with bids cannot be deleted or renumbered',
		    OLD.id USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		RETURN NEW;
	END IF;
	RETURN OLD;
END $$;
CREATE TRIGGER notice_keep_bids BEFORE DELETE OR UPDATE OF id
    ON bidding.notice FOR EACH ROW
    EXECUTE FUNCTION bidding.notice_keep_bids();

CREATE FUNCTION bidding.notice_version_keep_bids() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.notice_id = OLD.notice_id AND
	    NEW.ord = OLD.ord THEN
		RETURN NEW;
	END IF;
	PERFORM 1 FROM bidding.bid b WHERE b.notice_id = OLD.notice_id
	   AND b.ord = OLD.ord LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'bidding.notice_version % order %: a version with bids cannot be deleted or renumbered',
		    OLD.notice_id, OLD.ord USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		RETURN NEW;
	END IF;
	RETURN OLD;
END $$;
CREATE TRIGGER notice_version_keep_bids BEFORE DELETE OR UPDATE OF notice_id, ord
    ON bidding.notice_version FOR EACH ROW
    EXECUTE FUNCTION bidding.notice_version_keep_bids();
