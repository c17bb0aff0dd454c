package org.domainguard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;

/**
 * The domain-guard meters of SPEC §7, with exactly those names and labels. Labels never carry a
 * domain or an address: cardinality stays fixed whatever the population.
 */
public final class Metrics {
  private final MeterRegistry registry;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicLong sweepTotal = new AtomicLong();
  private final AtomicLong sweepDone = new AtomicLong();
  private final AtomicLong lastSweepSuccess = new AtomicLong();
  private final AtomicLong heldChanges = new AtomicLong();
  private final AtomicLong watchedAddresses = new AtomicLong();
  private final AtomicLong skippedAddresses = new AtomicLong();
  private final AtomicLong eventsPending = new AtomicLong();
  private final Map<String, Counter> webhookDeliveries = new ConcurrentHashMap<>();
  private final Map<Phase, AtomicLong> domainsByPhase = new EnumMap<>(Phase.class);
  private final Map<String, Counter> checks = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Timer> limiterWaits = new ConcurrentHashMap<>();
  private final Map<String, Counter> unverified = new ConcurrentHashMap<>();
  private final Map<String, Counter> discarded = new ConcurrentHashMap<>();
  private final Map<String, Counter> rdapCalls = new ConcurrentHashMap<>();
  private final Map<String, Counter> rdapRateLimited = new ConcurrentHashMap<>();
  private final Map<String, Timer> rdapWaits = new ConcurrentHashMap<>();
  private final DistributionSummary batchRows;
  private final Timer batchDuration;

