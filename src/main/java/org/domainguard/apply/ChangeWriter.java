package org.domainguard.apply;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.BOOL;
import static org.domainguard.db.Unnest.Type.INT;
import static org.domainguard.db.Unnest.Type.JSONB;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.db.Unnest;
import org.domainguard.events.EventOutbox;
import org.domainguard.host.HostWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a batch of check results inside the caller's transaction, one set-based statement per
 * table: the check history, each domain's new state and next check, and the unverifications with
 * their audit rows — or, past the {@link MassChangeGuard}'s limits, the held changes — each with
 * its outbox events ({@link EventOutbox}).
 */
public final class ChangeWriter {
  private static final Logger log = LoggerFactory.getLogger(ChangeWriter.class);

  private static final Unnest<CheckRecord> CHECKS = Unnest.<CheckRecord>of()
      .column("domain_id", BIGINT, r -> r.state().id())
      .column("sweep_id", BIGINT, CheckRecord::sweepId)
      .column("provider", TEXT, r -> r.result().provider())
      .column("outcome", TEXT, r -> r.result().outcome().label())
      .column("statuses", TEXT, r -> statuses(r.result()))
      .column("phase", TEXT, r -> name(r.result().classified()))
      .column("error", TEXT, r -> error(r.result()))
      .time("started_at", r -> r.result().startedAt())
      .time("finished_at", r -> r.result().finishedAt())
      .column("attempts", INT, r -> r.result().attempts())
      .column("server", TEXT, r -> evidence(r, RegistryRecord::server))
      .column("http_status", INT, r -> evidence(r, RegistryRecord::httpStatus))
      .time("registered_at", r -> storable(evidence(r, RegistryRecord::registeredAt)))
      .time("expires_at", r -> storable(evidence(r, RegistryRecord::expiresAt)))
      .time("transferred_at", r -> storable(evidence(r, RegistryRecord::transferredAt)))
      .time("last_changed_at", r -> storable(evidence(r, RegistryRecord::lastChangedAt)))
      .column("notices", JSONB, r -> evidence(r, rec -> new JsonArray(new ArrayList<Object>(rec.notices())).encode()));

  /** The check history; the ids come back so that the changes a check causes can name it. */
  static final String INSERT_CHECKS = "INSERT INTO domain_checks (" + CHECKS.names() + ")\n"
      + "SELECT " + CHECKS.select("t") + " FROM " + CHECKS.from("t") + "\nRETURNING id, domain_id";

  private static final Unnest<CheckRecord> DOMAINS = Unnest.<CheckRecord>of()
      .column("id", BIGINT, r -> r.state().id())
      .column("phase", TEXT, r -> name(r.decision().phase()))
      .column("statuses", TEXT, r -> statuses(r.result()))
      .column("lapse_phase", TEXT, r -> name(r.decision().lapsePhase()))
      .time("lapse_seen_at", r -> r.decision().lapseSeenAt())
      .time("started_at", r -> r.result().startedAt())
      .time("finished_at", r -> r.result().finishedAt())
      .column("ok", BOOL, r -> r.result().answer() instanceof ProviderAnswer.Statuses)
      .time("next_check_at", r -> r.decision().nextCheckAt())
      .column("failure_count", INT, r -> r.decision().failureCount())
      .column("error", TEXT, r -> error(r.result()))
      .column("last_seen", BIGINT, r -> r.result().seen())
      .time("cutoff", r -> r.decision().cutoff());

  /**
   * The result's state and next check; a re-verification during the check brings the next check
   * forward. A written result frees its domain for the next claim, in the same row update (whoever
   * claimed it has checked that the claim was still its own). Returns, for each domain, whether
   * its unverification cutoff is later than the domain's {@code verified_since}: only then may an
   * address on it have been verified before the cutoff (the row is locked from here on, so the
   * bound cannot move before the transaction ends).
   */
  static final String UPDATE_DOMAINS = """
      UPDATE domains d SET
          phase = t.phase,
          statuses = COALESCE(t.statuses, d.statuses),
          lapse_phase = t.lapse_phase,
          lapse_seen_at = t.lapse_seen_at,
          last_checked_at = t.finished_at,
          last_success_at = CASE WHEN t.ok THEN t.finished_at ELSE d.last_success_at END,
          next_check_at = CASE WHEN d.recheck_requested_at >= t.started_at THEN t.finished_at ELSE t.next_check_at END,
          failure_count = t.failure_count,
          last_error = t.error,
          last_seen = t.last_seen,
          lease_owner = NULL,
          lease_expires_at = NULL
      FROM\s""" + DOMAINS.from("t") + "\nWHERE d.id = t.id\nRETURNING d.id, t.cutoff > d.verified_since AS may_unverify";

