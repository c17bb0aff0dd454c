-- A lower bound on when the domain's verified addresses were verified: no address linked to the
-- domain was verified before it (a NULL verified_at counts as '-infinity', as the stale-evidence
-- rule reads it). A check whose cutoff is at or before the bound cannot unverify anything, so it
-- need not look at the domain's addresses: most registration dates are older than every
-- verification. An unverification never raises the bound (it may be lower than the truth).
--
-- Only linking lowers it: an address found or moved by discovery brings its verification time to
-- its domain, in the same statement (the triggers below). An address that gets an earlier
-- verification later (verified again, restored by a revert, or its verified_at moved earlier) is
-- queued for discovery, which links it again, within one discovery interval, so a change racing a
-- link is never lost: whichever commits last, the queue brings it round once more. Until then a
-- check may pass over that address, as it would over one not yet discovered, and the next check
-- decides again; a re-verified address's domain is checked afresh once discovery has taken it.
-- The end of a lapse, decided only once, is always weighed (apply/ChangeWriter).
LOCK TABLE email_addresses, watched_addresses IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE domains ADD COLUMN verified_since timestamptz NOT NULL DEFAULT 'infinity';

UPDATE domains d SET verified_since = b.since
FROM (SELECT w.domain_id, min(COALESCE(e.verified_at, '-infinity')) AS since
      FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id
      WHERE e.verified AND w.domain_id IS NOT NULL
      GROUP BY w.domain_id) b
WHERE d.id = b.domain_id;

-- Only domains whose bound moves are locked and written (new domains, earlier verifications), in
-- id order as a sweep's writer locks its batch. Discovery locks domains in other statements of its
-- chunk too (unparking, re-verified domains made due), so a deadlock with a writer is rare but
-- possible; PostgreSQL then ends one of the two and its work is retried.
CREATE FUNCTION watched_addresses_lower_verified_since() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH linked AS (
        SELECT w.domain_id, min(COALESCE(e.verified_at, '-infinity')) AS since
        FROM linked_rows w JOIN email_addresses e ON e.id = w.email_id
        WHERE e.verified AND w.domain_id IS NOT NULL
        GROUP BY w.domain_id),
    locked AS (
        SELECT d.id, l.since FROM domains d JOIN linked l ON l.domain_id = d.id
        WHERE l.since < d.verified_since
        ORDER BY d.id FOR UPDATE OF d)
    UPDATE domains d SET verified_since = LEAST(d.verified_since, k.since) FROM locked k WHERE d.id = k.id;
    RETURN NULL;
END $$;

CREATE TRIGGER watched_addresses_lower_verified_since_inserted
    AFTER INSERT ON watched_addresses
    REFERENCING NEW TABLE AS linked_rows
    FOR EACH STATEMENT EXECUTE FUNCTION watched_addresses_lower_verified_since();

CREATE TRIGGER watched_addresses_lower_verified_since_updated
    AFTER UPDATE ON watched_addresses
    REFERENCING NEW TABLE AS linked_rows
    FOR EACH STATEMENT EXECUTE FUNCTION watched_addresses_lower_verified_since();

-- A verified address whose verified_at moves earlier is queued too (it is not a re-verification:
-- its domain is not checked afresh for it), so that discovery brings the earlier time to its domain.
CREATE OR REPLACE FUNCTION email_addresses_queue_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO address_changes (email_id, reverified)
    SELECT n.id, n.verified AND NOT o.verified
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.address IS DISTINCT FROM o.address OR (n.verified AND NOT o.verified)
       OR (n.verified AND COALESCE(n.verified_at, '-infinity') < COALESCE(o.verified_at, '-infinity'));
    RETURN NULL;
END $$;
