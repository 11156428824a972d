-- The warehouse reloads a notice when its updated_at moves (dw.etl_run).
-- A review decision (bid_result updated) and a contract's creation or
-- change touch their notice, so the warehouse sees them too.
CREATE FUNCTION bidding.touch_notice() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE bidding.notice SET updated_at = now()
	 WHERE id = NEW.notice_id AND updated_at < now();
	RETURN NULL;
END $$;

CREATE TRIGGER bid_result_touch AFTER UPDATE ON bidding.bid_result
    FOR EACH ROW EXECUTE FUNCTION bidding.touch_notice();
CREATE TRIGGER contract_touch AFTER INSERT OR UPDATE ON bidding.contract
    FOR EACH ROW EXECUTE FUNCTION bidding.touch_notice();
