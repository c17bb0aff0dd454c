package org.domainguard.bench;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.sim.Simulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code bench --provider rdap}: its options, the daemon's provider section, and the raw ceiling against the simulated RDAP servers. */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class BenchRdapTest {

  @Test
  void providerOptionIsFastlyByDefaultOrRdap() {
    assertFalse(BenchOptions.parse(Map.of("--quick", "")).rdap());
    assertEquals("fastly", BenchOptions.parse(Map.of("--quick", "", "--provider", "fastly")).provider());
    assertEquals("rdap", BenchOptions.parse(Map.of("--quick", "", "--provider", "rdap")).provider());
    ConfigException bad = assertThrows(ConfigException.class, () -> BenchOptions.parse(Map.of("--provider", "whois")));
    assertTrue(bad.getMessage().startsWith("--provider"), bad.getMessage());
  }

  @Test
  void providerSectionPointsTheRdapProviderAtTheSimulatorsBootstrap() {
    JsonObject p = RdapProviderSettings.provider("http://127.0.0.1:1234", 5000, 500, 64);
    assertEquals("rdap", p.getString("name"));
    assertEquals(5000.0, p.getDouble("rate-per-second"));
    JsonObject rdap = p.getJsonObject("rdap");
    assertEquals("http://127.0.0.1:1234/_sim/rdap/dns.json", rdap.getString("bootstrap-url"));
    assertEquals(5000.0, rdap.getDouble("rate-per-server"));
    assertEquals(500, rdap.getInteger("burst-per-server"));
    assertEquals(64, rdap.getInteger("max-in-flight-per-server"));
  }

  @Test
  void rawCeilingCallsEachNamesServerFromTheBootstrap(Vertx vertx) throws Exception {
    Simulator sim = await(Simulator.start(vertx, new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 1, 42)));
    WebClient client = WebClient.create(vertx);
    try {
      JsonObject document = await(client.getAbs(sim.rdapBootstrapUrl()).send()).bodyAsJsonObject();
      RdapBootstrap bootstrap = RdapBootstrap.parse(document);
      assertTrue(bootstrap.lookupUrl("site4.co.uk").matches("http://127\\.0\\.0\\.1:\\d+/rdap/srv3/domain/site4\\.co\\.uk"),
          bootstrap.lookupUrl("site4.co.uk"));
      assertTrue(bootstrap.baseFor("gmail.com").endsWith("/rdap/srv0/"), bootstrap.baseFor("gmail.com"));
      assertNull(bootstrap.lookupUrl("nowhere.invalid"));
      for (long k = 0; k < 16; k++) {
        assertTrue(bootstrap.lookupUrl(Population.tailDomain(k)) != null, Population.tailDomain(k));
      }
      Population.PROVIDERS.forEach(p -> assertTrue(bootstrap.lookupUrl(p) != null, p));

      RawCeiling.Result raw = await(new RawCeiling(vertx, client, RawCeiling.rdap(bootstrap), 8, 1000)
          .run(Duration.ofMillis(200), Duration.ofMillis(800)));
      assertTrue(raw.calls() > 50, "calls: " + raw.calls());
      assertEquals(0, raw.errors(), "404 for a released name is an answer");
      JsonObject perServer = await(client.getAbs(sim.baseUrl() + "/_sim/stats").send()).bodyAsJsonObject().getJsonObject("rdap");
      for (String server : new String[] {"srv0", "srv1", "srv2", "srv3"}) {
        JsonObject counts = perServer.getJsonObject(server);
        assertTrue(counts.getLong("requests") > 0, server + " " + counts);
        assertFalse(counts.getJsonObject("answers").containsKey("400"), server + " " + counts);
      }
    } finally {
      client.close();
    }
  }
}
