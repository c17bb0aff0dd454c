-- A host that keeps its addresses in a table of its own (host.table) gets email_addresses as
-- domain-guard's private mirror of it, so discovery, sweeps, the verification time and the audit
-- trail work on it unchanged. host_id is the host row's id as text; host_verified is the host's
-- verified as last seen. Both stay NULL in the default mode, where email_addresses is the host's.
ALTER TABLE email_addresses
    ADD COLUMN host_id       text UNIQUE,
    ADD COLUMN host_verified boolean;

-- Decisions the host table has not been given yet: write: direct hands them over in the deciding
-- transaction, so with it this index stays empty; with write: none it holds every open decision.
CREATE INDEX email_addresses_host_pending_idx ON email_addresses (id)
    WHERE host_id IS NOT NULL AND verified IS DISTINCT FROM host_verified;

-- Ids of host rows inserted, changed or deleted, queued by triggers on the host table
-- (capture: trigger) or by the poll scan (capture: poll), waiting to be copied into the mirror.
-- reverified: the host turned verified from false to true (a trigger sees it even when the row is
-- false again, or still true, by the time it is copied).
CREATE TABLE host_changes (
    id         bigserial PRIMARY KEY,
    host_id    text NOT NULL,
    reverified boolean NOT NULL DEFAULT false,
    queued_at  timestamptz NOT NULL DEFAULT now()
);

-- When the last poll scan of the host table started: one scan per discovery interval, whichever
-- daemon runs it.
CREATE TABLE host_scan (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    started_at timestamptz NOT NULL
);

-- An address that arrives verified is a verification like a re-verification: its domain is
-- checked afresh at once, so one added on a domain already known to be lapsed is acted on now.
CREATE OR REPLACE FUNCTION email_addresses_queue_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO address_changes (email_id, reverified) SELECT id, verified FROM inserted_rows;
    RETURN NULL;
END $$;
