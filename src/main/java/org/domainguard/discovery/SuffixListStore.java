package org.domainguard.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.domainguard.db.Sql;

/** The Public Suffix List that the stored derivations follow, kept in the database (one row). */
public final class SuffixListStore {
  private final Vertx vertx;
  private final Pool pool;

  public SuffixListStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** The stored list, parsed on a worker thread; null when none is stored yet or it no longer parses. */
  public Future<Stored> load() {
    return pool.query(Sql.SUFFIX_LIST).execute().compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      Row row = rows.iterator().next();
      Instant asOf = row.getOffsetDateTime("as_of").toInstant();
      OffsetDateTime fetched = row.getOffsetDateTime("fetched_at");
      String source = row.getString("source");
      String body = row.getString("body");
      return vertx.executeBlocking(() -> {
        try {
          return new Stored(PublicSuffixList.parse(body, asOf), body, source, fetched == null ? null : fetched.toInstant());
        } catch (InvalidSuffixListException e) {
          return null;
        }
      }, false);
    });
  }

  /** Records {@code list} as the one applied; {@code fetchedAt} (null: not fetched now) keeps an earlier fetch time. */
  public Future<Void> save(PublicSuffixList list, String text, String source, Instant fetchedAt) {
    return pool.preparedQuery(Sql.SAVE_SUFFIX_LIST).execute(Tuple.of(
            list.digest(), utc(list.asOf()), list.ruleCount(), source, text, fetchedAt == null ? null : utc(fetchedAt)))
        .mapEmpty();
  }

  /** A fetch that found the list unchanged. */
  public Future<Void> fetched(Instant at) {
    return pool.preparedQuery(Sql.SUFFIX_LIST_FETCHED).execute(Tuple.of(utc(at))).mapEmpty();
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  /** A stored list: parsed, its text, where it came from and when it was last fetched (null: never). */
  public record Stored(PublicSuffixList list, String text, String source, Instant fetchedAt) {}

  /** The stored list when it is dated after {@code bundled}, else {@code bundled}. */
  public static PublicSuffixList newer(Stored stored, PublicSuffixList bundled) {
    return stored != null && stored.list().asOf().isAfter(bundled.asOf()) ? stored.list() : bundled;
  }
}
