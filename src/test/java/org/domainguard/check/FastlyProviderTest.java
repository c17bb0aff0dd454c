package org.domainguard.check;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.domainguard.sim.Simulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class FastlyProviderTest {
  private static final String KEY = "fk-very-secret-0123456789";

  private Vertx vertx;
  private WebClient client;
  private Simulator sim;

  static AppConfig.Provider providerConfig(String name) {
    return providerConfig(name, "http://127.0.0.1:1");
  }

  /** Fastly and Domainr both at {@code baseUrl}. */
  static AppConfig.Provider providerConfig(String name, String baseUrl) {
    return new AppConfig.Provider(name, 20, 20, 8, Duration.ofSeconds(2), Duration.ofSeconds(5), 2, Duration.ofMillis(500),
        Duration.ofSeconds(30), Duration.ofMinutes(2), baseUrl, Secret.of(KEY), baseUrl, Secret.of("client-id-secret"),
        new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 7, 42), false, AppConfig.Rdap.defaults());
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    AppConfig.Provider cfg = providerConfig("simulator");
    client = Providers.webClient(vertx, cfg);
    sim = await(Simulator.start(vertx, cfg.simulator()));
  }

  private FastlyProvider provider(String baseUrl, Duration responseTimeout) {
    return new FastlyProvider(client, "fastly", baseUrl, Secret.of(KEY), responseTimeout, Clock.systemUTC());
  }

  private ProviderAnswer ask(String domain) {
    return await(provider(sim.baseUrl(), Duration.ofSeconds(5)).status(domain));
  }

  private void override(String domain, JsonObject body) {
    assertEquals(204, await(client.putAbs(sim.baseUrl() + "/_sim/domains/" + domain).sendJsonObject(body)).statusCode());
  }

  private void fail(String domain, String kind) {
    override(domain, new JsonObject().put("fail", kind));
  }

  private static ProviderAnswer.Failure failure(ProviderAnswer answer, Outcome expected) {
    ProviderAnswer.Failure failure = assertInstanceOf(ProviderAnswer.Failure.class, answer);
    assertEquals(expected, failure.outcome(), failure.detail());
    assertFalse(failure.detail().contains(KEY), failure.detail());
    return failure;
  }

  /** A stand-in API on 127.0.0.1 that records each request and answers as told. */
  private HttpServer scripted(List<HttpServerRequest> seen, Consumer<HttpServerRequest> answer) {
    return await(vertx.createHttpServer().requestHandler(req -> {
      seen.add(req);
      answer.accept(req);
    }).listen(0, "127.0.0.1"));
  }

  private static String base(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Test
  void overriddenTokensComeBackInOrder() {
    override("example.com", new JsonObject().put("status", "active expiring"));
    assertEquals(new ProviderAnswer.Statuses(List.of("active", "expiring")), ask("example.com"));
  }

  @Test
  void unavailableIsError() {
    fail("down.com", "error");
    assertEquals("HTTP 503", failure(ask("down.com"), Outcome.ERROR).detail());
    assertInstanceOf(ProviderAnswer.Statuses.class, ask("down.com"), "fails only the next request");
  }

  @Test
  void tooManyRequestsIsRateLimitedWithRetryAfter() {
    fail("busy.com", "rate_limited");
    assertEquals(Duration.ofSeconds(7), failure(ask("busy.com"), Outcome.RATE_LIMITED).retryAfter());
  }

  @Test
  void heldRequestTimesOut() {
    fail("hang.com", "timeout");
    failure(await(provider(sim.baseUrl(), Duration.ofMillis(300)).status("hang.com")), Outcome.TIMEOUT);
  }

  @Test
  void truncatedBodyIsMalformed() {
    fail("garbage.com", "malformed");
    failure(ask("garbage.com"), Outcome.MALFORMED);
  }

  @Test
  void errorsMemberInA200IsAnError() {
    fail("nope.com", "errors_body");
    assertEquals("errors in body, code 404", failure(ask("nope.com"), Outcome.ERROR).detail());
  }

  @Test
  void refusedConnectionIsError() {
    HttpServer server = scripted(new CopyOnWriteArrayList<>(), req -> req.response().end());
    String closed = base(server);
    await(server.close());
    failure(await(provider(closed, Duration.ofSeconds(5)).status("example.com")), Outcome.ERROR);
  }

  @Test
  void sendsTheKeyAsFastlyKeyAndNeverInDetails() {
    List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();
    HttpServer server = scripted(seen, req -> req.response().setStatusCode(500).end("{\"message\":\"bad key " + KEY + "\"}"));

    ProviderAnswer answer = await(provider(base(server), Duration.ofSeconds(5)).status("a&b=c.com"));

    assertEquals("HTTP 500", failure(answer, Outcome.ERROR).detail());
    HttpServerRequest request = seen.get(0);
    assertEquals(FastlyProvider.PATH, request.path());
    assertEquals("a&b=c.com", request.getParam("domain"), "the domain is URL-encoded");
    assertEquals(KEY, request.getHeader("Fastly-Key"));
    assertEquals("application/json", request.getHeader("Accept"));
    assertEquals("domain-guard", request.getHeader("User-Agent"));
    assertFalse(request.uri().contains(KEY));
  }

  @Test
  void retryAfterAsHttpDateIsTheWaitFromTheProvidersClock() {
    Clock noon = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    HttpServer server = scripted(new CopyOnWriteArrayList<>(),
        req -> req.response().setStatusCode(429).putHeader("Retry-After", "Sun, 01 Mar 2026 12:02:00 GMT").end());

    for (String name : List.of("fastly", "domainr")) {
      StatusProvider provider = Providers.create(client, providerConfig(name, base(server)), null, noon);
      assertEquals(Duration.ofSeconds(120), failure(await(provider.status("x.com")), Outcome.RATE_LIMITED).retryAfter(), name);
    }
  }

  @Test
  void retryAfterIsDeltaSecondsOrHttpDateElseNull() {
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    assertEquals(Duration.ofSeconds(30), HttpRetryAfter.parse(" 30 ", now));
    assertEquals(Duration.ofSeconds(90), HttpRetryAfter.parse("Sun, 01 Mar 2026 12:01:30 GMT", now));
    assertEquals(Duration.ZERO, HttpRetryAfter.parse("Sun, 01 Mar 2026 11:00:00 GMT", now), "a date in the past means now");
    assertNull(HttpRetryAfter.parse(null, now));
    assertNull(HttpRetryAfter.parse("soon", now));
    assertNull(HttpRetryAfter.parse("-5", now));
    assertNull(HttpRetryAfter.parse("99999999999999999999999", now));
  }

  @Test
  void missingOrNonStringStatusIsMalformed() {
    for (String body : List.of("{\"domain\":\"x.com\"}", "{\"status\":5}", "{\"status\":\"  \"}", "[\"active\"]", "")) {
      HttpServer server = scripted(new CopyOnWriteArrayList<>(), req -> req.response().end(body));
      failure(await(provider(base(server), Duration.ofSeconds(5)).status("x.com")), Outcome.MALFORMED);
    }
  }

  @Test
  void simulatorProviderIsFastlyNamedSimulator() {
    override("example.net", new JsonObject().put("status", "undelegated inactive"));
    StatusProvider provider = Providers.create(client, providerConfig("simulator"), sim.baseUrl(), Clock.systemUTC());

    assertEquals("simulator", provider.name());
    assertEquals(new ProviderAnswer.Statuses(List.of("undelegated", "inactive")), await(provider.status("example.net")));
    assertEquals("fastly", Providers.create(client, providerConfig("fastly"), null, Clock.systemUTC()).name());
    assertEquals("domainr", Providers.create(client, providerConfig("domainr"), null, Clock.systemUTC()).name());
  }
}
