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

  /** Creates the named domains (due at once); one parked with no addresses ('infinity') is due again. */
  public static final String INSERT_DOMAINS = """
      WITH names AS (SELECT DISTINCT name FROM unnest($1::text[]) AS t(name) WHERE name IS NOT NULL),
      unparked AS (
          UPDATE domains d SET next_check_at = now()
          FROM names WHERE d.name = names.name AND d.next_check_at = 'infinity')
      INSERT INTO domains (name)
      SELECT name FROM names
      ORDER BY name
      ON CONFLICT (name) DO NOTHING""";

  /**
   * A re-verified address makes its domain due now; a check already in flight will reschedule it
   * for now as well, since its evidence predates the re-verification.
   */
  public static final String MAKE_DUE = """
      UPDATE domains SET next_check_at = LEAST(next_check_at, now()), recheck_requested_at = now()
      WHERE name = ANY($1::text[])""";

  // ---- public suffix list: the list addresses were derived with, and moves when it changes ----

  public static final String SUFFIX_LIST = "SELECT digest, as_of, source, body, fetched_at FROM public_suffix_list WHERE id = 1";

  /** Records the list now applied; $6 (a successful fetch time) never erases an earlier one. */
  public static final String SAVE_SUFFIX_LIST = """
      INSERT INTO public_suffix_list (id, digest, as_of, rules, source, body, fetched_at, applied_at)
      VALUES (1, $1, $2, $3, $4, $5, $6, now())
      ON CONFLICT (id) DO UPDATE SET digest = EXCLUDED.digest, as_of = EXCLUDED.as_of, rules = EXCLUDED.rules,
          source = EXCLUDED.source, body = EXCLUDED.body,
          fetched_at = COALESCE(EXCLUDED.fetched_at, public_suffix_list.fetched_at), applied_at = now()""";

  public static final String SUFFIX_LIST_FETCHED = "UPDATE public_suffix_list SET fetched_at = $1 WHERE id = 1";

  /** A page of watched and skipped addresses after $1 (keyset), with their current address and domain. */
  public static final String ADDRESSES_AFTER = """
      SELECT w.email_id, e.address, w.normalized, w.domain_id, d.name AS domain, w.skip_reason
      FROM watched_addresses w
      JOIN email_addresses e ON e.id = w.email_id
      LEFT JOIN domains d ON d.id = w.domain_id
      WHERE w.email_id > $1
      ORDER BY w.email_id
      LIMIT $2""";

  /** Domains that gained moved addresses are checked at once, as a new domain would be. */
  public static final String MAKE_DUE_BY_ID = """
      UPDATE domains SET next_check_at = LEAST(next_check_at, now())
      WHERE id = ANY($1::bigint[])""";

  /** Domains left with no address are parked: never due again until an address arrives. */
  public static final String PARK_UNWATCHED = """
      UPDATE domains d SET next_check_at = 'infinity'
      WHERE d.id = ANY($1::bigint[]) AND d.next_check_at < 'infinity'
        AND NOT EXISTS (SELECT 1 FROM watched_addresses w WHERE w.domain_id = d.id)""";

  // ---- due domains ----

  private static final String DOMAIN_STATE = "d.id, d.name, d.phase, d.lapse_phase, d.lapse_seen_at, d.failure_count, d.last_seen";

  /**
   * Leases a page of due domains in claim order (never checked first, then oldest check first),
   * continuing after the position a sweep's previous page reached ($6..$8; null, null, 0 for the
   * start), so that no claim reads again past the rows the sweep already holds. Rows leased elsewhere
   * are skipped. The order is the index domains_claim_order_idx.
   * A lease whose owner stopped heartbeating (fleet_daemons, see fleet.Fleet) is as good as expired:
   * another daemon takes the domain over without waiting for the lease's end.
   */
  public static final String CLAIM_DUE = """
      WITH due AS (
          SELECT id FROM domains
          WHERE next_check_at <= $1
            AND\s""" + leaseFree("domains", "$2") + """

            AND (COALESCE(last_checked_at, '-infinity'), next_check_at, id)
                > (COALESCE($6::timestamptz, '-infinity'), COALESCE($7::timestamptz, '-infinity'), $8)
          ORDER BY COALESCE(last_checked_at, '-infinity'), next_check_at, id
          LIMIT $3
          FOR UPDATE SKIP LOCKED)
      UPDATE domains d SET lease_owner = $4, lease_expires_at = $5
      FROM due WHERE d.id = due.id
      RETURNING d.last_checked_at, d.next_check_at,\s""" + DOMAIN_STATE;

  /** Leases one named domain for an immediate check, unless another check holds it. */
  public static final String CLAIM_ONE = """
      UPDATE domains d SET lease_owner = $2, lease_expires_at = $4
      WHERE d.name = $1
        AND\s""" + leaseFree("d", "$3") + """

      RETURNING\s""" + DOMAIN_STATE;

  /**
   * Whether the domain row {@code row} may be leased at {@code now}: no lease, an expired one, or
   * one held by a daemon the fleet counts dead (taken over without waiting for the lease's end).
   */
  private static String leaseFree(String row, String now) {
    return "(" + row + ".lease_expires_at IS NULL OR " + row + ".lease_expires_at < " + now
        + " OR EXISTS (SELECT 1 FROM fleet_daemons f WHERE f.owner = " + row + ".lease_owner AND f.alive_until < " + now + "))";
  }

  public static final String DOMAIN_EXISTS = "SELECT 1 FROM domains WHERE name = $1";

  public static final String DOMAIN_PHASE = "SELECT phase FROM domains WHERE name = $1";

  public static final String RELEASE_LEASES = """
      UPDATE domains SET lease_owner = NULL, lease_expires_at = NULL
      WHERE lease_owner = $1 AND id = ANY($2::bigint[])""";

  public static final String COUNT_DUE = "SELECT count(*) FROM domains WHERE next_check_at <= $1";

  public static final String MAKE_ALL_DUE = "UPDATE domains SET next_check_at = $1 WHERE next_check_at > $1 AND next_check_at < 'infinity'";

  public static final String DOMAINS_BY_PHASE =
      "SELECT phase, count(*) FROM domains WHERE phase IS NOT NULL AND next_check_at < 'infinity' GROUP BY phase";

  /** Watched addresses (through the domain index) and skipped ones (a small partial index). */
  public static final String ADDRESSES_BY_STATE = """
      SELECT (SELECT count(*) FROM watched_addresses WHERE domain_id IS NOT NULL) AS watched,
             (SELECT count(*) FROM watched_addresses WHERE skip_reason IS NOT NULL) AS skipped""";

  // ---- held changes and reverts (the batch statements live beside the code that binds them: apply/ChangeWriter, sweep/ResultWriter) ----

  public static final String COUNT_HELD = "SELECT count(*) FROM held_changes WHERE state = 'held'";

  public static final String LIST_HELD = """
      SELECT h.id, d.name, h.reason, h.phase, h.statuses, h.addresses, h.sweep_id, h.check_id, h.cutoff, h.held_at
      FROM held_changes h JOIN domains d ON d.id = h.domain_id
      WHERE h.state = 'held' ORDER BY h.id LIMIT $1""";

  /**
   * Rejects open holds (one domain, or all when $1 is null). The operator has judged the evidence
   * wrong, so the domains' lapse is forgotten and each is checked afresh: a later "active" answer
   * must not turn the rejected lapse into a re-registration.
   */
  public static final String REJECT_HELD = """
      WITH rejected AS (
          UPDATE held_changes SET state = 'rejected', decided_at = now(), decided_by = $2
          WHERE state = 'held' AND ($1::text IS NULL OR domain_id = (SELECT id FROM domains WHERE name = $1))
          RETURNING domain_id),
      reset AS (
          UPDATE domains SET phase = NULL, lapse_phase = NULL, lapse_seen_at = NULL, next_check_at = now()
          WHERE id IN (SELECT domain_id FROM rejected)
          RETURNING id)
      SELECT count(*) FROM rejected""";

  /** Makes the revert that follows restore verified_at instead of stamping a new one (this transaction only). */
  public static final String RESTORING = "SELECT set_config('domainguard.restoring', 'on', true)";

  // ---- sweeps ----

  public static final String INSERT_SWEEP = """
      INSERT INTO sweeps (scope, trigger, state, owner, total, started_at) VALUES ($1, $2, 'running', $3, $4, $5)
      RETURNING id""";

  public static final String FINISH_SWEEP = """
      UPDATE sweeps SET state = $2, finished_at = $3, error = $4 WHERE id = $1 AND state = 'running'""";

  /**
   * Records a sweep's end ($4: completed, or cancelled by a daemon leaving) once no other live
   * daemon still holds a domain it leased for it: the last of the daemons taking part to finish
   * its part records the end. Leases of dead daemons do not count (they are taken over).
   * $2: now; $3: this daemon.
   */
  public static final String FINISH_SWEEP_LAST = """
      UPDATE sweeps SET state = $4, finished_at = $2
      WHERE id = $1 AND state = 'running'
        AND NOT EXISTS (
            SELECT 1 FROM domains d JOIN fleet_daemons f ON f.owner = d.lease_owner
            WHERE d.lease_owner <> $3 AND d.lease_expires_at > $2 AND f.alive_until > $2
              AND d.next_check_at <= sweeps.started_at)""";

  /**
   * Records a daemon's shutdown as the sweep's end only when no other daemon is alive to carry it
   * on ($3: this daemon): otherwise the others, which look at the running sweep every heartbeat,
   * finish it, and the one finishing last records it.
   */
  public static final String LEAVE_SWEEP = """
      UPDATE sweeps SET state = 'cancelled', finished_at = $2
      WHERE id = $1 AND state = 'running'
        AND NOT EXISTS (SELECT 1 FROM fleet_daemons f WHERE f.owner <> $3 AND f.alive_until > $2)""";

  public static final String HEARTBEAT_SWEEP = "UPDATE sweeps SET heartbeat_at = now() WHERE id = $1";

  /** Sweeps whose daemon stopped without finishing them (crash, kill -9). */
  public static final String ABANDON_SWEEPS = """
      UPDATE sweeps SET state = 'failed', finished_at = now(), error = 'abandoned: its daemon stopped'
      WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $1)""";

  public static final String LAST_COMPLETED_SWEEP = "SELECT max(finished_at) FROM sweeps WHERE state = 'completed'";

  public static final String SWEEP_COLUMNS = "id, scope, trigger, state, total, done, failed, changed, started_at, finished_at, error";

  /** The sweep running on the database (at most one: sweeps_one_running), if any. */
  public static final String RUNNING_SWEEP = "SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE state = 'running'";

  public static final String GET_SWEEP = "SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = $1";

  public static final String RECENT_SWEEPS = "SELECT " + SWEEP_COLUMNS + " FROM sweeps ORDER BY id DESC LIMIT $1";
}
