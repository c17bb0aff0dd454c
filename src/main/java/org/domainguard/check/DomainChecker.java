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
import org.domainguard.fleet.LimitShares;
import org.domainguard.fleet.SharedLimit;
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
   * A provider that keeps answering 429 gets a bounded number of turns per check, and no turn
   * after {@code provider.max-check-wait}, which the lease is validated to outlast.
   */
  static final int MAX_RATE_LIMITED_TURNS = 20;

  private final Vertx vertx;
  private final StatusProvider provider;
  private final TokenBucket bucket;
  private final CallWindow window;
  private final CircuitBreaker breaker;
  private final AppConfig.Provider config;
  private final Metrics metrics;
  private final Clock clock;
  private final LimitShares shares;
  private final String limitKey;

  public DomainChecker(Vertx vertx, StatusProvider provider, TokenBucket bucket, CircuitBreaker breaker,
      AppConfig.Provider config, Metrics metrics, Clock clock) {
    this(vertx, provider, bucket, breaker, config, metrics, clock, LimitShares.ALONE);
  }

  /** {@code shares}: where the bucket gets its share of the provider's limit (every daemon on the database shares it). */
  public DomainChecker(Vertx vertx, StatusProvider provider, TokenBucket bucket, CircuitBreaker breaker,
      AppConfig.Provider config, Metrics metrics, Clock clock, LimitShares shares) {
    this.vertx = vertx;
    this.breaker = breaker;
    metrics.registerProvider(provider.name());
    metrics.circuitState(provider.name(), () -> breaker.state() == CircuitBreaker.State.CLOSED ? 0 : 1);
    this.provider = provider;
    this.bucket = bucket;
    this.window = new CallWindow(vertx, config.ratePerSecond(), config.burst());
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.shares = shares;
    this.limitKey = SharedLimit.providerKey(provider.name());
    shares.join(new ProviderLimit());
  }

  /** A checker with its own token bucket and circuit breaker, as configured, at its share of the provider's limit. */
  public static DomainChecker forProvider(Vertx vertx, StatusProvider provider, AppConfig config, Metrics metrics, Clock clock,
      LimitShares shares) {
    AppConfig.Provider p = config.provider();
    return new DomainChecker(vertx, provider, new TokenBucket(p.ratePerSecond(), p.burst(), System::nanoTime),
        new CircuitBreaker(config.breaker(), System::nanoTime), p, metrics, clock, shares);
  }

  /** The provider's limit as the fleet shares it: this daemon's bucket and call window run at its share. */
  private final class ProviderLimit implements SharedLimit {
    @Override
    public String key() {
      return limitKey;
    }

    @Override
    public double rate() {
      return config.ratePerSecond();
    }

    @Override
    public double burst() {
      return config.burst();
    }

    @Override
    public void share(double rate, double burst) {
      bucket.share(rate, burst);
      window.share(rate, burst);
    }

    @Override
    public void pauseFor(long nanos) {
      bucket.pause(nanos);
    }
  }

  /**
   * Checks {@code domain}. Fails with {@link CheckDeferredException} when the breaker or the
   * provider's pauses would keep it waiting past {@code provider.max-check-wait}; any other failure
   * is a bug, not a provider error, and is left to the caller to report.
   */
  public Future<CheckResult> check(String domain) {
    return check(domain, UNDER_WAY);
  }

  /**
   * As {@link #check(String)}, for a check someone is waiting for: {@code wanted} is asked right
   * before the provider is first called (after any wait for the breaker or a token). If it says no,
   * the provider is not called and the future fails with {@link CheckAbandonedException}.
   */
  public Future<CheckResult> check(String domain, BooleanSupplier wanted) {
    return check(domain, wanted, System.nanoTime(), false);
  }

  /**
   * As {@link #check(String)}, for a sweep's worker, which must never sit waiting for one server
   * while names on others are due: when the domain's server (RDAP) cannot take a call yet, fails at
   * once with a {@link CheckDeferredException} whose {@code retryIn} says when to try again, and the
   * worker takes another domain. {@code firstTried} ({@link System#nanoTime()}) is when this sweep
   * first tried the domain: all its turns together stay within {@code provider.max-check-wait}, so
   * its lease is never outlived; past that it is deferred without {@code retryIn}, to be given back.
   */
  public Future<CheckResult> checkInTurn(String domain, long firstTried) {
    return check(domain, UNDER_WAY, firstTried, true);
  }

  private Future<CheckResult> check(String domain, BooleanSupplier wanted, long firstTried, boolean yielding) {
    Instant started = clock.instant();
    long deadline = firstTried + config.maxCheckWait().toNanos();
    return attempt(domain, 1, 0, deadline, wanted, yielding)
        .map(a -> new CheckResult(domain, provider.name(), started, clock.instant(), a.answer, a.attempts));
  }

  /** Once the provider has been called, the check is under way and runs to its end. */
  private static final BooleanSupplier UNDER_WAY = () -> true;

  private record Attempted(ProviderAnswer answer, int attempts) {}

  private Future<Attempted> attempt(String domain, int attempt, int rateLimitedTurns, long deadline, BooleanSupplier wanted,
      boolean yielding) {
    return serverTurn(domain, deadline, yielding)
        .compose(v -> breakerClosed(domain, deadline))
        .compose(v -> acquireToken(domain, deadline))
        .compose(v -> window.acquire())
        .compose(v -> {
          if (wanted.getAsBoolean()) {
            return call(domain);
          }
          window.answered();
          return Future.failedFuture(new CheckAbandonedException(domain));
        })
        .compose(answer -> {
          if (!(answer instanceof ProviderAnswer.Failure failure)) {
            return Future.succeededFuture(new Attempted(answer, attempt));
          }
          if (failure.outcome() == Outcome.RATE_LIMITED && provider.limitsEachServer()) {
            // The provider paused that server alone: the next turn waits for it (or yields), others go on.
            boolean patienceLeft = rateLimitedTurns + 1 < MAX_RATE_LIMITED_TURNS && System.nanoTime() < deadline;
            return patienceLeft
                ? orLastAnswer(attempt(domain, attempt, rateLimitedTurns + 1, deadline, UNDER_WAY, yielding), new Attempted(answer, attempt))
                : Future.succeededFuture(new Attempted(answer, attempt));
          }
          if (failure.outcome() == Outcome.RATE_LIMITED) {
            Duration pause = config.pauseFor(failure.retryAfter());
            bucket.pause(pause.toNanos());
            shares.paused(limitKey, pause);
            log.debug("rate limited provider={} domain={} pauseMs={}", provider.name(), domain, pause.toMillis());
            boolean patienceLeft = rateLimitedTurns + 1 < MAX_RATE_LIMITED_TURNS && System.nanoTime() < deadline;
            return patienceLeft
                ? orLastAnswer(attempt(domain, attempt, rateLimitedTurns + 1, deadline, UNDER_WAY, yielding), new Attempted(answer, attempt))
                : Future.succeededFuture(new Attempted(answer, attempt));
          }
          if (attempt > config.retries()) {
            return Future.succeededFuture(new Attempted(answer, attempt));
          }
          return orLastAnswer(delay(backoff(attempt)).compose(v -> attempt(domain, attempt + 1, rateLimitedTurns, deadline, UNDER_WAY, yielding)),
              new Attempted(answer, attempt));
        });
  }

  /**
   * A further try that cannot be made in time leaves the answer already had, which is evidence of a
   * failure. A worker yielding its turn to come back later is no such end: it propagates.
   */
  private static Future<Attempted> orLastAnswer(Future<Attempted> further, Attempted last) {
    return further.recover(e -> e instanceof CheckDeferredException d && d.retryIn() == null
        ? Future.succeededFuture(last) : Future.failedFuture(e));
  }

  /**
   * Waits (or, when {@code yielding}, gives the worker up) while the domain's own server cannot take
   * a call; always at once for providers with one endpoint.
   */
  private Future<Void> serverTurn(String domain, long deadline, boolean yielding) {
    long wait = provider.notBefore(domain);
    if (wait == 0) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() + wait > deadline) {
      return Future.failedFuture(new CheckDeferredException(domain, "its server's pauses last too long"));
    }
    if (yielding) {
      return Future.failedFuture(new CheckDeferredException(domain, "its server cannot take a call yet", Duration.ofNanos(wait)));
    }
    return delay(Duration.ofNanos(wait)).compose(v -> serverTurn(domain, deadline, false));
  }

  /** Waits, on a timer, while the provider's circuit breaker is open; gives up when that would pass the deadline. */
  private Future<Void> breakerClosed(String domain, long deadline) {
    long wait = breaker.waitNanos();
    if (wait == 0) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() + wait > deadline) {
      return Future.failedFuture(new CheckDeferredException(domain, "the provider's circuit breaker stays open"));
    }
    return delay(Duration.ofNanos(wait)).compose(v -> breakerClosed(domain, deadline));
  }

  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /**
   * Waits for a token on a timer; if a 429 paused the bucket meanwhile (or its share is gone), gives
   * the token back and waits again. Gives up past the deadline.
   */
  private Future<Void> acquireToken(String domain, long deadline) {
    long wait = bucket.reserve();
    if (wait == 0) {
      metrics.rateLimitWaited(provider.name(), 0);
      return Future.succeededFuture();
    }
    if (System.nanoTime() + wait > deadline) {
      bucket.unreserve();
      return Future.failedFuture(new CheckDeferredException(domain, "the provider's rate limit pauses last too long"));
    }
    metrics.rateLimitWaited(provider.name(), wait);
    return delay(Duration.ofNanos(wait)).compose(v -> {
      if (!bucket.isPaused()) {
        return Future.succeededFuture();
      }
      bucket.unreserve();
      return acquireToken(domain, deadline);
    });
  }

  /** One call. Transport failures are answers ({@link ProviderAnswer.Failure}); a failed future is a bug and propagates. */
  private Future<ProviderAnswer> call(String domain) {
    long start = System.nanoTime();
    metrics.callStarted();
    Future<ProviderAnswer> answered;
    try {
      answered = provider.status(domain);
    } catch (RuntimeException bug) {
      answered = Future.failedFuture(bug);
    }
    return answered
        .onComplete(ar -> {
          metrics.callFinished();
          window.answered();
        })
        .onSuccess(answer -> {
          Outcome outcome = answer instanceof ProviderAnswer.Failure f ? f.outcome() : Outcome.OK;
          if (!provider.limitsEachServer()) {
            // A provider with several servers trips each server's own breaker: one broken registry stops no other.
            breaker.record(outcome);
          }
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
