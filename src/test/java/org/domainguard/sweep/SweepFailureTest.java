package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.apply.ChangeWriter;
import org.domainguard.apply.MassChangeGuard;
import org.domainguard.apply.Policy;
import org.domainguard.check.CircuitBreaker;
import org.domainguard.check.DomainChecker;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.StatusProvider;
import org.domainguard.check.TokenBucket;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.metrics.Metrics;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A bug while checking one domain: the sweep stops once, loudly, and the domain is given back rather than lost. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class SweepFailureTest {
  private static final String OWNER = "sweep-failure-test";

  /** Answers "active" for every domain but one, for which reading the answer throws: a bug, not a provider error. */
  private static final class BuggyFor implements StatusProvider {
    private final String buggy;

    BuggyFor(String buggy) {
      this.buggy = buggy;
    }

    @Override
    public String name() {
      return "fastly";
    }

    @Override
    public Future<ProviderAnswer> status(String domain) {
      if (domain.equals(buggy)) {
        throw new IllegalStateException("bug while reading the answer for " + domain);
      }
      return Future.succeededFuture(ProviderAnswer.Statuses.parse("active"));
    }
  }

  @Test
  void aBugWhileCheckingStopsTheSweepAndGivesTheDomainBack(Vertx vertx) {
    DbTarget target = TestDatabase.migratedSchema();
    Pool pool = TestDatabase.pool(vertx, target);
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u1', 'a@buggy.com', true)");
    AppConfig config = AppConfig.from(new io.vertx.core.json.JsonObject());
    Metrics metrics = new Metrics(new SimpleMeterRegistry());
    Clock clock = Clock.systemUTC();
    CircuitBreaker breaker = new CircuitBreaker(config.breaker(), System::nanoTime);
    DomainChecker checker = new DomainChecker(vertx, new BuggyFor("buggy.com"), new TokenBucket(1000, 100, System::nanoTime),
        breaker, config.provider(), metrics, clock);
    MassChangeGuard guard = new MassChangeGuard(pool, config.guard(), clock);
    DueSource source = new DueSource(pool, OWNER, config.schedule().lease(), clock);
    ResultWriter writer = new ResultWriter(vertx, pool, source, new ChangeWriter(guard), config.writer(), metrics);
    SweepService sweeps = new SweepService(vertx, new DiscoveryService(vertx, pool, 100), new SweepStore(pool, OWNER), guard,
        new SweepWork(source, checker, new Policy(config.schedule(), config.policy()), writer, metrics, clock, 4, 50));

    Promise<Long> ended = Promise.promise();
    sweeps.onSweepFinished(ended::tryComplete);
    long id = await(sweeps.start(Scope.ALL, Trigger.OPERATOR));
    assertEquals(id, await(ended.future()));

    Row sweep = await(pool.query("SELECT state, error FROM sweeps").execute()).iterator().next();
    assertEquals("failed", sweep.getString("state"));
    assertTrue(sweep.getString("error").contains("bug while reading the answer for buggy.com"), sweep.getString("error"));
    Row domain = await(pool.query("SELECT lease_owner, last_checked_at, failure_count FROM domains WHERE name = 'buggy.com'").execute()).iterator().next();
    assertEquals(null, domain.getString("lease_owner"), "its lease is given back: the next sweep takes it");
    assertEquals(null, domain.getValue("last_checked_at"), "still due, not recorded as checked");
    assertEquals(0, domain.getInteger("failure_count"), "a bug is not the provider's failure");
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(1, await(pool.query("SELECT count(*) FROM email_addresses WHERE verified").execute()).iterator().next().getLong(0));
  }
}
