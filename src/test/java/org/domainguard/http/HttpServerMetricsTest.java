package org.domainguard.http;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.domainguard.app.VertxRuntime;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Vert.x's own HTTP server metrics never take a label value from a client: made-up methods, paths
 * and Host headers, thousands of them, leave the set of {@code vertx_http_server_*} series as it
 * was. The daemon runs on a Vert.x built like the real one, with its metrics in the exposed registry.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class HttpServerMetricsTest {
  private static final int REQUESTS = 2_000;
  private static final int IN_PARALLEL = 50;
  /** Every client-chosen value contains this, so it can be looked for in /metrics. */
  private static final String MARK = "QZX";
  private static final int SHAPES = 8;

  private final Random random = new Random(20240601);
  private Vertx metered;
  private TestDaemon d;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    metered = VertxRuntime.create(registry);
    // With a token configured the made-up admin requests are refused at the door: what is measured is
    // the HTTP layer's labels, not the lookups behind it.
    d = TestDaemon.start(metered, registry, TestDatabase.migratedSchema(), "", Map.of("DOMAINGUARD_ADMIN_TOKEN", "metrics-test-token"));
    // One connection per request: the client would otherwise keep one per random Host header open.
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(IN_PARALLEL));
  }

  @AfterEach
  void stop() {
    d.stop();
    await(metered.close());
  }

  @Test
  void madeUpMethodsPathsAndHostsAddNoSeries() {
    sendRequests(0, 4 * SHAPES);
    serverSeries(); // reading /metrics is a request too: its own series exist from now on
    Set<String> before = serverSeries();
    sendRequests(4 * SHAPES, REQUESTS);
    Set<String> after = serverSeries();
    assertFalse(before.isEmpty(), "the daemon's Vert.x reports its HTTP server metrics");
    assertEquals(before.size(), after.size(), "new series: " + newSeries(before, after));
    assertFalse(String.join("\n", after).contains(MARK), "a client-chosen value became a label: " + newSeries(before, after));
  }

  /** Request {@code i} has shape {@code i % SHAPES} (method kind × path kind), with fresh random values each time. */
  private RequestOptions request(int i) {
    String token = MARK + Integer.toString(random.nextInt(Integer.MAX_VALUE), 36).toUpperCase();
    String path = switch (i % 4) {
      case 0 -> "/health/live";
      case 1 -> "/" + token.toLowerCase() + "/" + token;
      case 2 -> "/admin/v1/domains/" + token.toLowerCase() + ".com";
      default -> "/admin/v1/" + token.toLowerCase();
    };
    HttpMethod method = i % SHAPES < 4 ? HttpMethod.valueOf(token) : HttpMethod.GET;
    return new RequestOptions()
        .setServer(SocketAddress.inetSocketAddress(d.daemon.httpPort(), "127.0.0.1"))
        .setHost(token.toLowerCase() + ".example")
        .setMethod(method)
        .setURI(path);
  }

  private void sendRequests(int from, int to) {
    for (int start = from; start < to; start += IN_PARALLEL) {
      List<Future<Integer>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(to, start + IN_PARALLEL); i++) {
        batch.add(client.request(request(i)).compose(r -> r.send()).compose(this::status));
      }
      await(Future.all(batch));
    }
  }

  private Future<Integer> status(HttpClientResponse response) {
    return response.body().map(body -> response.statusCode());
  }

  /** Each exposed {@code vertx_http_server_*} series: its name and labels. */
  private Set<String> serverSeries() {
    String exposed = await(client.request(new RequestOptions()
            .setServer(SocketAddress.inetSocketAddress(d.daemon.httpPort(), "127.0.0.1"))
            .setHost("127.0.0.1").setURI("/metrics"))
        .compose(r -> r.send()).compose(r -> r.body())).toString();
    Set<String> series = new TreeSet<>();
    exposed.lines().filter(l -> l.startsWith("vertx_http_server_")).forEach(l -> series.add(l.substring(0, l.lastIndexOf(' '))));
    return series;
  }

  private static String newSeries(Set<String> before, Set<String> after) {
    Set<String> added = new TreeSet<>(after);
    added.removeAll(before);
    return added.size() + " " + added.stream().limit(5).toList();
  }
}
