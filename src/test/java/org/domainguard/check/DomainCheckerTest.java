package org.domainguard.check;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.config.AppConfig;
import org.domainguard.metrics.Metrics;
import org.domainguard.sim.Simulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The checker against the simulator on 127.0.0.1: what is a provider failure, what is a bug, and when a check gives up waiting. */
@ExtendWith(VertxExtension.class)
@Timeout(30)
class DomainCheckerTest {
  private static final long SECOND = 1_000_000_000L;
  private final AppConfig.Provider config = FastlyProviderTest.providerConfig("fastly");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AppConfig.Breaker breakerConfig = new AppConfig.Breaker(2, 2, 0.5, Duration.ofHours(1));
  private Vertx vertx;
  private WebClient client;
  private Simulator sim;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    client = Providers.webClient(vertx, config);
    sim = await(Simulator.start(vertx, config.simulator()));
  }

  private DomainChecker checker(StatusProvider provider, TokenBucket bucket, CircuitBreaker breaker) {
    return new DomainChecker(vertx, provider, bucket, breaker, config, new Metrics(registry), Clock.systemUTC());
  }

  private StatusProvider fastly() {
    return new FastlyProvider(client, "fastly", sim.baseUrl(), config.fastlyApiKey(), Duration.ofSeconds(5), Clock.systemUTC());
  }

  private long simulatorRequests() {
    return await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getLong("requests");
  }

  @Test
  void aBugReadingAnAnswerFailsLoudlyInsteadOfPassingForAProviderError() {
    IllegalStateException bug = new IllegalStateException("parser bug");
    Future<ProviderAnswer> read = ProviderHttp.send(client.getAbs(sim.baseUrl() + "/domain-management/v1/tools/status?domain=example.com")
        .putHeader("Fastly-Key", "k"), body -> {
          throw bug;
        }, Clock.systemUTC());
    assertEquals(bug, assertThrows(IllegalStateException.class, () -> await(read)));
  }

  @Test
  void aBugInTheProviderFailsTheCheckAndNeverFeedsTheBreaker() {
    CircuitBreaker breaker = new CircuitBreaker(breakerConfig, System::nanoTime);
    StatusProvider buggy = new StatusProvider() {
      @Override
      public String name() {
        return "fastly";
      }

      @Override
      public Future<ProviderAnswer> status(String domain) {
        return fastly().status(domain).map(answer -> {
          throw new IllegalStateException("bug after the call");
        });
      }
    };
    DomainChecker checker = checker(buggy, new TokenBucket(100, 10, System::nanoTime), breaker);
    for (int i = 0; i < 3; i++) {
      assertThrows(IllegalStateException.class, () -> await(checker.check("example.com")));
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(0.0, registry.get("domainguard_checks_total").tag("outcome", "error").counter().count());
    assertEquals(0.0, registry.get("domainguard_checks_in_flight").gauge().value(), "the in-flight gauge comes back down");
  }

  @Test
  void aTransportFailureIsStillAProviderAnswer() {
    StatusProvider unreachable = new FastlyProvider(client, "fastly", "http://127.0.0.1:1", config.fastlyApiKey(), Duration.ofSeconds(1), Clock.systemUTC());
    CheckResult result = await(checker(unreachable, new TokenBucket(100, 10, System::nanoTime),
        new CircuitBreaker(breakerConfig, System::nanoTime)).check("example.com"));
    assertEquals(Outcome.ERROR, assertInstanceOf(ProviderAnswer.Failure.class, result.answer()).outcome());
  }

  @Test
  void aBreakerOpenLongerThanACheckMayWaitDefersItWithoutACall() {
    CircuitBreaker breaker = new CircuitBreaker(breakerConfig, System::nanoTime);
    breaker.record(Outcome.ERROR);
    breaker.record(Outcome.ERROR);
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    DomainChecker checker = checker(fastly(), new TokenBucket(100, 10, System::nanoTime), breaker);
    CheckDeferredException deferred = assertThrows(CheckDeferredException.class, () -> await(checker.check("example.com")));
    assertEquals("check of example.com deferred: the provider's circuit breaker stays open", deferred.getMessage());
    assertEquals(0, simulatorRequests());
  }

  @Test
  void aPauseLongerThanACheckMayWaitDefersItAndGivesTheTokenBack() {
    long[] now = {SECOND};
    TokenBucket bucket = new TokenBucket(10, 1, () -> now[0]);
    bucket.pause(3_600 * SECOND);
    DomainChecker checker = checker(fastly(), bucket, new CircuitBreaker(breakerConfig, System::nanoTime));
    assertThrows(CheckDeferredException.class, () -> await(checker.check("example.com")));
    assertEquals(0, simulatorRequests());
    now[0] += 3_600 * SECOND + SECOND / 10;
    assertEquals(0, bucket.reserve(), "one token accrued since the pause, plus the one the deferred check gave back");
  }
}
