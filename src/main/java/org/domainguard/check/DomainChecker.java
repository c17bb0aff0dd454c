package org.domainguard.check;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.domainguard.config.AppConfig;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks one domain through the provider's token bucket. A 429 pauses the bucket for its
 * Retry-After and the domain waits its turn again; 5xx, timeouts and malformed answers get a few
 * retries with jittered exponential backoff. While the provider's {@link CircuitBreaker} is open,
 * checks wait for it instead of calling. The returned future always succeeds: a check that
 * still failed carries its last {@link ProviderAnswer.Failure}.
 */
public final class DomainChecker {
  private static final Logger log = LoggerFactory.getLogger(DomainChecker.class);
  /**
   * A provider that keeps answering 429 gets a bounded number of turns and time per check, well
   * inside the default 5-minute lease, so no other daemon takes the domain over meanwhile.
   */
  static final int MAX_RATE_LIMITED_TURNS = 20;
  static final Duration MAX_RATE_LIMITED_WAIT = Duration.ofMinutes(2);
  /** The longest pause one Retry-After can impose. */
  static final Duration MAX_PAUSE = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final StatusProvider provider;
  private final TokenBucket bucket;
  private final CircuitBreaker breaker;
  private final AppConfig.Provider config;
  private final Metrics metrics;
  private final Clock clock;

  public DomainChecker(Vertx vertx, StatusProvider provider, TokenBucket bucket, CircuitBreaker breaker,
      AppConfig.Provider config, Metrics metrics, Clock clock) {
    this.vertx = vertx;
    this.breaker = breaker;
    metrics.registerProvider(provider.name());
    metrics.circuitState(provider.name(), () -> breaker.state() == CircuitBreaker.State.CLOSED ? 0 : 1);
    this.provider = provider;
    this.bucket = bucket;
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** A checker with its own token bucket and circuit breaker, as configured. */
  public static DomainChecker forProvider(Vertx vertx, StatusProvider provider, AppConfig config, Metrics metrics, Clock clock) {
    AppConfig.Provider p = config.provider();
    return new DomainChecker(vertx, provider, new TokenBucket(p.ratePerSecond(), p.burst(), System::nanoTime),
        new CircuitBreaker(config.breaker(), System::nanoTime), p, metrics, clock);
  }

  public Future<CheckResult> check(String domain) {
    return check(domain, UNDER_WAY);
  }

  /**
   * As {@link #check(String)}, for a check someone is waiting for: {@code wanted} is asked right
   * before the provider is first called (after any wait for the breaker or a token). If it says no,
   * the provider is not called and the future fails with {@link CheckAbandonedException}.
   */
  public Future<CheckResult> check(String domain, BooleanSupplier wanted) {
    Instant started = clock.instant();
    long startedNanos = System.nanoTime();
    return attempt(domain, 1, 0, startedNanos, wanted)
        .map(a -> new CheckResult(domain, provider.name(), started, clock.instant(), a.answer, a.attempts));
  }

  /** Once the provider has been called, the check is under way and runs to its end. */
  private static final BooleanSupplier UNDER_WAY = () -> true;

  private record Attempted(ProviderAnswer answer, int attempts) {}

  private Future<Attempted> attempt(String domain, int attempt, int rateLimitedTurns, long startedNanos, BooleanSupplier wanted) {
    return breakerClosed()
        .compose(v -> acquireToken())
        .compose(v -> wanted.getAsBoolean() ? call(domain) : Future.failedFuture(new CheckAbandonedException(domain)))
        .compose(answer -> {
          if (!(answer instanceof ProviderAnswer.Failure failure)) {
            return Future.succeededFuture(new Attempted(answer, attempt));
          }
          if (failure.outcome() == Outcome.RATE_LIMITED) {
            Duration asked = failure.retryAfter() != null ? failure.retryAfter() : config.defaultRetryAfter();
            // A provider asking for a year (or a date in 9999) must not stop checking until restart.
            Duration pause = asked.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : asked;
            bucket.pause(pause.toNanos());
            log.debug("rate limited provider={} domain={} pauseMs={}", provider.name(), domain, pause.toMillis());
            boolean patienceLeft = rateLimitedTurns + 1 < MAX_RATE_LIMITED_TURNS
                && System.nanoTime() - startedNanos < MAX_RATE_LIMITED_WAIT.toNanos();
            return patienceLeft
                ? attempt(domain, attempt, rateLimitedTurns + 1, startedNanos, UNDER_WAY)
                : Future.succeededFuture(new Attempted(answer, attempt));
          }
          if (attempt > config.retries()) {
            return Future.succeededFuture(new Attempted(answer, attempt));
          }
          return delay(backoff(attempt)).compose(v -> attempt(domain, attempt + 1, rateLimitedTurns, startedNanos, UNDER_WAY));
        });
  }

  /** Waits, on a timer, while the provider's circuit breaker is open. */
  private Future<Void> breakerClosed() {
    long wait = breaker.waitNanos();
    return wait == 0 ? Future.succeededFuture() : delay(Duration.ofNanos(wait)).compose(v -> breakerClosed());
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /** Waits for a token on a timer; if a 429 paused the bucket meanwhile, waits again. */
  private Future<Void> acquireToken() {
    long wait = bucket.reserve();
    if (wait == 0) {
      metrics.rateLimitWaited(provider.name(), 0);
      return Future.succeededFuture();
    }
    metrics.rateLimitWaited(provider.name(), wait);
    return delay(Duration.ofNanos(wait)).compose(v -> bucket.isPaused() ? acquireToken() : Future.succeededFuture());
  }

  private Future<ProviderAnswer> call(String domain) {
    long start = System.nanoTime();
    metrics.callStarted();
    return provider.status(domain)
        .recover(e -> Future.succeededFuture(new ProviderAnswer.Failure(Outcome.ERROR, e.getClass().getSimpleName(), null)))
        .onSuccess(answer -> {
          metrics.callFinished();
          Outcome outcome = answer instanceof ProviderAnswer.Failure f ? f.outcome() : Outcome.OK;
          breaker.record(outcome);
          metrics.checkCompleted(provider.name(), outcome, System.nanoTime() - start);
        });
  }

  private Duration backoff(int attempt) {
    long base = config.retryBackoff().toMillis() << Math.min(attempt - 1, 10);
    return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
  }

  private Future<Void> delay(Duration d) {
    long ms = Math.max(1, (d.toNanos() + 999_999) / 1_000_000);
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, id -> p.complete());
    return p.future();
  }
}
