-- Unverifications the mass-change guard held back for an operator, with their evidence.
CREATE TABLE held_changes (
    id         bigserial PRIMARY KEY,
    domain_id  bigint NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    check_id   bigint REFERENCES domain_checks (id),
    sweep_id   bigint REFERENCES sweeps (id),
    reason     text NOT NULL,
    phase      text NOT NULL,
    statuses   text,
    cutoff     timestamptz NOT NULL,             -- only addresses verified before this would change
    addresses  integer NOT NULL,                 -- how many would have changed when held
    state      text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'approved', 'rejected')),
    held_at    timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    decided_by text
);
-- One open hold per domain: newer evidence replaces older.
CREATE UNIQUE INDEX held_changes_open_idx ON held_changes (domain_id) WHERE state = 'held';
