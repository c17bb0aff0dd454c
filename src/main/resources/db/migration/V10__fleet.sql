-- Several daemons on one database behave as one (see README "Running several daemons").

-- Each running daemon, by its lease owner name, with its last heartbeat: one not heard from by
-- alive_until (its heartbeat plus fleet.dead-after) is dead, and the leases it held are taken over.
CREATE TABLE fleet_daemons (
    owner        text PRIMARY KEY,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    alive_until  timestamptz NOT NULL
);

-- A daemon's share of one rate limit ("provider:<name>" or "rdap:<host>"), renewed every heartbeat
-- and void after expires_at. A daemon that gave up part of its share still counts the larger
-- share (held_rate, held_burst) until held_until, so calls it made just before cannot meet the
-- share another daemon takes in the same second. The sum of the live shares of a limit never
-- exceeds it: shares are allocated under a transaction-scoped advisory lock per limit.
CREATE TABLE fleet_grants (
    limit_key  text NOT NULL,
    owner      text NOT NULL,
    rate       double precision NOT NULL,
    burst      double precision NOT NULL,
    held_rate  double precision NOT NULL,
    held_burst double precision NOT NULL,
    held_until timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (limit_key, owner)
);

-- A 429 pauses every daemon's calls under that limit until the given time.
CREATE TABLE fleet_pauses (
    limit_key text PRIMARY KEY,
    until     timestamptz NOT NULL
);

-- One sweep at a time on the whole database: every daemon joins the one running (README
-- "Running several daemons"), and two daemons starting one at once cannot both succeed.
CREATE UNIQUE INDEX sweeps_one_running ON sweeps ((true)) WHERE state = 'running';

-- The mass-change guard's windows ("sweep:<id>" or "hour:<epoch hour>"), shared by every daemon
-- and updated inside the write transaction that applies the changes (row lock on the window).
CREATE TABLE guard_windows (
    window_key text PRIMARY KEY,
    total      bigint NOT NULL DEFAULT 0,
    checked    bigint NOT NULL DEFAULT 0,
    addresses  bigint NOT NULL DEFAULT 0,
    domains    bigint NOT NULL DEFAULT 0,
    holding    boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
