package org.domainguard.fleet;

import static org.domainguard.db.Unnest.Type.FLOAT8;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Timestamps;
import org.domainguard.db.Unnest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This daemon's membership of the fleet sharing the database, and its shares of the shared rate
 * limits. Every heartbeat one short transaction records the heartbeat, records the 429 pauses
 * this daemon got, and renews this daemon's share of each limit it uses ({@link Grant#next}),
 * under a transaction-scoped advisory lock per limit so that the shares of one limit are never
 * allocated by two daemons at once and never add up to more than the limit. Calls never touch the
 * database: each limit's local token bucket runs at the share last granted. A share that could not
 * be renewed lapses here when it lapses for the others, so a daemon cut off from the database
 * stops calling rather than overrun the limit.
 */
public final class Fleet implements LimitShares {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);

  private static final Unnest<Map.Entry<String, Grant>> GRANTS = Unnest.<Map.Entry<String, Grant>>of()
      .column("limit_key", TEXT, Map.Entry::getKey)
      .column("rate", FLOAT8, e -> e.getValue().rate())
      .column("burst", FLOAT8, e -> e.getValue().burst())
      .column("held_rate", FLOAT8, e -> e.getValue().heldRate())
      .column("held_burst", FLOAT8, e -> e.getValue().heldBurst())
      .time("held_until", e -> e.getValue().heldUntil())
      .time("expires_at", e -> e.getValue().expiresAt());

  private static final Unnest<Map.Entry<String, Instant>> PAUSES = Unnest.<Map.Entry<String, Instant>>of()
      .column("limit_key", TEXT, Map.Entry::getKey)
      .time("until", Map.Entry::getValue);

  static final String HEARTBEAT = """
      INSERT INTO fleet_daemons (owner, started_at, heartbeat_at, alive_until) VALUES ($1, $2, $3, $4)
      ON CONFLICT (owner) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, alive_until = EXCLUDED.alive_until""";

  /** In one order (of the lock ids) in every daemon, so two renewals never deadlock. */
  static final String LOCK_LIMITS = """
      SELECT pg_advisory_xact_lock(h) FROM (
          SELECT DISTINCT hashtext('fleet-limit:' || k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS locks""";

  static final String DROP_LAPSED = "DELETE FROM fleet_grants WHERE limit_key = ANY($1::text[]) AND expires_at <= $2";

  static final String LIVE_GRANTS = """
      SELECT limit_key, owner, rate, burst, held_rate, held_burst, held_until, expires_at
      FROM fleet_grants WHERE limit_key = ANY($1::text[]) AND expires_at > $2""";

  static final String RECORD_PAUSES = "INSERT INTO fleet_pauses (limit_key, until) SELECT t.limit_key, t.until FROM "
      + PAUSES.from("t") + " ON CONFLICT (limit_key) DO UPDATE SET until = greatest(fleet_pauses.until, EXCLUDED.until)";

  static final String PAUSES_IN_FORCE = "SELECT limit_key, until FROM fleet_pauses WHERE limit_key = ANY($1::text[]) AND until > $2";

  /** {@code $8}, after the grants' columns, is this daemon. */
  static final String SAVE_GRANTS = "INSERT INTO fleet_grants (" + GRANTS.names() + ", owner) SELECT " + GRANTS.select("t")
      + ", $8 FROM " + GRANTS.from("t") + """

       ON CONFLICT (limit_key, owner) DO UPDATE SET rate = EXCLUDED.rate, burst = EXCLUDED.burst,
          held_rate = EXCLUDED.held_rate, held_burst = EXCLUDED.held_burst,
          held_until = EXCLUDED.held_until, expires_at = EXCLUDED.expires_at""";

  static final String LIVE_DAEMONS = "SELECT count(*) FROM fleet_daemons WHERE alive_until > $1";

  /** Daemons dead for a day: their leases have long expired, nobody needs to know they were there. */
  static final String FORGET_LONG_DEAD = "DELETE FROM fleet_daemons WHERE alive_until < $1";

  static final String LEAVE = """
      WITH gone AS (DELETE FROM fleet_grants WHERE owner = $1)
      DELETE FROM fleet_daemons WHERE owner = $1""";

  private final Vertx vertx;
  private final Pool pool;
  private final String owner;
  private final AppConfig.Fleet config;
  private final Clock clock;
  private final LongSupplier nanoClock;
  private final Instant startedAt;
  private final Map<String, Shared> limits = new ConcurrentHashMap<>();
  private final Map<String, Instant> pendingPauses = new ConcurrentHashMap<>();
  private Context context;
  private long timer = -1;
  private boolean renewing;
  private boolean again;
  private boolean lapsed = true;
  private volatile int liveDaemons;
  private Runnable departed = () -> {};
  /** {@link #nanoClock} time until which the shares last granted are in force. */
  private volatile long grantedUntil;

  /** A joined limit and the share it runs at. */
  private static final class Shared {
    final SharedLimit limit;
    volatile double rate;
    volatile double burst;

    Shared(SharedLimit limit) {
      this.limit = limit;
    }

    void share(double newRate, double newBurst) {
      rate = newRate;
      burst = newBurst;
      limit.share(newRate, newBurst);
    }
  }

  public Fleet(Vertx vertx, Pool pool, String owner, AppConfig.Fleet config, Clock clock, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.pool = pool;
    this.owner = owner;
    this.config = config;
    this.clock = clock;
    this.nanoClock = nanoClock;
    this.startedAt = clock.instant();
  }

  /** Joins the fleet (first heartbeat, first shares) and renews every heartbeat, on the caller's event loop. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    long every = config.heartbeat().toMillis();
    timer = vertx.setPeriodic(every, every, id -> {
      lapseIfNotRenewed();
      renew();
    });
    return pool.preparedQuery(FORGET_LONG_DEAD).execute(Tuple.of(Timestamps.utc(clock.instant().minus(Duration.ofDays(1)))))
        .compose(v -> renewal());
  }

  /** {@code action} runs on this daemon's event loop whenever a renewal finds fewer daemons alive than the one before. */
  public void onDeparture(Runnable action) {
    departed = action;
  }

  /** Daemons alive at the last renewal, this one included (0 before the first). */
  public int liveDaemons() {
    return liveDaemons;
  }

  /** Stops renewing and leaves: this daemon's shares are freed for the others at once. */
  public Future<Void> leave() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return pool.preparedQuery(LEAVE).execute(Tuple.of(owner)).mapEmpty();
  }

  @Override
  public void join(SharedLimit limit) {
    Shared shared = new Shared(limit);
    if (limits.putIfAbsent(limit.key(), shared) == null) {
      shared.share(0, 0);
      renewSoon();
    }
  }

  @Override
  public void paused(String key, Duration pause) {
    notePause(key, clock.instant().plus(pause));
    renewSoon();
  }

  /** A pause to write at the next renewal; of two for one limit, the later end wins. */
  private void notePause(String key, Instant until) {
    pendingPauses.merge(key, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** This daemon's share of the rate of limit {@code key} (0 when it has none). */
  public double rateShare(String key) {
    Shared s = limits.get(key);
    return s == null ? 0 : s.rate;
  }

  private void renewSoon() {
    if (context != null) {
      context.runOnContext(v -> renew());
    }
  }

  private void renew() {
    renewal().onFailure(e -> log.warn("fleet renewal failed; shares lapse if it keeps failing owner={} error={}", owner, e.toString()));
  }

  /** One renewal; a renewal asked for while one runs follows it. */
  private Future<Void> renewal() {
    if (renewing) {
      again = true;
      return Future.succeededFuture();
    }
    renewing = true;
    Instant now = clock.instant();
    long nanoNow = nanoClock.getAsLong();
    Map<String, Shared> joined = new TreeMap<>(limits);
    Map<String, Instant> pauses = new HashMap<>(pendingPauses);
    pauses.forEach(pendingPauses::remove);
    int aliveBefore = liveDaemons;
    return pool.withTransaction(conn -> renew(conn, joined, pauses, now))
        .onSuccess(r -> {
          grantedUntil = nanoNow + config.grantTtl().toNanos();
          lapsed = false;
          if (liveDaemons < aliveBefore) {
            departed.run();
          }
          r.grants().forEach((key, grant) -> joined.get(key).share(grant.rate(), grant.burst()));
          r.pauses().forEach((key, until) -> {
            long nanos = Duration.between(now, until).toNanos();
            if (nanos > 0) {
              joined.get(key).limit.pauseFor(nanos);
            }
          });
        })
        .onFailure(e -> pauses.forEach(this::notePause))
        .<Void>mapEmpty()
        .onComplete(ar -> {
          renewing = false;
          if (again) {
            again = false;
            renew();
          }
        });
  }

  private record Renewed(Map<String, Grant> grants, Map<String, Instant> pauses) {}

  private Future<Renewed> renew(SqlConnection conn, Map<String, Shared> joined, Map<String, Instant> pauses, Instant now) {
    String[] keys = joined.keySet().toArray(String[]::new);
    Tuple keysAtNow = Tuple.tuple().addValue(keys).addValue(Timestamps.utc(now));
    Future<Void> beat = conn.preparedQuery(HEARTBEAT)
        .execute(Tuple.of(owner, Timestamps.utc(startedAt), Timestamps.utc(now), Timestamps.utc(now.plus(config.deadAfter()))))
        .compose(v -> conn.preparedQuery(LIVE_DAEMONS).execute(Tuple.of(Timestamps.utc(now))))
        .onSuccess(rows -> liveDaemons = rows.iterator().next().getInteger(0))
        .mapEmpty();
    if (keys.length == 0) {
      return beat.map(new Renewed(Map.of(), Map.of()));
    }
    return beat
        .compose(v -> conn.preparedQuery(LOCK_LIMITS).execute(Tuple.tuple().addValue(keys)))
        .compose(v -> pauses.isEmpty() ? Future.succeededFuture()
            : conn.preparedQuery(RECORD_PAUSES).execute(PAUSES.bind(new ArrayList<>(pauses.entrySet()))))
        .compose(v -> conn.preparedQuery(DROP_LAPSED).execute(keysAtNow))
        .compose(v -> conn.preparedQuery(LIVE_GRANTS).execute(keysAtNow))
        .compose(rows -> {
          Map<String, List<Grant>> others = new HashMap<>();
          Map<String, Grant> mine = new HashMap<>();
          for (Row row : rows) {
            Grant g = grant(row);
            if (row.getString("owner").equals(owner)) {
              mine.put(row.getString("limit_key"), g);
            } else {
              others.computeIfAbsent(row.getString("limit_key"), k -> new ArrayList<>()).add(g);
            }
          }
          Map<String, Grant> next = new TreeMap<>();
          joined.forEach((key, shared) -> {
            Grant g = Grant.next(shared.limit.rate(), shared.limit.burst(), others.getOrDefault(key, List.of()), mine.get(key),
                now, config.grantTtl());
            next.put(key, g);
            // Shrinks before the commit, so no other daemon can take what this one still uses.
            if (g.rate() < shared.rate || g.burst() < shared.burst) {
              shared.share(Math.min(g.rate(), shared.rate), Math.min(g.burst(), shared.burst));
            }
          });
          Tuple save = GRANTS.bind(new ArrayList<>(next.entrySet())).addValue(owner);
          return conn.preparedQuery(SAVE_GRANTS).execute(save).map(next);
        })
        .compose(next -> conn.preparedQuery(PAUSES_IN_FORCE).execute(keysAtNow).map(rows -> {
          Map<String, Instant> inForce = new HashMap<>();
          rows.forEach(row -> inForce.put(row.getString("limit_key"), Timestamps.instant(row.getOffsetDateTime("until"))));
          return new Renewed(next, inForce);
        }));
  }

  /** Past the last share's end with no renewal: the others count it void, so this daemon stops using it. */
  private void lapseIfNotRenewed() {
    if (!lapsed && nanoClock.getAsLong() - grantedUntil > 0) {
      lapsed = true;
      log.warn("fleet shares lapsed: no renewal for {}; calls stop until the database answers again owner={}",
          config.grantTtl(), owner);
      limits.values().forEach(s -> s.share(0, 0));
    }
  }

  private static Grant grant(Row row) {
    return new Grant(row.getDouble("rate"), row.getDouble("burst"), row.getDouble("held_rate"), row.getDouble("held_burst"),
        Timestamps.instant(row.getOffsetDateTime("held_until")), Timestamps.instant(row.getOffsetDateTime("expires_at")));
  }
}
