-- What verified_at an address had when it was unverified, so a revert can restore it: a reverted
-- address keeps its place relative to a lapse instead of looking freshly verified.
ALTER TABLE verification_events ADD COLUMN old_verified_at timestamptz;

-- verified_at moves whenever verified becomes true, at the moment of the statement
-- (clock_timestamp(), not the start of a possibly long host transaction), except while a revert
-- restores the previous value (domainguard.restoring, set for its transaction only).
CREATE OR REPLACE FUNCTION email_addresses_stamp_verified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.verified AND (TG_OP = 'INSERT' OR NOT OLD.verified)
       AND COALESCE(current_setting('domainguard.restoring', true), '') <> 'on' THEN
        IF TG_OP = 'UPDATE' OR NEW.verified_at IS NULL THEN
            NEW.verified_at := clock_timestamp();
        END IF;
    END IF;
    RETURN NEW;
END $$;
