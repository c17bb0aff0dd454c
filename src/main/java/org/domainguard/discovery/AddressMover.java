package org.domainguard.discovery;

import static org.domainguard.db.Unnest.Type.BIGINT;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.domainguard.db.Sql;
import org.domainguard.db.Unnest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-derives every address after the Public Suffix List changed: one keyset pass over
 * {@code watched_addresses}, a chunk per transaction (bounded memory however many addresses).
 * Addresses whose registrable domain changed move to the new domain (created if needed and due at
 * once) and get an {@code address_moves} row; a domain left with no address is parked (never due).
 */
public final class AddressMover {
  private static final Unnest<Derivation> MOVES = Derivation.columns().column("old_domain_id", BIGINT, Derivation::oldDomainId);

  /**
   * Moves addresses to their new derivation (unless something moved them meanwhile) and records
   * each move with the list's digest (the parameter after the columns).
   */
  static final String MOVE_ADDRESSES = "WITH t AS (SELECT * FROM " + MOVES.from("t") + "),\n" + """
      updated AS (
          UPDATE watched_addresses w
          SET normalized = t.normalized, domain_id = d.id, skip_reason = t.skip_reason, discovered_at = now()
          FROM t LEFT JOIN domains d ON d.name = t.domain
          WHERE w.email_id = t.email_id AND w.domain_id IS NOT DISTINCT FROM t.old_domain_id
          RETURNING w.email_id, t.old_domain_id, w.domain_id, w.skip_reason),
      moved AS (
          INSERT INTO address_moves (email_id, from_domain_id, to_domain_id, skip_reason, list_digest)
          SELECT email_id, old_domain_id, domain_id, skip_reason, $6 FROM updated
          WHERE old_domain_id IS DISTINCT FROM domain_id
          RETURNING from_domain_id, to_domain_id)
      SELECT from_domain_id, to_domain_id FROM moved""";

  private static final Logger log = LoggerFactory.getLogger(AddressMover.class);

  private final Vertx vertx;
  private final Pool pool;
  private final int chunkSize;

  public AddressMover(Vertx vertx, Pool pool, int chunkSize) {
    this.vertx = vertx;
    this.pool = pool;
    this.chunkSize = chunkSize;
  }

  /** Moves what {@code list} derives differently; completes with the pass's counts. */
  public Future<Moves> moveAll(PublicSuffixList list) {
    return pass(new AddressParser(list), list.digest(), 0L, Moves.NONE).onSuccess(m -> log.info(
        "public suffix list change applied addresses={} moved={} nowSkipped={} domainsParked={} list={}",
        m.examined(), m.moved(), m.nowSkipped(), m.domainsParked(), list));
  }

  private Future<Moves> pass(AddressParser parser, String digest, long after, Moves soFar) {
    return pool.withTransaction(conn -> chunk(conn, parser, digest, after))
        .compose(c -> {
          Moves total = soFar.plus(c.moves());
          return c.rows() < chunkSize ? Future.succeededFuture(total) : pass(parser, digest, c.lastEmailId(), total);
        });
  }

  private Future<ChunkResult> chunk(SqlConnection conn, AddressParser parser, String digest, long after) {
    return conn.preparedQuery(Sql.ADDRESSES_AFTER).execute(Tuple.of(after, chunkSize))
        .compose(rows -> vertx.executeBlocking(() -> changed(parser, rows), false)
            .compose(changed -> changed.isEmpty()
                ? Future.succeededFuture(new Moves(rows.size(), 0, 0, 0))
                : write(conn, changed, digest, rows.size()))
            .map(moves -> new ChunkResult(rows.size(), lastEmailId(rows, after), moves)));
  }

  private static long lastEmailId(RowSet<Row> rows, long after) {
    long last = after;
    for (Row r : rows) {
      last = r.getLong("email_id");
    }
    return last;
  }

  private Future<Moves> write(SqlConnection conn, List<Derivation> changed, String digest, int examined) {
    return conn.preparedQuery(Sql.INSERT_DOMAINS).execute(Tuple.of(Derivation.domains(changed)))
        .compose(ignored -> conn.preparedQuery(MOVE_ADDRESSES).execute(MOVES.bind(changed).addValue(digest)))
        .compose(moved -> {
          Set<Long> from = new LinkedHashSet<>();
          Set<Long> to = new LinkedHashSet<>();
          int nowSkipped = 0;
          for (Row r : moved) {
            if (r.getLong("from_domain_id") != null) {
              from.add(r.getLong("from_domain_id"));
            }
            if (r.getLong("to_domain_id") != null) {
              to.add(r.getLong("to_domain_id"));
            } else {
              nowSkipped++;
            }
          }
          int skipped = nowSkipped;
          return conn.preparedQuery(Sql.MAKE_DUE_BY_ID).execute(Tuple.of(to.toArray(Long[]::new)))
              .compose(ignored -> conn.preparedQuery(Sql.PARK_UNWATCHED).execute(Tuple.of(from.toArray(Long[]::new))))
              .map(parked -> new Moves(examined, moved.size(), skipped, parked.rowCount()));
        });
  }

  /** Counts of one pass: addresses examined, moved to another domain (or to skipped), domains parked. */
  public record Moves(long examined, long moved, long nowSkipped, long domainsParked) {
    static final Moves NONE = new Moves(0, 0, 0, 0);

    Moves plus(Moves o) {
      return new Moves(examined + o.examined, moved + o.moved, nowSkipped + o.nowSkipped, domainsParked + o.domainsParked);
    }
  }

  private record ChunkResult(int rows, long lastEmailId, Moves moves) {}

  /** The addresses of one chunk whose derivation differs from what is stored. */
  private static List<Derivation> changed(AddressParser parser, RowSet<Row> rows) {
    List<Derivation> changed = new ArrayList<>();
    for (Row row : rows) {
      ParsedAddress p = parser.parse(row.getString("address"));
      if (!Objects.equals(p.domain(), row.getString("domain"))
          || !Objects.equals(p.normalized(), row.getString("normalized"))
          || !Objects.equals(p.skipReason(), row.getString("skip_reason"))) {
        changed.add(new Derivation(row.getLong("email_id"), p, row.getLong("domain_id")));
      }
    }
    return changed;
  }
}