  /** An acting record with the id its check got in the history. */
  private record Acting(MassChangeGuard.Candidate candidate, long checkId) {}

  private static final Unnest<CheckRecord> CANDIDATES = Unnest.<CheckRecord>of()
      .column("domain_id", BIGINT, r -> r.state().id())
      .time("cutoff", r -> r.decision().cutoff());

  /** How many addresses each acting record would unverify: what the mass-change guard weighs. */
  static final String COUNT_CANDIDATES = "SELECT t.domain_id, count(*) AS addresses\nFROM " + CANDIDATES.from("t") + """

      JOIN watched_addresses w ON w.domain_id = t.domain_id
      JOIN email_addresses e ON e.id = w.email_id AND\s""" + VerifiedBefore.sql("e", "t.cutoff") + "\nGROUP BY t.domain_id";

  private static final Unnest<Acting> UNVERIFICATIONS = unverificationColumns();

  /** The columns of an unverification: which domain, why, on what evidence, and which addresses (verified before the cutoff). */
  private static Unnest<Acting> unverificationColumns() {
    return Unnest.<Acting>of()
        .column("domain_id", BIGINT, a -> a.candidate().record().state().id())
        .column("reason", TEXT, a -> a.candidate().record().decision().unverifyReason())
        .column("phase", TEXT, a -> name(a.candidate().record().decision().phase()))
        .time("cutoff", a -> a.candidate().record().decision().cutoff())
        .column("check_id", BIGINT, Acting::checkId)
        .column("sweep_id", BIGINT, a -> a.candidate().record().sweepId());
  }

  /**
   * Unverifies every address on the listed domains that the rule allows, and writes one audit row
   * per change, in one statement. Re-running it changes nothing.
   */
  static final String UNVERIFY = "WITH t AS (SELECT * FROM " + UNVERIFICATIONS.from("t") + "),\n" + Unverification.ctes("t", null)
      + "\nSELECT domain_id, reason, count(*) AS changed FROM events GROUP BY domain_id, reason";

  /** An unverification held for an operator, with how many addresses it covers. */
  private static final Unnest<Acting> HOLDS = unverificationColumns()
      .column("statuses", TEXT, a -> statuses(a.candidate().record().result()))
      .column("addresses", INT, a -> a.candidate().addresses());

  /**
   * Holds unverifications past the guard's limits; newer evidence for a domain replaces an open
   * hold. A hold newly opened (not one replaced) raises {@code change.held}. The statuses are
   * bound rather than read back from the check just written: a join on the history, whose
   * statistics lag its growth during a sweep, was planned as a scan of the whole history.
   */
  static final String HOLD_CHANGES = """
      WITH held AS (
      INSERT INTO held_changes (domain_id, check_id, sweep_id, reason, phase, statuses, cutoff, addresses)
      SELECT t.domain_id, t.check_id, t.sweep_id, t.reason, t.phase, t.statuses, t.cutoff, t.addresses
      FROM\s""" + HOLDS.from("t") + """

      ON CONFLICT (domain_id) WHERE state = 'held' DO UPDATE
      SET check_id = EXCLUDED.check_id, sweep_id = EXCLUDED.sweep_id, reason = EXCLUDED.reason, phase = EXCLUDED.phase,
          statuses = EXCLUDED.statuses, cutoff = EXCLUDED.cutoff, addresses = EXCLUDED.addresses, held_at = now()
      RETURNING domain_id, phase, addresses, xmax = 0 AS opened),
      """ + EventOutbox.changeHeld("(SELECT * FROM held WHERE opened) h") + "\nSELECT count(*) FROM held";

