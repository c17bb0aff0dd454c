package org.domainguard.apply;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.domainguard.check.CheckResult;
import org.domainguard.db.Timestamps;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;

/** Turns a batch of records into the array parameters of the batch writer's set-based statements. */
final class BatchColumns {
  private BatchColumns() {}

  static Tuple checks(List<CheckRecord> batch) {
    int n = batch.size();
    UUID[] keys = new UUID[n];
    Long[] domainIds = new Long[n];
    Long[] sweepIds = new Long[n];
    String[] providers = new String[n];
    String[] outcomes = new String[n];
    String[] statuses = new String[n];
    String[] phases = new String[n];
    String[] errors = new String[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] finished = new OffsetDateTime[n];
    Integer[] attempts = new Integer[n];
    for (int i = 0; i < n; i++) {
      CheckRecord r = batch.get(i);
      CheckResult res = r.result();
      keys[i] = r.key();
      domainIds[i] = r.state().id();
      sweepIds[i] = r.sweepId();
      providers[i] = res.provider();
      outcomes[i] = res.outcome().label();
      statuses[i] = statuses(res);
      phases[i] = name(res.classified());
      errors[i] = error(res);
      started[i] = time(res.startedAt());
      finished[i] = time(res.finishedAt());
      attempts[i] = res.attempts();
    }
    return Tuple.of(keys, domainIds, sweepIds, providers, outcomes, statuses, phases, errors, started, finished, attempts);
  }

  static Tuple domains(List<CheckRecord> batch) {
    int n = batch.size();
    Long[] ids = new Long[n];
    String[] phases = new String[n];
    String[] statuses = new String[n];
    String[] lapsePhases = new String[n];
    OffsetDateTime[] lapseSeen = new OffsetDateTime[n];
    OffsetDateTime[] started = new OffsetDateTime[n];
    OffsetDateTime[] finished = new OffsetDateTime[n];
    Boolean[] ok = new Boolean[n];
    OffsetDateTime[] next = new OffsetDateTime[n];
    Integer[] failures = new Integer[n];
    String[] errors = new String[n];
    for (int i = 0; i < n; i++) {
      CheckRecord r = batch.get(i);
      Decision d = r.decision();
      ids[i] = r.state().id();
      phases[i] = name(d.phase());
      statuses[i] = statuses(r.result());
      lapsePhases[i] = name(d.lapsePhase());
      lapseSeen[i] = time(d.lapseSeenAt());
      started[i] = time(r.result().startedAt());
      finished[i] = time(r.result().finishedAt());
      ok[i] = r.result().answer() instanceof ProviderAnswer.Statuses;
      next[i] = time(d.nextCheckAt());
      failures[i] = d.failureCount();
      errors[i] = error(r.result());
    }
    return Tuple.of(ids, phases, statuses, lapsePhases, lapseSeen, started, finished, ok, next, failures, errors);
  }

  static Tuple candidates(List<CheckRecord> acting) {
    Long[] domainIds = new Long[acting.size()];
    OffsetDateTime[] cutoffs = new OffsetDateTime[acting.size()];
    for (int i = 0; i < acting.size(); i++) {
      domainIds[i] = acting.get(i).state().id();
      cutoffs[i] = time(acting.get(i).decision().cutoff());
    }
    // Two array arguments: build explicitly, or varargs would spread the second array.
    return Tuple.tuple().addValue(domainIds).addValue(cutoffs);
  }

  /** Pairs each acting record with the number of addresses it would change; records that would change none drop out. */
  static List<MassChangeGuard.Candidate> weigh(List<CheckRecord> acting, RowSet<Row> counts) {
    Map<Long, Integer> byDomain = new HashMap<>();
    counts.forEach(r -> byDomain.put(r.getLong("domain_id"), r.getLong("addresses").intValue()));
    return acting.stream()
        .filter(r -> byDomain.containsKey(r.state().id()))
        .map(r -> new MassChangeGuard.Candidate(r, byDomain.get(r.state().id())))
        .toList();
  }

  static Tuple unverifications(List<MassChangeGuard.Candidate> acting) {
    int n = acting.size();
    Long[] domainIds = new Long[n];
    String[] reasons = new String[n];
    String[] phases = new String[n];
    OffsetDateTime[] cutoffs = new OffsetDateTime[n];
    UUID[] keys = new UUID[n];
    Long[] sweepIds = new Long[n];
    for (int i = 0; i < n; i++) {
      CheckRecord r = acting.get(i).record();
      domainIds[i] = r.state().id();
      reasons[i] = r.decision().unverifyReason();
      phases[i] = name(r.decision().phase());
      cutoffs[i] = time(r.decision().cutoff());
      keys[i] = r.key();
      sweepIds[i] = r.sweepId();
    }
    return Tuple.of(domainIds, reasons, phases, cutoffs, keys, sweepIds);
  }

  /** The unverification columns plus how many addresses each hold covers. */
  static Tuple holds(List<MassChangeGuard.Candidate> held) {
    Tuple t = unverifications(held);
    return t.addValue(held.stream().map(MassChangeGuard.Candidate::addresses).toArray(Integer[]::new));
  }

  /** Per-sweep increments of done, failed and changed; null when no record belongs to a sweep. */
  static Tuple sweepProgress(List<CheckRecord> batch, Map<Long, Integer> changedByDomain) {
    Map<Long, int[]> bySweep = new HashMap<>();
    for (CheckRecord r : batch) {
      if (r.sweepId() == null) {
        continue;
      }
      int[] c = bySweep.computeIfAbsent(r.sweepId(), k -> new int[3]);
      c[0]++;
      c[1] += r.result().answer() instanceof ProviderAnswer.Failure ? 1 : 0;
      c[2] += changedByDomain.getOrDefault(r.state().id(), 0);
    }
    if (bySweep.isEmpty()) {
      return null;
    }
    Long[] ids = bySweep.keySet().toArray(Long[]::new);
    Integer[] done = new Integer[ids.length];
    Integer[] failed = new Integer[ids.length];
    Integer[] changed = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int[] c = bySweep.get(ids[i]);
      done[i] = c[0];
      failed[i] = c[1];
      changed[i] = c[2];
    }
    return Tuple.of(ids, done, failed, changed);
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

  private static OffsetDateTime time(Instant instant) {
    return Timestamps.utc(instant);
  }
}