  public Metrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("domainguard_checks_in_flight", inFlight, AtomicLong::get).register(registry);
    Gauge.builder("domainguard_sweep_domains", sweepTotal, AtomicLong::get).description("Domains in the running (or last) sweep")
        .register(registry);
    Gauge.builder("domainguard_sweep_domains_done", sweepDone, AtomicLong::get).register(registry);
    Gauge.builder("domainguard_sweep_last_success_timestamp_seconds", lastSweepSuccess, AtomicLong::get).register(registry);
    Gauge.builder("domainguard_guard_held_changes", heldChanges, AtomicLong::get).register(registry);
    Gauge.builder("domainguard_addresses", watchedAddresses, AtomicLong::get).tag("state", "watched").register(registry);
    Gauge.builder("domainguard_addresses", skippedAddresses, AtomicLong::get).tag("state", "skipped").register(registry);
    Gauge.builder("domainguard_events_pending", eventsPending, AtomicLong::get).description("Webhook deliveries not yet delivered nor dead")
        .register(registry);
    for (String outcome : WEBHOOK_OUTCOMES) {
      webhookDeliveries.put(outcome, Counter.builder("domainguard_webhook_deliveries_total").tag("outcome", outcome).register(registry));
    }
    for (Phase phase : Phase.values()) {
      AtomicLong count = new AtomicLong();
      domainsByPhase.put(phase, count);
      Gauge.builder("domainguard_domains", count, AtomicLong::get).tag("phase", phase.name()).register(registry);
    }
    for (String reason : UNVERIFY_REASONS) {
      unverified(reason, 0);
    }
    for (String reason : List.of(DISCARDED_DEFERRED, DISCARDED_LEASE_LOST)) {
      discarded.put(reason, Counter.builder("domainguard_checks_discarded_total").tag("reason", reason).register(registry));
    }
    batchRows = DistributionSummary.builder("domainguard_db_batch_rows")
        .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(10_000.0).register(registry);
    batchDuration = Timer.builder("domainguard_db_batch_duration_seconds")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
  }

  /** A check given back unmade: its waits would have outlasted provider.max-check-wait. */
  public static final String DISCARDED_DEFERRED = "deferred";
  /** A result not written: another daemon had taken the domain's expired lease over. */
  public static final String DISCARDED_LEASE_LOST = "lease_lost";

  public void checkDiscarded(String reason) {
    discarded.get(reason).increment();
  }

  /** Every reason an address can be unverified with, so each counter exists (at 0) from the start. */
  public static final java.util.List<String> UNVERIFY_REASONS =
      java.util.List.of("domain_redemption", "domain_pending_delete", "domain_released", "domain_reregistered", "domain_grace");

  /**
   * Creates a provider's series at 0 so dashboards and alerts see them before the first call
   * (and an idle daemon is not mistaken for an absent one).
   */
  public void registerProvider(String provider) {
    for (Outcome outcome : Outcome.values()) {
      checkCounter(provider, outcome);
    }
    durationTimer(provider);
    limiterTimer(provider);
  }


  public void checkCompleted(String provider, Outcome outcome, long nanos) {
    checkCounter(provider, outcome).increment();
    durationTimer(provider).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void rateLimitWaited(String provider, long nanos) {
    limiterTimer(provider).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter checkCounter(String provider, Outcome outcome) {
    return checks.computeIfAbsent(provider + '|' + outcome.label(), k -> Counter.builder("domainguard_checks_total")
        .tag("provider", provider).tag("outcome", outcome.label()).register(registry));
  }

  private Timer durationTimer(String provider) {
    return durations.computeIfAbsent(provider, p -> Timer.builder("domainguard_check_duration_seconds").tag("provider", p)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry));
  }

  private Timer limiterTimer(String provider) {
    return limiterWaits.computeIfAbsent(provider, p -> Timer.builder("domainguard_ratelimit_wait_seconds").tag("provider", p)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry));
  }

  /**
   * {@code domainguard_fleet_daemons}: daemons alive on the database, this one included;
   * {@code domainguard_fleet_rate_share{provider}}: this daemon's share of the provider's limit, calls per second.
   */
  public void fleet(String provider, java.util.function.IntSupplier liveDaemons, java.util.function.DoubleSupplier rateShare) {
    Gauge.builder("domainguard_fleet_daemons", liveDaemons, s -> s.getAsInt()).strongReference(true).register(registry);
    Gauge.builder("domainguard_fleet_rate_share", rateShare, s -> s.getAsDouble()).tag("provider", provider).strongReference(true)
        .register(registry);
  }

  /** {@code domainguard_provider_circuit_open{provider}}: 1 while the provider's breaker is open or probing. */
  public void circuitState(String provider, java.util.function.IntSupplier open) {
    Gauge.builder("domainguard_provider_circuit_open", open, s -> s.getAsInt()).tag("provider", provider).strongReference(true).register(registry);
  }

  /**
   * Creates one RDAP server's series: {@code domainguard_rdap_calls_total{server,outcome}} at 0,
   * {@code domainguard_rdap_rate_limited_total{server}}, {@code domainguard_rdap_wait_seconds{server}}
   * and {@code domainguard_rdap_circuit_open{server}}. {@code server} comes only from the configured,
   * bootstrap and built-in server lists, never from a response, so the label stays bounded.
   */
  public void registerRdapServer(String server, java.util.function.IntSupplier circuitOpen) {
    for (Outcome outcome : Outcome.values()) {
      rdapCallCounter(server, outcome);
    }
    rdapRateLimited.computeIfAbsent(server, s -> Counter.builder("domainguard_rdap_rate_limited_total").tag("server", s).register(registry));
    rdapWaitTimer(server);
    Gauge.builder("domainguard_rdap_circuit_open", circuitOpen, o -> o.getAsInt()).tag("server", server).strongReference(true)
        .register(registry);
  }

  public void rdapCall(String server, Outcome outcome) {
    rdapCallCounter(server, outcome).increment();
  }

  public void rdapRateLimited(String server) {
    Counter c = rdapRateLimited.get(server);
    if (c != null) {
      c.increment();
    }
  }

  /** How long a check was told to wait for its turn on {@code server} (0 when it went at once). */
  public void rdapWaited(String server, long nanos) {
    rdapWaitTimer(server).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter rdapCallCounter(String server, Outcome outcome) {
    return rdapCalls.computeIfAbsent(server + '|' + outcome.label(), k -> Counter.builder("domainguard_rdap_calls_total")
        .tag("server", server).tag("outcome", outcome.label()).register(registry));
  }

  private Timer rdapWaitTimer(String server) {
    return rdapWaits.computeIfAbsent(server, s -> Timer.builder("domainguard_rdap_wait_seconds").tag("server", s)
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry));
  }

  public void callStarted() {
    inFlight.incrementAndGet();
  }

  public void callFinished() {
    inFlight.decrementAndGet();
  }

  public void unverified(String reason, int count) {
    unverified.computeIfAbsent(reason, r -> Counter.builder("domainguard_emails_unverified_total").tag("reason", r)
        .register(registry)).increment(count);
  }

  public void batchWritten(int rows, long nanos) {
    batchRows.record(rows);
    batchDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void sweepProgress(long total, long done) {
    sweepTotal.set(total);
    sweepDone.set(done);
  }

  public void sweepSucceeded(long epochSeconds) {
    lastSweepSuccess.set(epochSeconds);
  }

  public void heldChanges(long count) {
    heldChanges.set(count);
  }

  /** Replaces the phase counts; phases missing from {@code counts} are 0. */
  public void domainsByPhase(Map<Phase, Long> counts) {
    domainsByPhase.forEach((phase, gauge) -> gauge.set(counts.getOrDefault(phase, 0L)));
  }

  /** Addresses under watch and addresses skipped (invalid or unsupported), as counted in the database. */
  public void addresses(long watched, long skipped) {
    watchedAddresses.set(watched);
    skippedAddresses.set(skipped);
  }

  /** Outcomes of one webhook delivery attempt: delivered (a 2xx), failed (retried later), dead (given up). */
  public static final List<String> WEBHOOK_OUTCOMES = List.of("delivered", "failed", "dead");

  public void webhookAttempt(String outcome) {
    webhookDeliveries.get(outcome).increment();
  }

  public void eventsPending(long n) {
    eventsPending.set(n);
  }
}
