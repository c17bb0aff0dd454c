-- The host application's table. It owns it and writes to it at any time; domain-guard only ever
-- writes verified = false and unverify_reason here.
CREATE TABLE email_addresses (
    id              bigserial PRIMARY KEY,
    user_id         text,
    address         text,
    verified        boolean NOT NULL DEFAULT false,
    verified_at     timestamptz,
    unverify_reason text,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per registrable domain under watch.
CREATE TABLE domains (
    id               bigserial PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    phase            text,                      -- NULL until the first successful check
    statuses         text,                      -- raw provider status tokens of the last successful check
    lapse_phase      text,                      -- worst phase seen during the current lapse
    lapse_seen_at    timestamptz,               -- when the current lapse (grace or later) was first seen
    recheck_requested_at timestamptz,           -- an address was re-verified: check afresh
    last_checked_at  timestamptz,
    last_success_at  timestamptz,
    next_check_at    timestamptz NOT NULL DEFAULT now(),
    failure_count    integer NOT NULL DEFAULT 0, -- consecutive checks that could not tell (failed or UNKNOWN)
    last_error       text,
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
-- Due domains are taken never-checked first, then oldest check first.
CREATE INDEX domains_due_idx ON domains (last_checked_at NULLS FIRST, next_check_at);
CREATE INDEX domains_phase_idx ON domains (phase);

-- Which registrable domain each address belongs to, or why it is not watched.
CREATE TABLE watched_addresses (
    email_id      bigint PRIMARY KEY REFERENCES email_addresses (id) ON DELETE CASCADE,
    normalized    text,
    domain_id     bigint REFERENCES domains (id),
    skip_reason   text,
    discovered_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT watched_or_skipped CHECK ((domain_id IS NULL) <> (skip_reason IS NULL))
);
CREATE INDEX watched_addresses_domain_idx ON watched_addresses (domain_id);

-- Addresses inserted or changed by the host application, waiting for discovery.
CREATE TABLE address_changes (
    id         bigserial PRIMARY KEY,
    email_id   bigint NOT NULL,
    reverified boolean NOT NULL DEFAULT false,
    queued_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sweeps (
    id          bigserial PRIMARY KEY,
    scope       text NOT NULL CHECK (scope IN ('due', 'all')),
    trigger     text NOT NULL,
    state       text NOT NULL CHECK (state IN ('running', 'completed', 'failed', 'cancelled')),
    owner       text NOT NULL,
    total       integer NOT NULL DEFAULT 0,
    done        integer NOT NULL DEFAULT 0,
    failed      integer NOT NULL DEFAULT 0,
    changed     integer NOT NULL DEFAULT 0,
    started_at  timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    error       text
);
CREATE INDEX sweeps_started_idx ON sweeps (started_at DESC);

-- Every check made, successful or not.
CREATE TABLE domain_checks (
    id          bigserial PRIMARY KEY,
    check_key   uuid NOT NULL UNIQUE,           -- makes a replayed batch write nothing twice
    domain_id   bigint NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    sweep_id    bigint REFERENCES sweeps (id),
    provider    text NOT NULL,
    outcome     text NOT NULL,                  -- ok, error, timeout, rate_limited, malformed
    statuses    text,
    phase       text,
    error       text,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 1
);
CREATE INDEX domain_checks_domain_idx ON domain_checks (domain_id, id DESC);

-- One row per verification change, written in the same transaction as the change.
CREATE TABLE verification_events (
    id           bigserial PRIMARY KEY,
    email_id     bigint NOT NULL,
    address      text,
    domain_id    bigint REFERENCES domains (id),
    old_verified boolean NOT NULL,
    new_verified boolean NOT NULL,
    reason       text NOT NULL,
    phase        text,
    check_id     bigint REFERENCES domain_checks (id),
    sweep_id     bigint REFERENCES sweeps (id),
    actor        text NOT NULL DEFAULT 'domain-guard',
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_events_email_idx ON verification_events (email_id, id DESC);
CREATE INDEX verification_events_sweep_idx ON verification_events (sweep_id);

-- verified_at moves whenever verified becomes true.
CREATE FUNCTION email_addresses_stamp_verified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.verified AND (TG_OP = 'INSERT' OR NOT OLD.verified) THEN
        IF TG_OP = 'UPDATE' OR NEW.verified_at IS NULL THEN
            NEW.verified_at := now();
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER email_addresses_stamp_verified
    BEFORE INSERT OR UPDATE OF verified ON email_addresses
    FOR EACH ROW EXECUTE FUNCTION email_addresses_stamp_verified();

-- Statement-level queueing keeps bulk inserts by the host application cheap.
CREATE FUNCTION email_addresses_queue_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO address_changes (email_id) SELECT id FROM inserted_rows;
    RETURN NULL;
END $$;

CREATE TRIGGER email_addresses_queue_inserted
    AFTER INSERT ON email_addresses
    REFERENCING NEW TABLE AS inserted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION email_addresses_queue_inserted();

-- A changed address is rediscovered; a re-verified one also makes its domain due for a fresh check.
CREATE FUNCTION email_addresses_queue_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO address_changes (email_id, reverified)
    SELECT n.id, n.verified AND NOT o.verified
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.address IS DISTINCT FROM o.address OR (n.verified AND NOT o.verified);
    RETURN NULL;
END $$;

CREATE TRIGGER email_addresses_queue_updated
    AFTER UPDATE ON email_addresses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION email_addresses_queue_updated();
