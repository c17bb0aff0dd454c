package org.domainguard.db;

/** Every SQL statement domain-guard runs, in one place. Always {@code $n} parameters; bulk work over arrays. */
public final class Sql {
  private Sql() {}

  // ---- discovery ----

  /** Takes a chunk of queued address changes (skipping rows another daemon holds) with the current address. */
  public static final String TAKE_ADDRESS_CHANGES = """
      WITH taken AS (
          DELETE FROM address_changes
          WHERE id IN (SELECT id FROM address_changes ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING email_id, reverified)
      SELECT t.email_id, bool_or(t.reverified) AS reverified, e.address, e.id IS NOT NULL AS present
      FROM taken t LEFT JOIN email_addresses e ON e.id = t.email_id
      GROUP BY t.email_id, e.address, e.id""";

  public static final String INSERT_DOMAINS = """
      INSERT INTO domains (name)
      SELECT DISTINCT name FROM unnest($1::text[]) AS t(name)
      WHERE name IS NOT NULL
      ORDER BY name
      ON CONFLICT (name) DO NOTHING""";

  public static final String UPSERT_WATCHED = """
      INSERT INTO watched_addresses (email_id, normalized, domain_id, skip_reason)
      SELECT t.email_id, t.normalized, d.id, t.skip_reason
      FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(email_id, normalized, domain, skip_reason)
      LEFT JOIN domains d ON d.name = t.domain
      ON CONFLICT (email_id) DO UPDATE
      SET normalized = EXCLUDED.normalized, domain_id = EXCLUDED.domain_id,
          skip_reason = EXCLUDED.skip_reason, discovered_at = now()""";

  /** A re-verified address makes its domain due now, so no stale phase acts on it. */
  public static final String MAKE_DUE = """
      UPDATE domains SET next_check_at = now()
      WHERE name = ANY($1::text[]) AND next_check_at > now()""";
}
