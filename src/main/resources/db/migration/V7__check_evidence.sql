-- The evidence a registry's own record (RDAP) gives with each check: which server answered and how,
-- the dates it carries and its notices' titles. NULL for providers that give none (Fastly, Domainr)
-- and for failed checks.
ALTER TABLE domain_checks
    ADD COLUMN server          text,
    ADD COLUMN http_status     integer,
    ADD COLUMN registered_at   timestamptz,   -- registration or reregistration event
    ADD COLUMN expires_at      timestamptz,   -- expiration event (not registrar expiration)
    ADD COLUMN transferred_at  timestamptz,   -- transfer event: kept as evidence, acts on nothing
    ADD COLUMN last_changed_at timestamptz,   -- last changed event
    ADD COLUMN notices         jsonb;         -- JSON array of the notices' titles
