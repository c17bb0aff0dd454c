-- The Public Suffix List that watched_addresses were derived with (one row): a daemon that starts
-- without network uses it rather than an older bundled snapshot, and `explain` parses with it.
CREATE TABLE public_suffix_list (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    digest     text NOT NULL,                 -- SHA-256 of the sorted ICANN rules
    as_of      timestamptz NOT NULL,          -- the list's VERSION line, or when it was obtained
    rules      integer NOT NULL,
    source     text NOT NULL,                 -- where it came from: a URL or 'bundled'
    body       text NOT NULL,                 -- the list as fetched
    fetched_at timestamptz,                   -- last successful fetch from the configured source
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per address whose registrable domain changed because the list changed.
CREATE TABLE address_moves (
    id             bigserial PRIMARY KEY,
    email_id       bigint NOT NULL,
    from_domain_id bigint REFERENCES domains (id),
    to_domain_id   bigint REFERENCES domains (id),  -- NULL: no longer watchable (skip_reason says why)
    skip_reason    text,
    list_digest    text NOT NULL,
    moved_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX address_moves_email_idx ON address_moves (email_id, id DESC);

-- A domain left with no addresses is parked at next_check_at = 'infinity' (never due); these
-- stay few, so discovery finds the ones to bring back cheaply.
CREATE INDEX domains_unwatched_idx ON domains (name) WHERE next_check_at = 'infinity';

-- domainguard_addresses{state="skipped"} without a scan of every watched address.
CREATE INDEX watched_addresses_skipped_idx ON watched_addresses (email_id) WHERE skip_reason IS NOT NULL;
