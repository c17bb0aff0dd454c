package org.domainguard.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.domainguard.db.Sql;
import org.domainguard.db.Unnest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up addresses the host application inserted or changed (queued by triggers, so nothing
 * rescans the whole table), maps each to its registrable domain and records it as watched or
 * skipped. Each chunk is one transaction: a crash leaves the chunk queued. With the host's own
 * table, its changes are first copied into {@code email_addresses} (the {@link Intake}).
 */
public final class DiscoveryService {
  /** What brings the host's changes into {@code email_addresses} before each run; completes with the rows it changed. */
  public interface Intake {
    /** The default mode: the host writes {@code email_addresses} itself. */
    Intake NONE = () -> Future.succeededFuture(0);

    Future<Integer> pull();
  }

  private static final Unnest<Derivation> WATCHED = Derivation.columns();

  static final String UPSERT_WATCHED = """
      INSERT INTO watched_addresses (email_id, normalized, domain_id, skip_reason)
      SELECT t.email_id, t.normalized, d.id, t.skip_reason
      FROM\s""" + WATCHED.from("t") + """

      LEFT JOIN domains d ON d.name = t.domain
      ON CONFLICT (email_id) DO UPDATE
      SET normalized = EXCLUDED.normalized, domain_id = EXCLUDED.domain_id,
          skip_reason = EXCLUDED.skip_reason, discovered_at = now()""";

  private static final Logger log = LoggerFactory.getLogger(DiscoveryService.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Supplier<PublicSuffixList> suffixes;
  private final int chunkSize;
  private final Intake intake;
  private Future<Integer> running;
  private Future<Integer> next;

  /** With the Public Suffix List snapshot shipped in the jar. */
  public DiscoveryService(Vertx vertx, Pool pool, int chunkSize) {
    this(vertx, pool, chunkSize, PublicSuffixList::bundled);
  }

  /** Each chunk is parsed with the list {@code suffixes} gives at that moment. */
  public DiscoveryService(Vertx vertx, Pool pool, int chunkSize, Supplier<PublicSuffixList> suffixes) {
    this(vertx, pool, chunkSize, suffixes, Intake.NONE);
  }

  /** Each run first takes the host's changes through {@code intake}; a failed intake still lets queued addresses through. */
  public DiscoveryService(Vertx vertx, Pool pool, int chunkSize, Supplier<PublicSuffixList> suffixes, Intake intake) {
    this.vertx = vertx;
    this.pool = pool;
    this.chunkSize = chunkSize;
    this.suffixes = suffixes;
    this.intake = intake;
  }

  /**
   * Drains the queue and completes with the number of addresses handled. A call made while a run
   * is under way gets a fresh run after it (shared by every such caller), so what was queued
   * before the call is always covered when its future completes.
   */
  public Future<Integer> discover() {
    if (running == null) {
      return start();
    }
    if (next == null) {
      next = running.transform(ar -> {
        next = null;
        return start();
      });
    }
    return next;
  }

  private Future<Integer> start() {
    Future<Integer> run = intake.pull()
        .recover(e -> {
          log.warn("reading the host table's changes failed; retrying next discovery", e);
          return Future.succeededFuture(0);
        })
        .compose(pulled -> drain(0));
    running = run;
    run.onComplete(ar -> {
      if (running == run) {
        running = null;
      }
    });
    return run;
  }

  private Future<Integer> drain(int soFar) {
    return pool.withTransaction(this::discoverChunk)
        .compose(n -> n < chunkSize ? Future.succeededFuture(soFar + n) : drain(soFar + n))
        .onSuccess(total -> {
          if (total > 0 && soFar == 0) {
            log.info("discovery finished addresses={}", total);
          }
        });
  }

  private Future<Integer> discoverChunk(SqlConnection conn) {
    return conn.preparedQuery(Sql.TAKE_ADDRESS_CHANGES).execute(Tuple.of(chunkSize))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(0)
            : vertx.executeBlocking(() -> Chunk.parse(new AddressParser(suffixes.get()), rows), false)
                .compose(chunk -> write(conn, chunk))
                .map(rows.size()));
  }

  private Future<Void> write(SqlConnection conn, Chunk chunk) {
    return conn.preparedQuery(Sql.INSERT_DOMAINS).execute(Tuple.of(Derivation.domains(chunk.derived)))
        .compose(ignored -> conn.preparedQuery(UPSERT_WATCHED).execute(WATCHED.bind(chunk.derived)))
        .compose(ignored -> chunk.reverifiedDomains.isEmpty()
            ? Future.succeededFuture()
            : conn.preparedQuery(Sql.MAKE_DUE).execute(Tuple.of(chunk.reverifiedDomains.toArray(String[]::new))))
        .mapEmpty();
  }

  /** One chunk's derived addresses, and the domains of re-verified ones. Deleted addresses are dropped. */
  private static final class Chunk {
    final List<Derivation> derived = new ArrayList<>();
    final List<String> reverifiedDomains = new ArrayList<>();

    static Chunk parse(AddressParser parser, RowSet<Row> rows) {
      Chunk chunk = new Chunk();
      for (Row row : rows) {
        if (!row.getBoolean("present")) {
          continue;
        }
        ParsedAddress parsed = parser.parse(row.getString("address"));
        chunk.derived.add(new Derivation(row.getLong("email_id"), parsed, null));
        if (parsed.isWatched() && row.getBoolean("reverified")) {
          chunk.reverifiedDomains.add(parsed.domain());
        }
      }
      return chunk;
    }
  }
}