  /** Addresses unverified by one batch, per domain id and per reason. */
  public record Changes(Map<Long, Integer> byDomain, Map<String, Integer> byReason) {
    public static final Changes NONE = new Changes(Map.of(), Map.of());

    static Changes of(RowSet<Row> rows) {
      Map<Long, Integer> byDomain = new HashMap<>();
      Map<String, Integer> byReason = new HashMap<>();
      for (Row row : rows) {
        int n = row.getLong("changed").intValue();
        byDomain.merge(row.getLong("domain_id"), n, Integer::sum);
        byReason.merge(row.getString("reason"), n, Integer::sum);
      }
      return new Changes(byDomain, byReason);
    }
  }

  private static final Instant OLDEST_STORABLE = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant NEWEST_STORABLE = Instant.parse("+99999-12-31T23:59:59Z");

  private final MassChangeGuard guard;
  private final HostWrite hostWrite;

  public ChangeWriter(MassChangeGuard guard) {
    this(guard, HostWrite.NONE);
  }

  /** {@code hostWrite}: also gives each unverification to the host's own table, in the same transaction. */
  public ChangeWriter(MassChangeGuard guard, HostWrite hostWrite) {
    this.guard = guard;
    this.hostWrite = hostWrite;
  }

  /**
   * The batch's statements in order, inside the caller's transaction; each domain appears at most
   * once: every domain's new state, then what the guard lets the acting records change, the check
   * history, and the changes (or holds) naming their checks.
   */
  public Future<Changes> write(SqlConnection conn, List<CheckRecord> batch) {
    return conn.preparedQuery(UPDATE_DOMAINS).execute(DOMAINS.bind(batch)).map(ChangeWriter::mayUnverify)
        .compose(mayUnverify -> EventOutbox.write(conn, PhaseEvents.of(batch)).compose(r -> weigh(conn, batch, mayUnverify)))
        .compose(split -> history(conn, batch, split).compose(checkIds -> act(conn, split, checkIds))
            .compose(changes -> guard.countChecked(conn, batch, split).map(changes)));
  }

  /**
   * Weighs what the acting records would change and splits it into what the guard allows and what
   * it holds, against the guard's windows as every daemon left them (locked until this transaction ends).
   * A domain whose cutoff is not after its {@code verified_since} is passed over, unless its
   * cutoff will not come again: the end of a lapse (phase REREGISTERED) is decided once, while a
   * lapsed phase or a registration date is decided anew at the next check, by which time discovery
   * has brought any earlier verification to the bound.
   */
  private Future<MassChangeGuard.Split> weigh(SqlConnection conn, List<CheckRecord> batch, Set<Long> mayUnverify) {
    List<CheckRecord> acting = batch.stream()
        .filter(r -> r.decision().unverifies() && (r.decision().phase() == Phase.REREGISTERED || mayUnverify.contains(r.state().id())))
        .toList();
    Future<List<MassChangeGuard.Candidate>> candidates = acting.isEmpty()
        ? Future.succeededFuture(List.of())
        : conn.preparedQuery(COUNT_CANDIDATES).execute(CANDIDATES.bind(acting)).map(rows -> candidates(acting, rows));
    return candidates.compose(weighed -> guard.split(conn, batch, weighed));
  }

  /** The domains an unverification may change something on (see {@link #UPDATE_DOMAINS}). */
  private static Set<Long> mayUnverify(RowSet<Row> updated) {
    Set<Long> ids = new HashSet<>();
    updated.forEach(row -> {
      if (Boolean.TRUE.equals(row.getBoolean("may_unverify"))) {
        ids.add(row.getLong("id"));
      }
    });
    return ids;
  }

