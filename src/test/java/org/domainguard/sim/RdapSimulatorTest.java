package org.domainguard.sim;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.check.Phase;
import org.domainguard.check.PhaseClassifier;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator's RDAP servers over real HTTP on 127.0.0.1: every phase's shape, 404s, faults and counts per server, the bootstrap. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class RdapSimulatorTest {
  private static final String RDAP_JSON = "application/rdap+json";
  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx);
  }

  private Simulator start(AppConfig.Simulator settings) {
    return await(Simulator.start(vertx, settings));
  }

  private Simulator start() {
    return start(SimulatorTest.settings(42));
  }

  private HttpResponse<Buffer> get(Simulator sim, String path) {
    return await(client.getAbs(sim.baseUrl() + path).putHeader("Accept", RDAP_JSON).send());
  }

  /** The lookup of {@code domain} on the server the bootstrap names for its TLD. */
  private HttpResponse<Buffer> lookup(Simulator sim, String domain) {
    return get(sim, "/rdap/" + serverOf(domain) + "/domain/" + domain);
  }

  private static String serverOf(String domain) {
    return switch (domain.substring(domain.lastIndexOf('.') + 1)) {
      case "com", "net" -> "srv0";
      case "org", "io", "me", "info", "xyz" -> "srv1";
      case "app", "dev", "page" -> "srv2";
      default -> "srv3";
    };
  }

  private void override(Simulator sim, String domain, String tokens) {
    assertEquals(204, await(client.putAbs(sim.baseUrl() + "/_sim/domains/" + domain)
        .sendJsonObject(new JsonObject().put("status", tokens))).statusCode());
  }

  private HttpResponse<Buffer> putServer(Simulator sim, String server, JsonObject knobs) {
    return await(client.putAbs(sim.baseUrl() + "/_sim/rdap/servers/" + server).sendJsonObject(knobs));
  }

  private static List<String> statuses(JsonObject domain) {
    return domain.getJsonArray("status").stream().map(String.class::cast).toList();
  }

  private static String eventDate(JsonObject domain, String action) {
    for (Object e : domain.getJsonArray("events")) {
      JsonObject event = (JsonObject) e;
      if (event.getString("eventAction").equals(action)) {
        return event.getString("eventDate");
      }
    }
    return null;
  }

  private static Instant instant(String date) {
    return OffsetDateTime.parse(date).toInstant();
  }

  private JsonObject domainObject(Simulator sim, String domain) {
    HttpResponse<Buffer> r = lookup(sim, domain);
    assertEquals(200, r.statusCode(), r::bodyAsString);
    assertEquals(RDAP_JSON, r.getHeader("Content-Type"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals("domain", body.getString("objectClassName"));
    assertEquals(domain, body.getString("ldhName"));
    assertNotNull(eventDate(body, "registration"), body::encode);
    assertNotNull(eventDate(body, "expiration"), body::encode);
    return body;
  }

  @Test
  void bootstrapMapsThePopulationsTldsOntoTheServers() {
    Simulator sim = start();
    HttpResponse<Buffer> r = get(sim, "/_sim/rdap/dns.json");
    assertEquals(200, r.statusCode());
    assertEquals(sim.rdapBootstrapUrl(), sim.baseUrl() + "/_sim/rdap/dns.json");
    JsonObject doc = r.bodyAsJsonObject();
    assertEquals("1.0", doc.getString("version"));
    instant(doc.getString("publication"));
    Map<String, String> baseOf = new HashMap<>();
    for (Object s : doc.getJsonArray("services")) {
      JsonArray service = (JsonArray) s;
      assertEquals(1, service.getJsonArray(1).size());
      String base = service.getJsonArray(1).getString(0);
      assertTrue(base.endsWith("/"), base);
      service.getJsonArray(0).forEach(tld -> assertTrue(baseOf.put((String) tld, base) == null, "TLD listed twice: " + tld));
    }
    Map<String, String> originOf = new HashMap<>();
    for (String tld : List.of("com", "net", "org", "io", "uk", "de", "dev", "app", "ru", "me")) {
      String server = serverOf("x." + tld);
      String base = baseOf.get(tld);
      assertTrue(base != null && base.matches("http://127\\.0\\.0\\.1:\\d+/rdap/" + server + "/"), tld + " -> " + base);
      originOf.put(server, base.substring(0, base.indexOf("/rdap/")));
    }
    assertEquals(4, doc.getJsonArray("services").size());
    assertEquals(4, Set.copyOf(originOf.values()).size(), "each server on a port of its own: " + originOf);
    assertFalse(originOf.containsValue(sim.baseUrl()));
    // The bootstrap's URLs answer, each lookup counted for its server.
    override(sim, "example.dev", "active");
    HttpResponse<Buffer> viaBootstrap = await(client.getAbs(baseOf.get("dev") + "domain/example.dev").send());
    assertEquals(200, viaBootstrap.statusCode());
    assertEquals("example.dev", viaBootstrap.bodyAsJsonObject().getString("ldhName"));
    JsonObject counts = await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getJsonObject("rdap");
    assertEquals(1, counts.getJsonObject("srv2").getLong("requests"));
  }

  @Test
  void activeIsADomainObjectWithRegistrationAndAFutureExpiration() {
    Simulator sim = start();
    override(sim, "example.com", "active");
    JsonObject body = domainObject(sim, "example.com");
    assertTrue(statuses(body).contains("active"), body::encode);
    assertTrue(instant(eventDate(body, "registration")).isBefore(Instant.now()));
    assertTrue(instant(eventDate(body, "expiration")).isAfter(Instant.now()));
    assertEquals(2, body.getJsonArray("nameservers").size());
    assertEquals(PhaseClassifier.classify(List.of("active")), Phase.ACTIVE);
  }

  @Test
  void someActiveNamesWereRegisteredWithinTheLastYear() {
    Simulator sim = start();
    int recent = 0;
    for (int i = 0; i < 200; i++) {
      String domain = "fresh" + i + ".com";
      override(sim, domain, "active");
      Instant registered = instant(eventDate(domainObject(sim, domain), "registration"));
      if (registered.isAfter(Instant.now().minus(365, ChronoUnit.DAYS))) {
        recent++;
      }
    }
    assertTrue(recent >= 10 && recent <= 50, "registered within a year: " + recent + " of 200");
  }

  @Test
  void graceIsAutoRenewPeriodOrAnExpirationInThePast() {
    Simulator sim = start();
    int autoRenew = 0;
    int expired = 0;
    for (int i = 0; i < 40; i++) {
      String domain = "lapsing" + i + ".org";
      override(sim, domain, "active undelegated");
      JsonObject body = domainObject(sim, domain);
      Instant expiration = instant(eventDate(body, "expiration"));
      if (statuses(body).equals(List.of("active", "auto renew period"))) {
        autoRenew++;
        assertTrue(expiration.isAfter(Instant.now()), "auto-renewed: expiration already a year on");
      } else {
        assertEquals(List.of("client hold"), statuses(body));
        assertTrue(expiration.isBefore(Instant.now()), body::encode);
        expired++;
      }
    }
    assertTrue(autoRenew > 0 && expired > 0, autoRenew + " auto renew, " + expired + " expired");
  }

  @Test
  void redemptionIsPendingDeletePlusRedemptionPeriodWithSentinelDatesOnNomulusServers() {
    Simulator sim = start();
    int endOfTime = 0;
    for (int i = 0; i < 30; i++) {
      String domain = "rgp" + i + ".dev";
      override(sim, domain, "active expiring");
      JsonObject body = domainObject(sim, domain);
      assertEquals(List.of("pending delete", "redemption period"), statuses(body));
      assertNotNull(eventDate(body, "deletion"));
      if (RdapAnswers.END_OF_TIME.equals(eventDate(body, "expiration"))) {
        endOfTime++;
      }
      assertTrue(eventDate(body, "registration").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    }
    assertTrue(endOfTime > 0 && endOfTime < 30, "END_OF_TIME expirations: " + endOfTime);
    assertThrows(RuntimeException.class, () -> Instant.parse(RdapAnswers.END_OF_TIME), "the sentinel must trip strict parsers");
  }

  @Test
  void plainServersSometimesSayPendingRestore() {
    Simulator sim = start();
    List<List<String>> seen = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String domain = "restore" + i + ".net";
      override(sim, domain, "active expiring");
      seen.add(statuses(domainObject(sim, domain)));
    }
    assertTrue(seen.contains(List.of("pending delete", "redemption period")));
    assertTrue(seen.contains(List.of("pending delete", "pending restore")));
  }

  @Test
  void eppStyleServersWriteCamelCaseWithUrlsAndOffsets() {
    Simulator sim = start();
    override(sim, "kaputt.de", "active expiring");
    JsonObject body = domainObject(sim, "kaputt.de");
    assertEquals(List.of("pendingDelete https://icann.org/epp#pendingDelete", "redemptionPeriod https://icann.org/epp#redemptionPeriod"),
        statuses(body));
    assertTrue(eventDate(body, "registration").endsWith("+00:00"), body::encode);
  }

  @Test
  void pendingDeleteAloneWithADeletionWithinFiveDays() {
    Simulator sim = start();
    override(sim, "goner.io", "undelegated deleting");
    JsonObject body = domainObject(sim, "goner.io");
    assertEquals(List.of("pending delete"), statuses(body));
    Instant deletion = instant(eventDate(body, "deletion"));
    assertTrue(deletion.isBefore(Instant.now().plus(6, ChronoUnit.DAYS)), body::encode);
    assertTrue(body.getJsonArray("nameservers").isEmpty());
  }

  @Test
  void releasedIs404WithAnErrorBodyAndSometimesTheExpiryAccessPeriodNotice() {
    Simulator sim = start();
    int xap = 0;
    for (int i = 0; i < 20; i++) {
      for (String tld : List.of("app", "com")) {
        String domain = "dropped" + i + "." + tld;
        override(sim, domain, "undelegated inactive");
        HttpResponse<Buffer> r = lookup(sim, domain);
        assertEquals(404, r.statusCode());
        assertEquals(RDAP_JSON, r.getHeader("Content-Type"));
        JsonObject body = r.bodyAsJsonObject();
        assertEquals(404, body.getInteger("errorCode"));
        assertNotNull(body.getString("title"));
        assertFalse(body.getJsonArray("description").isEmpty());
        JsonArray notices = body.getJsonArray("notices", new JsonArray());
        if (!notices.isEmpty()) {
          assertEquals("app", tld, "only nomulus-like servers send the notice");
          assertEquals("Expiry Access Period", notices.getJsonObject(0).getString("title"));
          xap++;
        }
      }
    }
    assertTrue(xap > 0 && xap < 20, "Expiry Access Period notices: " + xap);
  }

  @Test
  void everyAnswerTellsTheSamePhaseAsTheFastlyFormatAndIsDeterministic() {
    Simulator a = start(SimulatorTest.settings(5));
    Simulator b = start(SimulatorTest.settings(5));
    Map<Phase, Integer> phases = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      String domain = "site" + i + List.of(".com", ".org", ".app", ".co.uk").get(i % 4);
      String tokens = await(client.getAbs(a.baseUrl() + "/domain-management/v1/tools/status?domain=" + domain).send())
          .bodyAsJsonObject().getString("status");
      Phase phase = PhaseClassifier.classify(Arrays.asList(tokens.split(" ")));
      HttpResponse<Buffer> r = lookup(a, domain);
      assertEquals(withoutLinks(r), withoutLinks(lookup(b, domain)), "the same answer from another simulator with the seed");
      phases.merge(phase, 1, Integer::sum);
      if (phase == Phase.RELEASED) {
        assertEquals(404, r.statusCode());
        continue;
      }
      assertEquals(200, r.statusCode());
      String joined = String.join(",", statuses(r.bodyAsJsonObject())).toLowerCase();
      switch (phase) {
        case REDEMPTION -> assertTrue(joined.contains("redemption") || joined.contains("restore"), joined);
        case PENDING_DELETE -> assertTrue(joined.contains("pending") && !joined.contains("redemption"), joined);
        case GRACE -> assertTrue(joined.contains("auto") || joined.contains("hold"), joined);
        default -> assertFalse(joined.contains("pending") || joined.contains("redemption") || joined.contains("auto"), joined);
      }
    }
    assertTrue(phases.get(Phase.ACTIVE) > 300, phases::toString);
  }

  /** The answer without its self link, which names the simulator's port. */
  private static JsonObject withoutLinks(HttpResponse<Buffer> r) {
    JsonObject body = r.bodyAsJsonObject();
    body.remove("links");
    return body;
  }

  @Test
  void wrongServerUnknownServerAndBadNames() {
    Simulator sim = start();
    HttpResponse<Buffer> wrong = get(sim, "/rdap/srv1/domain/gmail.com");
    assertEquals(404, wrong.statusCode());
    assertEquals(404, wrong.bodyAsJsonObject().getInteger("errorCode"));
    assertEquals(404, get(sim, "/rdap/srv9/domain/gmail.com").statusCode());
    assertEquals(404, get(sim, "/rdap/other/domain/gmail.com").statusCode());
    HttpResponse<Buffer> bad = get(sim, "/rdap/srv0/domain/bad_name.com");
    assertEquals(400, bad.statusCode());
    assertEquals(RDAP_JSON, bad.getHeader("Content-Type"));
    assertEquals(200, get(sim, "/rdap/srv0/domain/GMAIL.COM").statusCode());
  }

  @Test
  void aServerMadeToRateLimitFailOrHangDoesSoAloneAndIsCountedApart() {
    Simulator sim = start();
    assertEquals(200, putServer(sim, "srv1", new JsonObject().put("rate-limit-rate", 1).put("retry-after-seconds", 7)).statusCode());
    assertEquals(200, putServer(sim, "srv2", new JsonObject().put("error-rate", 1.0)).statusCode());
    assertEquals(200, putServer(sim, "srv3", new JsonObject().put("timeout-rate", 1)).statusCode());
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> limited = lookup(sim, "busy" + i + ".org");
      assertEquals(429, limited.statusCode());
      assertEquals("7", limited.getHeader("Retry-After"));
      assertEquals(RDAP_JSON, limited.getHeader("Content-Type"));
      assertEquals(503, lookup(sim, "down" + i + ".dev").statusCode());
      assertEquals(200, lookup(sim, "gmail.com").statusCode());
    }
    Throwable hung = assertThrows(Throwable.class, () -> await(client.getAbs(sim.baseUrl() + "/rdap/srv3/domain/hung.de").timeout(300).send()));
    assertTrue(String.valueOf(hung.getMessage()).contains("timeout"), hung::toString);

    JsonObject rdap = await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getJsonObject("rdap");
    assertEquals(3, rdap.getJsonObject("srv0").getLong("requests"));
    assertEquals(3, rdap.getJsonObject("srv0").getJsonObject("answers").getLong("200"));
    assertEquals(3, rdap.getJsonObject("srv1").getJsonObject("answers").getLong("429"));
    assertEquals(3, rdap.getJsonObject("srv2").getJsonObject("answers").getLong("503"));
    assertEquals(1, rdap.getJsonObject("srv3").getLong("requests"));
    assertTrue(rdap.getJsonObject("srv3").getJsonObject("answers").isEmpty(), "a held request has no answer");

    JsonObject servers = get(sim, "/_sim/rdap/servers").bodyAsJsonObject();
    assertEquals(1.0, servers.getJsonObject("srv1").getDouble("rate-limit-rate"));
    assertEquals(new JsonArray().add("com").add("net"), servers.getJsonObject("srv0").getJsonArray("tlds"));

    assertEquals(204, await(client.deleteAbs(sim.baseUrl() + "/_sim/rdap/servers").send()).statusCode());
    assertTrue(List.of(200, 404).contains(lookup(sim, "busy0.org").statusCode()), "srv1 back to its configured knobs");
    assertEquals(204, await(client.postAbs(sim.baseUrl() + "/_sim/reset").send()).statusCode());
    JsonObject after = await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getJsonObject("rdap");
    assertEquals(0, after.getJsonObject("srv1").getLong("requests"));
  }

  @Test
  void aSlowServerDoesNotSlowTheOthers() {
    Simulator sim = start();
    putServer(sim, "srv3", new JsonObject().put("latency", "400ms"));
    long t0 = System.nanoTime();
    assertEquals(200, lookup(sim, "gmail.com").statusCode());
    long fast = System.nanoTime() - t0;
    t0 = System.nanoTime();
    lookup(sim, "slow.de");
    long slow = System.nanoTime() - t0;
    assertTrue(slow >= Duration.ofMillis(400).toNanos(), "slow server answered in " + slow / 1e6 + " ms");
    assertTrue(fast < Duration.ofMillis(300).toNanos(), "other server answered in " + fast / 1e6 + " ms");
  }

  @Test
  void badKnobsAreRefused() {
    Simulator sim = start();
    assertEquals(400, putServer(sim, "srv0", new JsonObject().put("error-rate", 2)).statusCode());
    assertEquals(400, putServer(sim, "srv0", new JsonObject().put("error-rate", 0.6).put("rate-limit-rate", 0.6)).statusCode());
    assertEquals(400, putServer(sim, "srv0", new JsonObject().put("colour", "red")).statusCode());
    assertEquals(400, putServer(sim, "srv0", new JsonObject().put("latency", "soon")).statusCode());
    assertEquals(404, putServer(sim, "srv4", new JsonObject().put("error-rate", 1)).statusCode());
    assertEquals(200, lookup(sim, "gmail.com").statusCode());
  }

  @Test
  void perDomainFaultOverridesApplyToRdapToo() {
    Simulator sim = start();
    assertEquals(204, await(client.putAbs(sim.baseUrl() + "/_sim/domains/flaky.com")
        .sendJsonObject(new JsonObject().put("fail", "malformed").put("times", 1).put("status", "active"))).statusCode());
    HttpResponse<Buffer> garbage = lookup(sim, "flaky.com");
    assertEquals(200, garbage.statusCode());
    assertFalse(garbage.bodyAsString().endsWith("}"), garbage.bodyAsString());
    domainObject(sim, "flaky.com");
  }

  @Test
  void perServerFaultsComeFromTheConfiguration() {
    AppConfig config = AppConfig.from(new JsonObject().put("provider", new JsonObject().put("simulator", new JsonObject()
        .put("rdap", new JsonObject().put("servers", 5)
            .put("faults", new JsonObject().put("srv1", new JsonObject().put("error-rate", 1).put("latency", "10ms")))))));
    AppConfig.Simulator settings = config.provider().simulator();
    assertEquals(5, settings.rdap().servers());
    Simulator sim = start(settings);
    assertEquals(503, lookup(sim, "any.org").statusCode());
    assertEquals(200, lookup(sim, "gmail.com").statusCode());
    JsonObject stats = await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getJsonObject("rdap");
    assertEquals(5, stats.size());

    assertThrows(ConfigException.class, () -> AppConfig.from(new JsonObject().put("provider", new JsonObject().put("simulator",
        new JsonObject().put("rdap", new JsonObject().put("faults", new JsonObject().put("srv7", new JsonObject().put("error-rate", 1))))))));
    assertThrows(ConfigException.class, () -> AppConfig.from(new JsonObject().put("provider", new JsonObject().put("simulator",
        new JsonObject().put("rdap", new JsonObject().put("faults", new JsonObject().put("srv0", new JsonObject().put("eror-rate", 1))))))));
  }
}
