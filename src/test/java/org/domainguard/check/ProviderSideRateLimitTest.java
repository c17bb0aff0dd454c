package org.domainguard.check;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.domainguard.config.AppConfig;
import org.domainguard.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate limit as the provider counts it: a status API on 127.0.0.1 records when each request
 * arrives, behind a proxy that holds every new connection back for a while, as set-up over a real
 * network does (plus the first call's own start-up in a fresh JVM). The opening burst then reaches
 * the provider late, together with later calls.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ProviderSideRateLimitTest {
  private static final int RATE = 50;
  private static final int BURST = 10;
  private static final long CONNECTION_SET_UP_MS = 100;
  private static final long SECOND = 1_000_000_000L;

  @Test
  void rateAndBurstHoldAtTheProviderInAnyOneSecondFirstSecondIncluded(Vertx vertx) {
    List<Long> arrivals = Collections.synchronizedList(new ArrayList<>());
    HttpServer api = await(vertx.createHttpServer().requestHandler(req -> {
      arrivals.add(System.nanoTime());
      req.response().putHeader("Content-Type", "application/json").end("{\"status\": \"active\"}");
    }).listen(0, "127.0.0.1"));
    NetServer proxy = await(slowToConnect(vertx, api.actualPort()).listen(0, "127.0.0.1"));

    AppConfig.Provider config = FastlyProviderTest.providerConfig("fastly");
    WebClient client = Providers.webClient(vertx, config);
    StatusProvider fastly = new FastlyProvider(client, "fastly", "http://127.0.0.1:" + proxy.actualPort(), config.fastlyApiKey(), Duration.ofSeconds(5), Clock.systemUTC());
    DomainChecker checker = new DomainChecker(vertx, fastly, new TokenBucket(RATE, BURST, System::nanoTime),
        new CircuitBreaker(new AppConfig.Breaker(50, 20, 0.5, Duration.ofSeconds(30)), System::nanoTime),
        config, new Metrics(new SimpleMeterRegistry()), Clock.systemUTC());

    // As a sweep does: max-in-flight workers, each checking one domain after another.
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < config.maxInFlight(); w++) {
      workers.add(vertx.getOrCreateContext().executeBlocking(() -> null).compose(v -> work(checker, next)));
    }
    await(Future.all(workers));

    assertEquals(3 * RATE, arrivals.size());
    int busiest = busiestSecond(arrivals);
    assertTrue(busiest <= RATE + BURST, "the provider saw " + busiest + " calls in one second; the limit is " + (RATE + BURST));
  }

  private static Future<Void> work(DomainChecker checker, AtomicInteger next) {
    int i = next.getAndIncrement();
    return i >= 3 * RATE ? Future.succeededFuture() : checker.check("d" + i + ".com").compose(r -> work(checker, next));
  }

  /** Forwards each connection to {@code port} only after a delay, buffering what the client sends meanwhile. */
  private static NetServer slowToConnect(Vertx vertx, int port) {
    NetClient backend = vertx.createNetClient();
    return vertx.createNetServer().connectHandler(socket -> {
      socket.pause();
      vertx.setTimer(CONNECTION_SET_UP_MS, t -> backend.connect(port, "127.0.0.1").onSuccess(upstream -> {
        upstream.pipeTo(socket);
        socket.pipeTo(upstream);
      }).onFailure(e -> socket.close()));
    });
  }

  private static int busiestSecond(List<Long> arrivals) {
    List<Long> sorted = new ArrayList<>(arrivals);
    Collections.sort(sorted);
    int best = 0;
    for (int first = 0, last = 0; last < sorted.size(); last++) {
      while (sorted.get(last) - sorted.get(first) >= SECOND) {
        first++;
      }
      best = Math.max(best, last - first + 1);
    }
    return best;
  }
}
