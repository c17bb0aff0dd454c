package org.domainguard.apply;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Sql;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes check results in batches: up to {@code batch-size} records or whatever arrived within
 * {@code max-delay}, one transaction per batch holding the check history, the domains' new state,
 * the unverifications with their audit rows (or, past the {@link MassChangeGuard}'s limits, the held
 * changes), and the sweeps' progress — one statement per table.
 * Batches are written one at a time, in arrival order. Must be used from one event loop.
 */
public final class BatchWriter {
  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private record Pending(CheckRecord record, Promise<Integer> changed) {}

  private final Vertx vertx;
  private final Pool pool;
  private final String owner;
  private final int batchSize;
  private final long maxDelayMs;
  private final Metrics metrics;
  private final MassChangeGuard guard;
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private final List<Promise<Void>> waitingForRoom = new ArrayList<>();
  private boolean writing;
  private long timer = -1;

  /** {@code owner} is this daemon's lease owner: results of domains whose lease another daemon has taken are not written. */
  public BatchWriter(Vertx vertx, Pool pool, String owner, AppConfig.Writer config, MassChangeGuard guard, Metrics metrics) {
    this.guard = guard;
    this.vertx = vertx;
    this.pool = pool;
    this.owner = owner;
    this.batchSize = config.batchSize();
    this.maxDelayMs = Math.max(1, config.maxDelay().toMillis());
    this.metrics = metrics;
  }

  /**
   * Queues a record; completes with the number of addresses it unverified once its batch is
   * committed, or fails with {@link LeaseLostException} when its domain's lease is no longer ours.
   */
  public Future<Integer> submit(CheckRecord record) {
    Promise<Integer> changed = Promise.promise();
    buffer.add(new Pending(record, changed));
    if (buffer.size() >= batchSize) {
      writeNext();
    } else if (timer < 0 && !writing) {
      timer = vertx.setTimer(maxDelayMs, id -> {
        timer = -1;
        writeNext();
      });
    }
    return changed.future();
  }

  /** Writes whatever is buffered now instead of waiting for the batch to fill (operator rechecks). */
  public void flushSoon() {
    if (!writing) {
      writeNext();
    }
  }

  /** Completes when the buffer has room again: callers producing records wait on it (backpressure). */
  public Future<Void> room() {
    if (buffer.size() < 4 * batchSize) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waitingForRoom.add(p);
    return p.future();
  }

  private void writeNext() {
    if (writing || buffer.isEmpty()) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    List<Pending> batch = takeBatch();
    writing = true;
    long start = System.nanoTime();
    List<CheckRecord> records = batch.stream().map(Pending::record).toList();
    Reserved reserved = new Reserved();
    pool.withTransaction(conn -> write(conn, records, reserved))
        .onComplete(ar -> {
          writing = false;
          if (ar.succeeded()) {
            metrics.batchWritten(batch.size(), System.nanoTime() - start);
            Written written = ar.result();
            written.changes().byReason().forEach(metrics::unverified);
            batch.forEach(p -> complete(p, written));
          } else {
            guard.release(reserved.checked, reserved.applied);
            log.error("batch write failed; its domains stay leased until the lease expires and are checked again rows={}", batch.size(), ar.cause());
            batch.forEach(p -> p.changed().fail(ar.cause()));
          }
          releaseRoom();
          if (buffer.size() >= batchSize) {
            writeNext();
          } else if (!buffer.isEmpty()) {
            timer = vertx.setTimer(maxDelayMs, id -> {
              timer = -1;
              writeNext();
            });
          }
        });
  }

  private void complete(Pending p, Written written) {
    long domain = p.record().state().id();
    if (written.leased().contains(domain)) {
      p.changed().complete(written.changes().byDomain().getOrDefault(domain, 0));
    } else {
      metrics.checkDiscarded(Metrics.DISCARDED_LEASE_LOST);
      p.changed().fail(new LeaseLostException(p.record().state().name()));
    }
  }

