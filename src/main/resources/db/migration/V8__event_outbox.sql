-- The event outbox: one row per decision the host application should hear about, written in the
-- same transaction as the change it describes. webhook_id is sent as the webhook-id header: stable
-- across retries and endpoints, and unique even across a restored or rebuilt database.
CREATE TABLE events (
    id         bigserial PRIMARY KEY,
    webhook_id text NOT NULL UNIQUE DEFAULT 'evt_' || replace(gen_random_uuid()::text, '-', ''),
    type       text NOT NULL,
    domain     text NOT NULL,                    -- registrable domain: events of one domain are delivered in order
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_created_idx ON events (created_at);

-- The configured webhook endpoints, identified by the SHA-256 of their URL (the URL may carry
-- credentials, so only its redacted form is kept). A daemon marks its configured endpoints active
-- and the others inactive when it starts; new events get a delivery for each active endpoint.
CREATE TABLE webhook_endpoints (
    id         bigserial PRIMARY KEY,
    url_sha256 text NOT NULL UNIQUE,
    url        text NOT NULL,                    -- redacted: credentials masked
    events     text[],                           -- the event types it receives; NULL: all
    active     boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per event and endpoint: its delivery state. Created with the event, in its transaction.
CREATE TABLE webhook_deliveries (
    id               bigserial PRIMARY KEY,
    event_id         bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    domain           text NOT NULL,              -- the event's domain: a later delivery waits for an earlier pending one
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0,
    since            timestamptz NOT NULL DEFAULT now(),   -- max-age counts from here; a redelivery restarts it
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,                       -- the daemon sending it now, until lease_expires_at
    lease_expires_at timestamptz,
    last_attempt_at  timestamptz,
    last_status      integer,                    -- HTTP status of the last attempt; NULL when nothing answered
    last_error       text,
    delivered_at     timestamptz,
    UNIQUE (event_id, endpoint_id)
);
-- Due deliveries, and the head of each endpoint's queue per domain, stay cheap to find whatever the backlog.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, domain, event_id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_state_idx ON webhook_deliveries (state, id);
