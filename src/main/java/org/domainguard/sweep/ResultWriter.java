package org.domainguard.sweep;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.INT;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.apply.ChangeWriter;
import org.domainguard.apply.CheckRecord;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Unnest;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes check results in batches: up to {@code batch-size} records or whatever arrived within
 * {@code max-delay}, one transaction each. The transaction locks the batch's domains still leased
 * to this daemon (a result whose lease another daemon took over writes nothing), has
 * {@link ChangeWriter} apply the results (which frees each domain), and adds the sweeps' progress. Batches are written one
 * at a time, in arrival order. A batch whose transaction PostgreSQL ended to break a deadlock is
 * written again (see {@link #DEADLOCK_RETRIES}). Must be used from one event loop.
 */
public final class ResultWriter {
  private static final Logger log = LoggerFactory.getLogger(ResultWriter.class);

  /**
   * How many times a batch is written again after a deadlock. Discovery locks domains in several
   * statements of one transaction, so it cannot lock them all in the id order the writer uses;
   * PostgreSQL then ends one of the two, and a batch it ended changed nothing and still holds its
   * leases, so writing it again is safe (a sweep would otherwise stop on it).
   */
  static final int DEADLOCK_RETRIES = 3;

  private static final String DEADLOCK_DETECTED = "40P01";

  /** A sweep's progress in one batch. */
  private record Progress(long sweepId, int done, int failed, int changed) {}

  private static final Unnest<Progress> PROGRESS = Unnest.<Progress>of()
      .column("id", BIGINT, Progress::sweepId)
      .column("done", INT, Progress::done)
      .column("failed", INT, Progress::failed)
      .column("changed", INT, Progress::changed);

  static final String ADD_SWEEP_PROGRESS = """
      UPDATE sweeps s SET done = s.done + t.done, failed = s.failed + t.failed, changed = s.changed + t.changed, heartbeat_at = now()
      FROM\s""" + PROGRESS.from("t") + "\nWHERE s.id = t.id";

  private record Pending(CheckRecord record, Promise<Integer> changed) {}

  /** A committed batch: what it changed, and which of its domains were still leased here (the rest wrote nothing). */
  private record Written(ChangeWriter.Changes changes, Set<Long> leased) {}

  private final Vertx vertx;
  private final Pool pool;
  private final DueSource leases;
  private final ChangeWriter changes;
  private final int batchSize;
  private final long maxDelayMs;
  private final Metrics metrics;
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private final List<Promise<Void>> waitingForRoom = new ArrayList<>();
  private boolean writing;
  private long timer = -1;

  public ResultWriter(Vertx vertx, Pool pool, DueSource leases, ChangeWriter changes, AppConfig.Writer config, Metrics metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.leases = leases;
    this.changes = changes;
    this.batchSize = config.batchSize();
    this.maxDelayMs = Math.max(1, config.maxDelay().toMillis());
    this.metrics = metrics;
  }

  /**
   * Queues a record; completes with the number of addresses it unverified once its batch is
   * committed, or fails with {@link LeaseLostException} when its domain's lease is no longer ours.
   * A failed batch fails its records' futures and is not logged here: whoever waits handles it.
   */
  public Future<Integer> submit(CheckRecord record) {
    Promise<Integer> changed = Promise.promise();
    buffer.add(new Pending(record, changed));
    if (buffer.size() >= batchSize) {
      writeNext();
    } else if (timer < 0 && !writing) {
      writeAfterDelay();
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

  /** Writes what is buffered after {@code max-delay}, unless a full batch writes it first. */
  private void writeAfterDelay() {
    timer = vertx.setTimer(maxDelayMs, id -> {
      timer = -1;
      writeNext();
    });
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
    writeRetryingDeadlocks(records, 0)
        .onComplete(ar -> {
          writing = false;
          if (ar.succeeded()) {
            metrics.batchWritten(batch.size(), System.nanoTime() - start);
            ar.result().changes().byReason().forEach(metrics::unverified);
            batch.forEach(p -> complete(p, ar.result()));
          } else {
            batch.forEach(p -> p.changed().fail(ar.cause()));
          }
          releaseRoom();
          if (buffer.size() >= batchSize) {
            writeNext();
          } else if (!buffer.isEmpty()) {
            writeAfterDelay();
          }
        });
  }

  private Future<Written> writeRetryingDeadlocks(List<CheckRecord> records, int retries) {
    return pool.withTransaction(conn -> write(conn, records)).recover(e -> {
      if (retries < DEADLOCK_RETRIES && e instanceof PgException pg && DEADLOCK_DETECTED.equals(pg.getSqlState())) {
        log.warn("result batch ended by PostgreSQL to break a deadlock; writing it again records={} retry={}", records.size(), retries + 1);
        return writeRetryingDeadlocks(records, retries + 1);
      }
      return Future.failedFuture(e);
    });
  }

  private Future<Written> write(SqlConnection conn, List<CheckRecord> all) {
    return leases.lockOwnForWrite(conn, all.stream().map(r -> r.state().id()).toList()).compose(leased -> {
      List<CheckRecord> own = all.stream().filter(r -> leased.contains(r.state().id())).toList();
      if (own.isEmpty()) {
        return Future.succeededFuture(new Written(ChangeWriter.Changes.NONE, leased));
      }
      return changes.write(conn, own)
          .compose(c -> addProgress(conn, own, c).map(new Written(c, leased)));
    });
  }

  /** Per-sweep increments of done, failed and changed (operator rechecks belong to no sweep). */
  private static Future<Void> addProgress(SqlConnection conn, List<CheckRecord> batch, ChangeWriter.Changes changes) {
    Map<Long, int[]> bySweep = new HashMap<>();
    for (CheckRecord r : batch) {
      if (r.sweepId() != null) {
        int[] c = bySweep.computeIfAbsent(r.sweepId(), k -> new int[3]);
        c[0]++;
        c[1] += r.result().answer() instanceof ProviderAnswer.Failure ? 1 : 0;
        c[2] += changes.byDomain().getOrDefault(r.state().id(), 0);
      }
    }
    if (bySweep.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Progress> rows = new ArrayList<>();
    bySweep.forEach((id, c) -> rows.add(new Progress(id, c[0], c[1], c[2])));
    return conn.preparedQuery(ADD_SWEEP_PROGRESS).execute(PROGRESS.bind(rows)).mapEmpty();
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
}