  /** Up to batchSize records, stopping before a domain already in the batch so each statement sees a domain once. */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>(Math.min(batchSize, buffer.size()));
    Set<Long> domains = new HashSet<>();
    while (!buffer.isEmpty() && batch.size() < batchSize && domains.add(buffer.peek().record().state().id())) {
      batch.add(buffer.poll());
    }
    return batch;
  }

  private void releaseRoom() {
    if (buffer.size() < 2 * batchSize && !waitingForRoom.isEmpty()) {
      List<Promise<Void>> waiting = new ArrayList<>(waitingForRoom);
      waitingForRoom.clear();
      waiting.forEach(Promise::complete);
    }
  }

  /** Addresses unverified by one batch, per domain id and per reason. */
  private record Changes(Map<Long, Integer> byDomain, Map<String, Integer> byReason) {
    static final Changes NONE = new Changes(Map.of(), Map.of());

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

  /** What a batch reserved with the mass-change guard, given back if its transaction does not commit. */
  private static final class Reserved {
    final List<CheckRecord> checked = new ArrayList<>();
    final List<MassChangeGuard.Candidate> applied = new ArrayList<>();
  }

  /** A committed batch: its changes, and which of its domains were still leased to this daemon (the rest wrote nothing). */
  private record Written(Changes changes, Set<Long> leased) {}

  /**
   * The batch's statements in order, inside the caller's transaction. The first locks the domains
   * still leased to this daemon: a result whose lease another daemon took over (it expired while
   * the check waited) changes nothing, since that daemon's check now decides.
   */
  private Future<Written> write(SqlConnection conn, List<CheckRecord> all, Reserved reserved) {
    Long[] ids = all.stream().map(r -> r.state().id()).toArray(Long[]::new);
    return conn.preparedQuery(Sql.LOCK_OWN_LEASES).execute(Tuple.tuple().addValue(ids).addValue(owner)).compose(rows -> {
      Set<Long> leased = new HashSet<>();
      rows.forEach(row -> leased.add(row.getLong(0)));
      List<CheckRecord> batch = all.stream().filter(r -> leased.contains(r.state().id())).toList();
      if (batch.isEmpty()) {
        return Future.succeededFuture(new Written(Changes.NONE, leased));
      }
      return conn.preparedQuery(Sql.INSERT_CHECKS).execute(BatchColumns.checks(batch))
          .compose(r -> conn.preparedQuery(Sql.UPDATE_DOMAINS).execute(BatchColumns.domains(batch)))
          .compose(r -> act(conn, batch, reserved))
          .compose(changes -> {
            Tuple progress = BatchColumns.sweepProgress(batch, changes.byDomain());
            return progress == null
                ? Future.succeededFuture(changes)
                : conn.preparedQuery(Sql.ADD_SWEEP_PROGRESS).execute(progress).map(changes);
          })
          .map(changes -> new Written(changes, leased));
    });
  }

  /** Weighs what the acting records would change, applies what the guard allows and holds the rest. */
  private Future<Changes> act(SqlConnection conn, List<CheckRecord> batch, Reserved reserved) {
    List<CheckRecord> acting = batch.stream().filter(r -> r.decision().unverifies()).toList();
    if (acting.isEmpty()) {
      guard.split(batch, List.of());
      reserved.checked.addAll(batch);
      return Future.succeededFuture(Changes.NONE);
    }
    return conn.preparedQuery(Sql.COUNT_CANDIDATES).execute(BatchColumns.candidates(acting))
        .compose(rows -> {
          MassChangeGuard.Split split = guard.split(batch, BatchColumns.weigh(acting, rows));
          reserved.checked.addAll(batch);
          reserved.applied.addAll(split.apply());
          Future<Changes> changes = split.apply().isEmpty()
              ? Future.succeededFuture(Changes.NONE)
              : conn.preparedQuery(Sql.UNVERIFY).execute(BatchColumns.unverifications(split.apply())).map(Changes::of);
          return changes.compose(c -> split.hold().isEmpty()
              ? Future.succeededFuture(c)
              : conn.preparedQuery(Sql.HOLD_CHANGES).execute(BatchColumns.holds(split.hold())).map(held -> {
                int addresses = split.hold().stream().mapToInt(MassChangeGuard.Candidate::addresses).sum();
                if (split.startedHolding()) {
                  log.warn("mass-change guard limit reached: further unverifications are held for an operator (GET /admin/v1/held-changes) domains={} addresses={}",
                      split.hold().size(), addresses);
                } else {
                  log.debug("mass-change guard held unverifications domains={} addresses={}", split.hold().size(), addresses);
                }
                return c;
              }));
        });
  }
}
