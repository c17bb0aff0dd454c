package org.domainguard.check.rdap;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.Providers;
import org.domainguard.check.RegistryRecord;
import org.domainguard.config.AppConfig;
import org.domainguard.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The rdap provider against RDAP servers on 127.0.0.1, each under its own base path, with local bootstraps. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class RdapProviderTest {
  @TempDir
  Path dir;

  private Vertx vertx;
  private FakeRdapServer a;
  private FakeRdapServer b;
  private PrometheusMeterRegistry registry;
  private WebClient client;
  private RdapServers servers;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    a = FakeRdapServer.start(vertx, "/a/rdap/");
    b = FakeRdapServer.start(vertx, "/b/");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @AfterEach
  void tearDown() {
    if (servers != null) {
      servers.stop();
    }
    await(a.close());
    await(b.close());
  }

  /** A bootstrap file in the RFC 9224 shape. */
  private String bootstrapFile(Map<String, String> tldToBase) throws Exception {
    JsonArray services = new JsonArray();
    tldToBase.forEach((tld, base) -> services.add(new JsonArray().add(new JsonArray().add(tld)).add(new JsonArray().add(base))));
    Path file = dir.resolve("dns.json");
    Files.writeString(file, new JsonObject().put("version", "1.0").put("publication", "2026-11-30T00:00:00Z")
        .put("description", "test").put("services", services).encode());
    return file.toUri().toString();
  }

  private RdapProvider provider(String bootstrapUrl, JsonObject rdap) {
    return provider(bootstrapUrl, rdap, new JsonObject());
  }

  private RdapProvider provider(String bootstrapUrl, JsonObject rdap, JsonObject breaker) {
    JsonObject tree = new JsonObject().put("provider", new JsonObject().put("name", "rdap")
        .put("rdap", rdap.copy().put("bootstrap-url", bootstrapUrl))
        .put("breaker", breaker.isEmpty() ? null : breaker));
    if (breaker.isEmpty()) {
      tree.getJsonObject("provider").remove("breaker");
    }
    AppConfig config = AppConfig.from(tree);
    client = Providers.rdapClient(vertx, config.provider());
    servers = new RdapServers(vertx, client, config.provider().rdap());
    await(servers.ready());
    return new RdapProvider(client, servers, config.provider(), config.breaker(), new Metrics(registry), Clock.systemUTC(), System::nanoTime);
  }

  private static RegistryRecord record(ProviderAnswer answer) {
    return assertInstanceOf(ProviderAnswer.Statuses.class, answer).registry();
  }

  @Test
  void aFileBootstrapSendsLookupsToTheNamesServer() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base(), "bbb", b.base())), new JsonObject());
    RegistryRecord r = record(await(p.status("example.aaa")));
    assertEquals(Phase.ACTIVE, r.phase());
    assertEquals(a.base(), r.server());
    assertEquals(200, r.httpStatus());
    assertEquals(List.of("Terms of Use"), r.notices());
    assertEquals(1, a.count());
    assertEquals("example.aaa", a.arrivals().get(0).domain());
    assertEquals("application/rdap+json", a.arrivals().get(0).accept());
    assertEquals(0, b.count());
  }

  @Test
  void anHttpBootstrapIsFetched(Vertx vertx) throws Exception {
    String body = Files.readString(Path.of(java.net.URI.create(bootstrapFile(Map.of("bbb", b.base())))));
    HttpServer iana = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(body));
    await(iana.listen(0, "127.0.0.1"));
    try {
      RdapProvider p = provider("http://127.0.0.1:" + iana.actualPort() + "/rdap/dns.json", new JsonObject());
      assertEquals(b.base(), record(await(p.status("example.bbb"))).server());
      assertTrue(servers.bootstrapSource().startsWith("http://127.0.0.1:"), servers.bootstrapSource());
    } finally {
      await(iana.close());
    }
  }

  @Test
  void overridesWinOverTheBootstrapWithTheLongestMatch() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base())),
        new JsonObject().put("servers", new JsonObject().put("co.aaa", b.base())));
    assertEquals(b.base(), record(await(p.status("example.co.aaa"))).server(), "the override of co.aaa is the longer match");
    assertEquals(a.base(), record(await(p.status("example.aaa"))).server());
    assertEquals(1, a.count());
    assertEquals(1, b.count());
  }

  @Test
  void anOverrideFromTheEnvironmentStringWinsOverTheBootstrap() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base())), new JsonObject().put("servers", "aaa=" + b.base()));
    assertEquals(b.base(), record(await(p.status("example.aaa"))).server());
    assertEquals(0, a.count());
  }

  @Test
  void theBuiltInListCoversTldsMissingFromTheBootstrap() throws Exception {
    provider(bootstrapFile(Map.of("aaa", a.base())), new JsonObject());
    assertEquals("https://rdap.identitydigital.services/rdap/", servers.find("example.io").base());
    assertEquals("built-in", servers.find("example.io").source());
    assertEquals("https://rdap.denic.de/", servers.find("xn--bcher-kva.de").base());
    assertEquals("https://rdap.registry.co/co/", servers.find("example.co").base());
    assertEquals("https://rdap.norid.no/", servers.find("example.no").base());
    assertEquals("bootstrap", servers.find("example.aaa").source());
  }

  @Test
  void aBootstrapThatFailsToLoadLeavesTheBundledSnapshotServing() {
    RdapProvider p = provider(dir.resolve("missing.json").toUri().toString(), new JsonObject());
    assertEquals("bundled", servers.bootstrapSource());
    assertEquals("https://rdap.verisign.com/com/v1/", servers.find("example.com").base());
    assertEquals("https://pubapi.registry.google/rdap/", servers.find("example.app").base());
    assertEquals("rdap.verisign.com", servers.find("example.com").host());
    assertEquals("rdap", p.name());
  }

  @Test
  void aBrokenBootstrapNeverReplacesTheLastGoodOne() throws Exception {
    String url = bootstrapFile(Map.of("aaa", a.base()));
    provider(url, new JsonObject());
    Files.writeString(dir.resolve("dns.json"), "{\"services\": []}");
    assertTrue(await(servers.refresh().map(true).otherwise(false)) == Boolean.FALSE, "an empty services list is refused");
    assertEquals(a.base(), servers.find("example.aaa").base());
  }

  @Test
  void aNameWithNoServerIsUnknownWithoutACall() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base())), new JsonObject());
    RegistryRecord r = record(await(p.status("example.zzzz")));
    assertEquals(Phase.UNKNOWN, r.phase());
    assertNull(r.server());
    assertEquals(0, r.httpStatus());
    assertEquals(List.of("no RDAP server for .zzzz"), r.notices());
    assertEquals(0, a.count() + b.count());
  }

  @Test
  void notFoundFromTheServerIsReleasedAndRedirectsAreFollowed() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base(), "bbb", b.base())), new JsonObject());
    b.answer("gone.bbb", new FakeRdapServer.Reply(404, Map.of(), null));
    a.answer("moved.aaa", new FakeRdapServer.Reply(302, Map.of("Location", b.base() + "domain/moved.aaa"), null));
    b.answer("moved.aaa", FakeRdapServer.Reply.json(FakeRdapServer.domain("moved.aaa", List.of("redemption period", "pending delete"))));
    assertEquals(Phase.RELEASED, record(await(p.status("gone.bbb"))).phase());
    assertEquals(Phase.REDEMPTION, record(await(p.status("moved.aaa"))).phase());
  }

  @Test
  void forbiddenAndServerErrorsAreFailedChecks() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base())), new JsonObject());
    a.answer("no.aaa", new FakeRdapServer.Reply(403, Map.of(), "{\"errorCode\":403}"));
    a.answer("down.aaa", new FakeRdapServer.Reply(503, Map.of(), null));
    assertEquals(Outcome.ERROR, assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("no.aaa"))).outcome());
    assertEquals(Outcome.ERROR, assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("down.aaa"))).outcome());
  }

  @Test
  void aRateLimitedServerIsPausedAloneForItsRetryAfter() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base(), "bbb", b.base())), new JsonObject());
    a.answer("busy.aaa", new FakeRdapServer.Reply(429, Map.of("Retry-After", "30"), null));
    ProviderAnswer.Failure limited = assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("busy.aaa")));
    assertEquals(Outcome.RATE_LIMITED, limited.outcome());
    assertEquals(Duration.ofSeconds(30), limited.retryAfter());

    assertTrue(p.notBefore("other.aaa") > Duration.ofSeconds(25).toNanos(), "server a is paused");
    assertEquals(0, p.notBefore("other.bbb"), "server b is not");
    ProviderAnswer.Failure refused = assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("other.aaa")));
    assertEquals(RdapProvider.SERVER_BUSY, refused.detail());
    assertEquals(1, a.count(), "no call goes to a paused server");
    assertEquals(Phase.ACTIVE, record(await(p.status("other.bbb"))).phase());
    assertEquals(1, b.count());
    String scrape = registry.scrape();
    assertTrue(scrape.contains("domainguard_rdap_rate_limited_total{server=\"" + a.host() + "\"} 1.0"), scrape);
    assertTrue(scrape.contains("domainguard_rdap_calls_total{outcome=\"ok\",server=\"" + b.host() + "\"} 1.0"), scrape);
  }

  @Test
  void aServerWhoseBreakerOpensStopsAloneWhileOthersContinue() throws Exception {
    JsonObject breaker = new JsonObject().put("window-calls", 4).put("min-calls", 4).put("failure-ratio", 0.5).put("cool-down", "30s");
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base(), "bbb", b.base())),
        new JsonObject().put("rate-per-server", 100).put("burst-per-server", 100), breaker);
    a.otherwise(name -> new FakeRdapServer.Reply(500, Map.of(), null));
    for (int i = 0; i < 4; i++) {
      assertEquals(Outcome.ERROR, assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("d" + i + ".aaa"))).outcome());
    }
    assertTrue(p.notBefore("d9.aaa") > Duration.ofSeconds(20).toNanos(), "a's breaker is open");
    assertEquals(RdapProvider.SERVER_BUSY, assertInstanceOf(ProviderAnswer.Failure.class, await(p.status("d9.aaa"))).detail());
    assertEquals(4, a.count(), "no call while a's breaker is open");
    for (int i = 0; i < 10; i++) {
      assertEquals(Phase.ACTIVE, record(await(p.status("d" + i + ".bbb"))).phase());
    }
    assertEquals(10, b.count());
    String scrape = registry.scrape();
    assertTrue(scrape.contains("domainguard_rdap_circuit_open{server=\"" + a.host() + "\"} 1.0"), scrape);
    assertTrue(scrape.contains("domainguard_rdap_circuit_open{server=\"" + b.host() + "\"} 0.0"), scrape);
  }

  @Test
  void eachServerKeepsItsOwnRateWithPerHostExceptions() throws Exception {
    RdapProvider p = provider(bootstrapFile(Map.of("aaa", a.base(), "bbb", b.base())),
        new JsonObject().put("rate-per-server", 0.01).put("burst-per-server", 2)
            .put("hosts", new JsonObject().put(b.host(), new JsonObject().put("rate-per-second", 100).put("burst", 5))));
    int aOk = 0;
    int bOk = 0;
    for (int i = 0; i < 5; i++) {
      aOk += await(p.status("n" + i + ".aaa")) instanceof ProviderAnswer.Statuses ? 1 : 0;
      bOk += await(p.status("n" + i + ".bbb")) instanceof ProviderAnswer.Statuses ? 1 : 0;
    }
    assertEquals(2, aOk, "a's burst of 2, then its bucket is empty");
    assertEquals(5, bOk, "b's own burst of 5");
    assertEquals(2, a.count());
  }
}
