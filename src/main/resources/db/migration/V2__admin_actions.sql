-- Every operator action taken through the admin API, written once the action has completed,
-- whether it succeeded or not. Holds the token's configured name, never the token.
CREATE TABLE admin_actions (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    token_name text NOT NULL,
    client     text,                            -- remote address of the request
    action     text NOT NULL,                   -- recheck, sweep_start, sweep_cancel, ...
    target     text,                            -- the domain or sweep acted on, when there is one
    params     jsonb NOT NULL DEFAULT '{}'::jsonb,
    status     integer NOT NULL,                -- the HTTP status answered
    outcome    text NOT NULL                    -- 'ok' or the error code answered
);
CREATE INDEX admin_actions_at_idx ON admin_actions (at DESC);

-- Operators look addresses up by their normalised form.
CREATE INDEX watched_addresses_normalized_idx ON watched_addresses (normalized);
