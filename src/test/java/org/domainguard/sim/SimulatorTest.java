package org.domainguard.sim;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.domainguard.config.AppConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class SimulatorTest {
  private Vertx vertx;
  private WebClient client;

  static AppConfig.Simulator settings(long seed) {
    return new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 1, seed);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
  }

  private Simulator start(AppConfig.Simulator settings) {
    return await(Simulator.start(vertx, settings));
  }

  private HttpResponse<Buffer> get(Simulator sim, String pathAndQuery) {
    return await(client.getAbs(sim.baseUrl() + pathAndQuery).send());
  }

  private static String fastly(String domain) {
    return "/domain-management/v1/tools/status?domain=" + domain;
  }

  private void put(Simulator sim, String domain, JsonObject override) {
    HttpResponse<Buffer> response = await(client.putAbs(sim.baseUrl() + "/_sim/domains/" + domain).sendJsonObject(override));
    assertEquals(204, response.statusCode(), response::bodyAsString);
  }

  @Test
  void answersInTheFastlyFormat() {
    Simulator sim = start(settings(42));
    put(sim, "Example.COM", new JsonObject().put("status", "undelegated inactive"));

    HttpResponse<Buffer> response = get(sim, fastly("example.com"));

    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.getHeader("Content-Type"));
    assertEquals(new JsonObject().put("domain", "example.com").put("zone", "com")
        .put("status", "undelegated inactive").put("tags", "generic"), response.bodyAsJsonObject());
  }

  @Test
  void answersInTheLegacyDomainrFormat() {
    Simulator sim = start(settings(42));
    put(sim, "acmecoffee.shop", new JsonObject().put("status", "undelegated inactive"));

    JsonObject body = get(sim, "/v2/status?domain=acmecoffee.shop&client_id=k").bodyAsJsonObject();

    assertEquals(new JsonObject().put("status", new JsonArray().add(new JsonObject().put("domain", "acmecoffee.shop")
        .put("zone", "shop").put("status", "undelegated inactive").put("summary", "inactive"))), body);
  }

  @Test
  void missingOrInvalidDomainIs400WithAnErrorsBody() {
    Simulator sim = start(settings(42));
    for (String query : List.of("/domain-management/v1/tools/status", fastly(""), fastly("nodot"), fastly("bad_name.com"), fastly("a..com"))) {
      HttpResponse<Buffer> response = get(sim, query);
      assertEquals(400, response.statusCode(), query);
      assertEquals(400, response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getInteger("code"), query);
    }
    assertEquals(400, get(sim, "/v2/status?client_id=k").statusCode());
  }

  @Test
  void domainrWithoutClientIdIsUnauthorized() {
    Simulator sim = start(settings(42));
    assertEquals(401, get(sim, "/v2/status?domain=example.com").statusCode());
  }

  @Test
  void sameSeedGivesSameTokensOverHttp() {
    Simulator a = start(settings(5));
    Simulator b = start(settings(5));
    Simulator other = start(settings(6));
    List<String> fromA = new ArrayList<>();
    List<String> fromB = new ArrayList<>();
    List<String> fromOther = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String domain = "user" + i + ".net";
      fromA.add(get(a, fastly(domain)).bodyAsJsonObject().getString("status"));
      fromB.add(get(b, fastly(domain)).bodyAsJsonObject().getString("status"));
      fromOther.add(get(other, fastly(domain)).bodyAsJsonObject().getString("status"));
    }
    assertEquals(fromA, fromB);
    assertNotEquals(fromA, fromOther);
    long registered = fromA.stream().filter(s -> List.of("active", "parked", "marketed", "active priced").contains(s)).count();
    assertTrue(registered >= 800, "registered without expiry signal: " + registered);
  }

  @Test
  void failingOverrideFailsNTimesThenAnswers() {
    Simulator sim = start(settings(42));
    put(sim, "flaky.com", new JsonObject().put("fail", "error").put("times", 2).put("status", "active expiring"));

    assertEquals(503, get(sim, fastly("flaky.com")).statusCode());
    assertEquals(503, get(sim, fastly("flaky.com")).statusCode());
    HttpResponse<Buffer> third = get(sim, fastly("flaky.com"));
    assertEquals(200, third.statusCode());
    assertEquals("active expiring", third.bodyAsJsonObject().getString("status"));
  }

  @Test
  void eachFaultKindHasItsWireShape() {
    Simulator sim = start(new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 9, 42));
    put(sim, "limited.com", new JsonObject().put("fail", "rate_limited"));
    put(sim, "garbage.com", new JsonObject().put("fail", "malformed"));
    put(sim, "refused.com", new JsonObject().put("fail", "errors_body"));

    HttpResponse<Buffer> limited = get(sim, fastly("limited.com"));
    assertEquals(429, limited.statusCode());
    assertEquals("9", limited.getHeader("Retry-After"));

    HttpResponse<Buffer> garbage = get(sim, fastly("garbage.com"));
    assertEquals(200, garbage.statusCode());
    assertTrue(garbage.bodyAsString().startsWith("{\"domain\":\"garbage.com\""), garbage.bodyAsString());
    assertTrue(!garbage.bodyAsString().endsWith("}"), garbage.bodyAsString());

    HttpResponse<Buffer> refused = get(sim, fastly("refused.com"));
    assertEquals(200, refused.statusCode());
    assertEquals(404, refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getInteger("code"));
  }

  @Test
  void clearingOverridesRestoresTheDeterministicAnswer() {
    Simulator sim = start(settings(42));
    String normal = get(sim, fastly("example.org")).bodyAsJsonObject().getString("status");
    put(sim, "example.org", new JsonObject().put("status", "deleting"));
    assertEquals("deleting", get(sim, fastly("example.org")).bodyAsJsonObject().getString("status"));

    assertEquals(204, await(client.deleteAbs(sim.baseUrl() + "/_sim/domains").send()).statusCode());

    assertEquals(normal, get(sim, fastly("example.org")).bodyAsJsonObject().getString("status"));
  }

  @Test
  void invalidOverridesAreRejected() {
    Simulator sim = start(settings(42));
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("fail", "explode"), new JsonObject().put("status", " "),
        new JsonObject().put("fail", "error").put("times", 0), new JsonObject().put("fail", "none"))) {
      HttpResponse<Buffer> response = await(client.putAbs(sim.baseUrl() + "/_sim/domains/x.com").sendJsonObject(bad));
      assertEquals(400, response.statusCode(), bad.encode());
    }
    assertEquals(400, await(client.putAbs(sim.baseUrl() + "/_sim/domains/x.com").sendBuffer(Buffer.buffer("not json"))).statusCode());
  }

  @Test
  void randomFaultsFollowTheConfiguredRateButNeverHitOverriddenDomains() {
    Simulator sim = start(new AppConfig.Simulator(0, Duration.ZERO, 0.5, 0, 0, 0, 1, 42));
    put(sim, "pinned.com", new JsonObject().put("status", "active"));
    int unavailable = 0;
    for (int i = 0; i < 400; i++) {
      if (get(sim, fastly("r" + i + ".com")).statusCode() == 503) {
        unavailable++;
      }
      assertEquals(200, get(sim, fastly("pinned.com")).statusCode());
    }
    assertTrue(unavailable > 150 && unavailable < 250, "503s: " + unavailable);
  }

  @Test
  void statsCountRequestsAndReset() {
    Simulator sim = start(settings(42));
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (String domain : List.of("a.com", "a.com", "a.com", "b.com", "b.com")) {
      sent.add(client.getAbs(sim.baseUrl() + fastly(domain)).send());
    }
    await(Future.all(sent));

    JsonObject stats = get(sim, "/_sim/stats").bodyAsJsonObject();
    assertEquals(5, stats.getLong("requests"));
    assertEquals(new JsonObject().put("a.com", 3).put("b.com", 2), stats.getJsonObject("byDomain"));
    long max = stats.getLong("maxPerSecond");
    assertTrue(max >= 3 && max <= 5, "5 requests span at most 2 seconds: " + max);
    assertEquals(5L, stats.getJsonArray("perSecond").stream().mapToLong(n -> ((Number) n).longValue()).sum());

    assertEquals(204, await(client.postAbs(sim.baseUrl() + "/_sim/reset").send()).statusCode());
    assertEquals(0, get(sim, "/_sim/stats").bodyAsJsonObject().getLong("requests"));
  }

  @Test
  void latencyDelaysEveryAnswer() {
    Simulator sim = start(new AppConfig.Simulator(0, Duration.ofMillis(300), 0, 0, 0, 0, 1, 42));
    long started = System.nanoTime();
    assertEquals(200, get(sim, fastly("slow.com")).statusCode());
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300);
  }

  @Test
  void bindsTheConfiguredPortOnLoopback() {
    // A port found free can be taken by another process before it is bound again: try a few.
    for (int attempt = 1; ; attempt++) {
      Simulator first = start(settings(42));
      int port = first.port();
      await(first.close());
      try {
        Simulator again = start(new AppConfig.Simulator(port, Duration.ZERO, 0, 0, 0, 0, 1, 42));
        assertEquals("http://127.0.0.1:" + port, again.baseUrl());
        return;
      } catch (AssertionError e) {
        if (attempt == 5 || !String.valueOf(e.getCause()).contains("BindException")) {
          throw e;
        }
      }
    }
  }
}