  /**
   * Writes the checks worth a history row (see {@link #changesHistory}) and those that change or
   * hold something; each written check's id, by domain id.
   */
  private static Future<Map<Long, Long>> history(SqlConnection conn, List<CheckRecord> batch, MassChangeGuard.Split split) {
    Set<Long> acted = new HashSet<>();
    split.apply().forEach(c -> acted.add(c.record().state().id()));
    split.hold().forEach(c -> acted.add(c.record().state().id()));
    List<CheckRecord> kept = batch.stream().filter(r -> acted.contains(r.state().id()) || changesHistory(r)).toList();
    if (kept.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return conn.preparedQuery(INSERT_CHECKS).execute(CHECKS.bind(kept)).map(ChangeWriter::checkIds);
  }

  /**
   * A check is kept in the history when it tells something the history does not say yet: it failed
   * or follows a failure, the domain's phase moves, or what the provider said differs from the
   * domain's previous check. A check that saw what the one before it saw only moves the domain's
   * last check time (on the domain's row).
   */
  static boolean changesHistory(CheckRecord r) {
    DomainState state = r.state();
    return r.result().outcome() != Outcome.OK
        || state.failureCount() > 0
        || r.decision().phase() != state.phase()
        || state.lastSeen() == null
        || state.lastSeen() != r.result().seen();
  }

  /** Each written check's id, by domain id (a batch holds a domain once). */
  private static Map<Long, Long> checkIds(RowSet<Row> inserted) {
    Map<Long, Long> ids = new HashMap<>(inserted.size() * 2);
    inserted.forEach(row -> ids.put(row.getLong(1), row.getLong(0)));
    return ids;
  }

  /** Applies what the guard allows and holds the rest, each naming the check it comes from. */
  private Future<Changes> act(SqlConnection conn, MassChangeGuard.Split split, Map<Long, Long> checkIds) {
    Future<Changes> changes = split.apply().isEmpty()
        ? Future.succeededFuture(Changes.NONE)
        : conn.preparedQuery(UNVERIFY).execute(UNVERIFICATIONS.bind(acting(split.apply(), checkIds))).map(Changes::of)
            .compose(c -> hostWrite.push(conn).map(c));
    return split.hold().isEmpty() ? changes : changes.compose(c -> hold(conn, split, checkIds).map(c));
  }

  private Future<Void> hold(SqlConnection conn, MassChangeGuard.Split split, Map<Long, Long> checkIds) {
    return conn.preparedQuery(HOLD_CHANGES).execute(HOLDS.bind(acting(split.hold(), checkIds))).map(held -> {
      int addresses = split.hold().stream().mapToInt(MassChangeGuard.Candidate::addresses).sum();
      if (split.startedHolding()) {
        log.warn("mass-change guard limit reached: further unverifications are held for an operator (GET /admin/v1/held-changes) domains={} addresses={}",
            split.hold().size(), addresses);
      } else {
        log.debug("mass-change guard held unverifications domains={} addresses={}", split.hold().size(), addresses);
      }
      return null;
    });
  }

  private static List<Acting> acting(List<MassChangeGuard.Candidate> candidates, Map<Long, Long> checkIds) {
    return candidates.stream().map(c -> new Acting(c, checkIds.get(c.record().state().id()))).toList();
  }

  /** Pairs each acting record with the number of addresses it would change; records that would change none drop out. */
  private static List<MassChangeGuard.Candidate> candidates(List<CheckRecord> acting, RowSet<Row> counts) {
    Map<Long, Integer> byDomain = new HashMap<>();
    counts.forEach(r -> byDomain.put(r.getLong("domain_id"), r.getLong("addresses").intValue()));
    return acting.stream()
        .filter(r -> byDomain.containsKey(r.state().id()))
        .map(r -> new MassChangeGuard.Candidate(r, byDomain.get(r.state().id())))
        .toList();
  }

  /** A part of the registry's record kept as the check's evidence (SPEC §8); null when the provider gave no record. */
  private static <T> T evidence(CheckRecord r, Function<RegistryRecord, T> part) {
    return r.result().answer() instanceof ProviderAnswer.Statuses s && s.registry() != null ? part.apply(s.registry()) : null;
  }

  /** A registry's date as PostgreSQL can keep it: one past its range (a lenient parse of nonsense) is not kept. */
  private static Instant storable(Instant t) {
    return t == null || t.isBefore(OLDEST_STORABLE) || t.isAfter(NEWEST_STORABLE) ? null : t;
  }

  private static String statuses(CheckResult r) {
    return r.answer() instanceof ProviderAnswer.Statuses s ? s.raw() : null;
  }

  private static String error(CheckResult r) {
    return r.answer() instanceof ProviderAnswer.Failure f ? f.outcome().label() + ": " + f.detail() : null;
  }

  private static String name(Phase phase) {
    return phase == null ? null : phase.name();
  }
}
