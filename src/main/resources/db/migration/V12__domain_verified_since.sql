-- A lower bound on when the domain's verified addresses were verified: no address on the domain is
-- verified with a verified_at before it (a NULL verified_at counts as '-infinity', as the
-- stale-evidence rule reads it). A check whose cutoff is at or before the bound cannot unverify
-- anything, so it need not look at the domain's addresses: most registration dates are older than
-- every verification. The bound may be lower than the truth (an unverification never raises it),
-- never higher: every statement that links a verified address to a domain, or makes an address
-- verified or its verification earlier, lowers it in the same transaction (the triggers below).
ALTER TABLE domains ADD COLUMN verified_since timestamptz NOT NULL DEFAULT 'infinity';

UPDATE domains d SET verified_since = b.since
FROM (SELECT w.domain_id, min(COALESCE(e.verified_at, '-infinity')) AS since
      FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id
      WHERE e.verified AND w.domain_id IS NOT NULL
      GROUP BY w.domain_id) b
WHERE d.id = b.domain_id;

-- The functions run as domain-guard's role with its search_path: the host application writing
-- email_addresses needs no rights on domain-guard's other tables.

-- Lowers the bound of each listed domain to its listed time where that is lower. Rows are locked
-- in id order first, as a sweep's writer locks them, so the two never deadlock; only domains whose
-- bound moves are written.
CREATE FUNCTION domains_lower_verified_since(domain_ids bigint[], sinces timestamptz[]) RETURNS void LANGUAGE sql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH locked AS (
        SELECT d.id, l.since
        FROM domains d JOIN unnest(domain_ids, sinces) AS l (domain_id, since) ON l.domain_id = d.id
        WHERE l.since < d.verified_since
        ORDER BY d.id FOR UPDATE OF d)
    UPDATE domains d SET verified_since = LEAST(d.verified_since, k.since) FROM locked k WHERE d.id = k.id;
$$;

-- An address linked to a domain (found, or moved by a suffix-list change) brings its verification.
CREATE FUNCTION watched_addresses_lower_verified_since() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM domains_lower_verified_since(array_agg(domain_id), array_agg(since))
    FROM (SELECT w.domain_id, min(COALESCE(e.verified_at, '-infinity')) AS since
          FROM linked_rows w JOIN email_addresses e ON e.id = w.email_id
          WHERE e.verified AND w.domain_id IS NOT NULL
          GROUP BY w.domain_id) b;
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

-- An address verified (by the host, or restored by a revert with its earlier verified_at) brings
-- its verification to its domain.
CREATE FUNCTION email_addresses_lower_verified_since() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    PERFORM domains_lower_verified_since(array_agg(domain_id), array_agg(since))
    FROM (SELECT w.domain_id, min(COALESCE(e.verified_at, '-infinity')) AS since
          FROM changed_rows e JOIN watched_addresses w ON w.email_id = e.id
          WHERE e.verified AND w.domain_id IS NOT NULL
          GROUP BY w.domain_id) b;
    RETURN NULL;
END $$;

CREATE TRIGGER email_addresses_lower_verified_since
    AFTER UPDATE ON email_addresses
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION email_addresses_lower_verified_since();
