package org.domainguard.events;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.domainguard.db.DbTarget;
import org.domainguard.metrics.Metrics;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDatabase;
import org.domainguard.testing.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delivery throughput of one daemon's dispatcher (default settings) to a receiver that answers in
 * 50 ms, printed, not asserted (a figure for the README, not a test: its name keeps it out of the
 * default run). Run:
 * {@code mvn -o -q test -Dtest=WebhookThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false},
 * then read target/surefire-reports/org.domainguard.events.WebhookThroughputMeasurement-output.txt.
 */
@ExtendWith(VertxExtension.class)
@Timeout(600)
class WebhookThroughputMeasurement {
  private static final String SECRET = "a secret for the measurement";

  @Test
  void deliveriesPerSecondToAReceiverAnsweringIn50Ms(Vertx vertx) {
    measure(vertx, 5_000, 5_000);
    measure(vertx, 2_000, 20);
  }

  private void measure(Vertx vertx, int events, int domains) {
    DbTarget target = TestDatabase.migratedSchema();
    Pool pool = TestDatabase.pool(vertx, target);
    WebhookReceiver receiver = WebhookReceiver.start(vertx, SECRET);
    receiver.delay(50);
    Context context = vertx.getOrCreateContext();
    WebhookDispatcher dispatcher = new WebhookDispatcher(vertx, pool,
        List.of(new AppConfig.Webhook(receiver.url(), Secret.of(SECRET), null, Duration.ofDays(3), Duration.ofSeconds(10))),
        new Metrics(new SimpleMeterRegistry()), Clock.systemUTC(), "measurement", WebhookDispatcher.Settings.DEFAULT);
    on(context, dispatcher::start);
    // The backlog a big sweep leaves: written at once, before the first delivery.
    TestDatabase.jdbc(target, "BEGIN; LOCK TABLE webhook_deliveries IN SHARE MODE; WITH " + EventOutbox.ctes(
        "SELECT 'address.unverified', 'd' || (n % " + domains + ") || '.example', jsonb_build_object('id', n, 'address', 'u' || n || '@d' || (n % "
            + domains + ") || '.example') FROM generate_series(1, " + events + ") AS n ORDER BY n") + " SELECT 1; COMMIT;");
    long start = System.nanoTime();
    Await.until("all delivered", () -> await(pool.query("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'").execute())
        .iterator().next().getLong(0) == events);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(events, receiver.delivered().size(), "each delivered once");
    System.out.printf("webhook throughput: %d events over %d domains, receiver answering in 50 ms: %.1f s, %.0f deliveries/s%n",
        events, domains, seconds, events / seconds);
    on(context, dispatcher::stop);
    await(receiver.close());
    await(pool.close());
  }

  private static <T> T on(Context context, Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return await(result.future());
  }
}
