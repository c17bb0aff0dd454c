package org.domainguard.events;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's example receiver (scripts/webhook-receiver.py) accepts what the dispatcher sends, and only that. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ExampleReceiverTest {
  private static final String SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3";

  @TempDir Path dir;
  private Process receiver;
  private WebhookDispatcher dispatcher;
  private Context context;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (dispatcher != null) {
      on(dispatcher::stop);
    }
    if (receiver != null) {
      receiver.destroy();
      receiver.waitFor();
    }
  }

  private <T> T on(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return await(result.future());
  }

  @Test
  void theExampleReceiverAcceptsASignedEventAndRefusesAnotherKey(Vertx vertx) throws Exception {
    Assumptions.assumeTrue(python3(), "python3 is needed to run the example receiver");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path out = dir.resolve("receiver.out");
    ProcessBuilder pb = new ProcessBuilder("python3", Path.of("scripts/webhook-receiver.py").toAbsolutePath().toString(), Integer.toString(port))
        .redirectOutput(out.toFile()).redirectError(dir.resolve("receiver.err").toFile());
    pb.environment().put("WEBHOOK_SECRET", SECRET);
    receiver = pb.start();
    Await.until("the example receiver listens", () -> listening(port));

    DbTarget target = TestDatabase.migratedSchema();
    Pool pool = TestDatabase.pool(vertx, target);
    context = vertx.getOrCreateContext();
    List<AppConfig.Webhook> hooks = List.of(
        new AppConfig.Webhook("http://127.0.0.1:" + port + "/", Secret.of(SECRET), null, Duration.ofDays(3), Duration.ofSeconds(5)),
        new AppConfig.Webhook("http://127.0.0.1:" + port + "/other", Secret.of("not the receiver's secret"), null, Duration.ofDays(3), Duration.ofSeconds(5)));
    dispatcher = new WebhookDispatcher(vertx, pool, hooks, new Metrics(new SimpleMeterRegistry()), Clock.systemUTC(), "example",
        new WebhookDispatcher.Settings(8, Duration.ofMillis(50)));
    on(dispatcher::start);
    TestDatabase.jdbc(target, "WITH " + EventOutbox.ctes("SELECT 'domain.lapsing', 'example.com', jsonb_build_object('domain', 'example.com')")
        + " SELECT 1");

    Supplier<String> states = () -> await(pool.query("SELECT string_agg(d.state || ':' || coalesce(d.last_status, 0), ',' ORDER BY ep.url)"
        + " FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id WHERE d.attempts > 0").execute()).iterator().next().getString(0);
    Await.until("both endpoints attempted", () -> states.get() != null && states.get().split(",").length == 2);
    assertEquals("delivered:204,pending:401", states.get(), "the right key delivers; another key is refused (401) and retried");
    Await.until("the event printed", () -> printed(out).contains("domain.lapsing"));
    assertTrue(Files.readString(out).contains("\"domain\": \"example.com\""), Files.readString(out));
  }

  private static String printed(Path out) {
    try {
      return Files.readString(out);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean python3() {
    try {
      return new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
