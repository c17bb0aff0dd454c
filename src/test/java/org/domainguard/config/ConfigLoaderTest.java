package org.domainguard.config;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class ConfigLoaderTest {
  @TempDir Path dir;

  private AppConfig load(Vertx vertx, String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return await(ConfigLoader.load(vertx, file, true, env));
  }

  private String failure(Vertx vertx, String yaml, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(vertx, yaml, env)).getMessage();
  }

  @Test
  void shippedConfigFileLoadsWithDefaults(Vertx vertx) {
    AppConfig c = await(ConfigLoader.load(vertx, Path.of("conf/config.yaml"), true, Map.of()));
    assertTrue(c.db().embedded());
    assertEquals("public", c.db().schema());
    assertFalse(c.provider().chosen(), "the shipped file names no status source: run must be told which");
    assertEquals(Duration.ofDays(30), c.schedule().active());
    assertEquals(Duration.ofHours(1), c.schedule().retry());
    assertEquals(8080, c.http().port());
    assertEquals(50, c.guard().maxChanges());
    assertEquals("https://publicsuffix.org/list/public_suffix_list.dat", c.discovery().publicSuffixList());
    assertEquals(Duration.ofDays(7), c.discovery().publicSuffixRefresh());
  }

  @Test
  void publicSuffixListIsAUrlAFileOrBundled(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, "discovery:\n  public-suffix-list: file:/etc/domain-guard/psl.dat\n  public-suffix-refresh: 1d\n", Map.of());
    assertEquals("file:/etc/domain-guard/psl.dat", c.discovery().publicSuffixList());
    assertEquals(Duration.ofDays(1), c.discovery().publicSuffixRefresh());
    assertEquals("http://127.0.0.1:8000/psl.dat",
        load(vertx, "", Map.of("DOMAINGUARD_PSL_URL", "http://127.0.0.1:8000/psl.dat")).discovery().publicSuffixList());
    assertEquals("bundled", load(vertx, "", Map.of("DOMAINGUARD_PSL_URL", "bundled")).discovery().publicSuffixList());
    assertEquals("discovery.public-suffix-list: expected an http(s):// or file: URL, or bundled, got 'ftp://example.com/psl.dat'",
        failure(vertx, "", Map.of("DOMAINGUARD_PSL_URL", "ftp://example.com/psl.dat")));
    assertEquals("discovery.public-suffix-refresh: must be greater than zero",
        failure(vertx, "discovery:\n  public-suffix-refresh: 0s\n", Map.of()));
  }

  @Test
  void environmentOverridesTheFile(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, "provider:\n  rate-per-second: 5\nhttp:\n  port: 9000\n", Map.of(
        "DOMAINGUARD_RATE_PER_SECOND", "123.5",
        "DOMAINGUARD_RATE_BURST", "7",
        "DOMAINGUARD_MAX_IN_FLIGHT", "9",
        "DOMAINGUARD_HTTP_PORT", "9100",
        "DOMAINGUARD_DB_URL", "postgresql://u:p@db.internal:5433/guard",
        "DOMAINGUARD_DB_SCHEMA", "guard",
        "DOMAINGUARD_PROVIDER", "fastly",
        "DOMAINGUARD_FASTLY_API_KEY", "k-123",
        "DOMAINGUARD_FASTLY_BASE_URL", "http://127.0.0.1:1234/"));
    assertEquals(123.5, c.provider().ratePerSecond());
    assertEquals(7, c.provider().burst());
    assertEquals(9, c.provider().maxInFlight());
    assertEquals(9100, c.http().port());
    assertFalse(c.db().embedded());
    assertEquals("guard", c.db().schema());
    assertEquals("fastly", c.provider().name());
    assertEquals("http://127.0.0.1:1234", c.provider().fastlyBaseUrl());
    assertEquals("k-123", c.provider().fastlyApiKey().reveal());
  }

  @Test
  void adminTokenFromEnvironmentIsAnOperatorKeptAsDigest(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, "", Map.of("DOMAINGUARD_ADMIN_TOKEN", "s3cret-token"));
    AppConfig.AdminToken t = c.http().admin().tokens().get(0);
    assertEquals(AppConfig.Role.OPERATOR, t.role());
    assertEquals(32, t.sha256().length);
    assertFalse(c.toString().contains("s3cret-token"), "config dumps never show a token");
  }

  @Test
  void secretsNeverAppearInConfigDumps(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, "", Map.of("DOMAINGUARD_PROVIDER", "fastly", "DOMAINGUARD_FASTLY_API_KEY", "very-secret-key"));
    assertFalse(c.toString().contains("very-secret-key"));
    assertTrue(c.toString().contains("(secret)"));
  }

  @Test
  void invalidValuesNameTheKey(Vertx vertx) {
    assertEquals("provider.rate-per-second: expected a number, got 'fast'",
        failure(vertx, "", Map.of("DOMAINGUARD_RATE_PER_SECOND", "fast")));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_HTTP_PORT", "70000")).startsWith("http.port: must be between 0 and 65535"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_PROVIDER", "whois")).startsWith("provider.name: expected one of"));
    assertTrue(failure(vertx, "schedule:\n  active: 30 days\n", Map.of()).startsWith("schedule.active: expected a duration"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_PROVIDER", "fastly")).startsWith("provider.fastly.api-key: is required"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_DB_URL", "mysql://x@y/z")).startsWith("db.url:"));
    assertTrue(failure(vertx, "db:\n  schema: \"Robert'); DROP\"\n", Map.of()).startsWith("db.schema:"));
    assertTrue(failure(vertx, "guard:\n  max-change-ratio: 1.5\n", Map.of()).startsWith("guard.max-change-ratio:"));
    assertTrue(failure(vertx, "http:\n  admin:\n    tokens:\n      - name: a\n        sha256: xyz\n        role: operator\n", Map.of())
        .startsWith("http.admin.tokens[0].sha256:"));
  }

  @Test
  void connectionLimitsHaveBoundedDefaultsAndAreConfigurable(Vertx vertx) throws IOException {
    AppConfig.Connections defaults = await(ConfigLoader.load(vertx, Path.of("conf/config.yaml"), true, Map.of())).http().connections();
    assertEquals(new AppConfig.Connections(Duration.ofSeconds(60), Duration.ofSeconds(30), 1000), defaults);
    AppConfig.Connections set = load(vertx, "http:\n  idle-timeout: 5m\n  header-timeout: 10s\n  max-connections: 50\n", Map.of())
        .http().connections();
    assertEquals(new AppConfig.Connections(Duration.ofMinutes(5), Duration.ofSeconds(10), 50), set);
    assertTrue(failure(vertx, "http:\n  header-timeout: 0s\n", Map.of()).startsWith("http.header-timeout: must be greater than zero"));
    assertTrue(failure(vertx, "http:\n  idle-timeout: 30d\n", Map.of()).startsWith("http.idle-timeout: must be at most 1d"));
    assertTrue(failure(vertx, "http:\n  max-connections: 0\n", Map.of()).startsWith("http.max-connections: must be between 1"));
  }

  @Test
  void dbUrlPasswordNeverAppearsInAnError(Vertx vertx) {
    String message = failure(vertx, "", Map.of("DOMAINGUARD_DB_URL", "postgresql://u:hunter2@[bad"));
    assertFalse(message.contains("hunter2"), message);
  }

  @Test
  void passwordsTheClientCannotParseNeverAppearInTheError(Vertx vertx) {
    String message = failure(vertx, "", Map.of("DOMAINGUARD_DB_URL", "postgresql://u:pa$s+w=rd@db.internal:5432/guard"));
    assertTrue(message.startsWith("db.url:"), message);
    assertFalse(message.contains("pa$s"), message);
  }

  @Test
  void yamlErrorsNameThePlaceNotTheContent(Vertx vertx) {
    String message = failure(vertx, "provider:\n  fastly:\n    api-key: \"SUPERSECRET\n  name: [\n", Map.of());
    assertTrue(message.contains("cannot be read as YAML"), message);
    assertFalse(message.contains("SUPERSECRET"), message);
  }

  @Test
  void missingExplicitFileIsAConfigError(Vertx vertx) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> await(ConfigLoader.load(vertx, dir.resolve("nope.yaml"), true, Map.of())));
    assertTrue(e.getMessage().contains("file not found"));
  }

  @Test
  void malformedYamlIsAConfigError(Vertx vertx) {
    assertTrue(failure(vertx, "db: [unclosed\n", Map.of()).contains("cannot be read as YAML"));
  }

  @Test
  void aMisspelledKeyIsAnErrorNamingIt(Vertx vertx) {
    assertEquals("guard.max-change: unknown setting (misspelled? conf/config.yaml lists every key)",
        failure(vertx, "guard:\n  max-change: 5\n", Map.of()));
    assertTrue(failure(vertx, "provider:\n  simulator:\n    latancy: 5ms\n", Map.of()).startsWith("provider.simulator.latancy: unknown setting"));
    assertTrue(failure(vertx, "gaurd:\n  max-changes: 5\n", Map.of()).startsWith("gaurd: unknown setting"));
    assertTrue(failure(vertx, "guard: 5\n", Map.of()).startsWith("guard: expected a section"));
    assertTrue(failure(vertx, "http:\n  admin:\n    tokens:\n      - name: a\n        sha256: " + "ab".repeat(32)
        + "\n        role: operator\n        rol: viewer\n", Map.of()).startsWith("http.admin.tokens[0].rol: unknown setting"));
  }

  @Test
  void emptyFileCommentsOnlyFileAndEmptySectionsAllMeanDefaults(Vertx vertx) throws IOException {
    AppConfig empty = load(vertx, "", Map.of());
    AppConfig comments = load(vertx, "# nothing set here\n# guard:\n#   max-changes: 5\n", Map.of());
    AppConfig emptySection = load(vertx, "guard:\n", Map.of());
    for (AppConfig c : new AppConfig[] {empty, comments, emptySection}) {
      assertEquals(50, c.guard().maxChanges());
      assertEquals(0.02, c.guard().maxChangeRatio());
      assertFalse(c.provider().chosen());
    }
  }

  @Test
  void credentialsInAProviderUrlAreMaskedInTheError(Vertx vertx) {
    String message = failure(vertx, "", Map.of("DOMAINGUARD_FASTLY_BASE_URL", "ftp://deploy:hunter2@api.example/"));
    assertEquals("provider.fastly.base-url: expected an http:// or https:// URL, got 'ftp://***@api.example/'", message);
  }

  @Test
  void aLeaseShorterThanTheLongestCheckIsRefused(Vertx vertx) throws IOException {
    String message = failure(vertx, "schedule:\n  lease: 1m\n", Map.of());
    assertTrue(message.startsWith("schedule.lease: must be at least 166700ms"), message);
    assertTrue(message.endsWith("got 1m"), message);
    AppConfig shorter = load(vertx, "provider:\n  max-check-wait: 10s\n  connect-timeout: 1s\n  response-timeout: 2s\n  retries: 1\n"
        + "  breaker:\n    cool-down: 5s\n"
        + "schedule:\n  lease: 20s\n", Map.of());
    assertEquals(Duration.ofSeconds(20), shorter.schedule().lease());
  }

  @Test
  void aCheckMustBeAllowedToWaitOutTheBreakersCoolDown(Vertx vertx) {
    assertEquals("provider.max-check-wait: must be at least provider.breaker.cool-down (30s); got 10s",
        failure(vertx, "provider:\n  max-check-wait: 10s\n", Map.of()));
  }

  @Test
  void theSimulatorIsRefusedOnAnExternalDatabaseUnlessAllowed(Vertx vertx) throws IOException {
    Map<String, String> external = Map.of("DOMAINGUARD_PROVIDER", "simulator", "DOMAINGUARD_DB_URL", "postgresql://u:p@db.internal:5432/guard");
    ConfigException refused = assertThrows(ConfigException.class, () -> load(vertx, "", external).requireStatusSource());
    assertTrue(refused.getMessage().startsWith("provider.simulator.allow-external-db: "), refused.getMessage());
    load(vertx, "provider:\n  simulator:\n    allow-external-db: true\n", external).requireStatusSource();
    load(vertx, "", Map.of("DOMAINGUARD_PROVIDER", "simulator")).requireStatusSource();
    ConfigException unchosen = assertThrows(ConfigException.class, () -> load(vertx, "", Map.of()).requireStatusSource());
    assertEquals("provider.name: choose fastly, domainr, rdap or simulator (DOMAINGUARD_PROVIDER)", unchosen.getMessage());
  }

  @Test
  void rdapSettingsFromYamlAndEnvironment(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, """
        provider:
          rdap:
            servers: {io: "https://rdap.example/rdap", .co.uk: "http://rdap.example/uk/"}
            max-in-flight-per-server: 2
            hosts: {rdap.verisign.com: {rate-per-second: 10, burst: 12}}
        """, Map.of("DOMAINGUARD_PROVIDER", "rdap", "DOMAINGUARD_RDAP_BOOTSTRAP_URL", "bundled",
        "DOMAINGUARD_RDAP_RATE_PER_SERVER", "2", "DOMAINGUARD_RDAP_BURST_PER_SERVER", "3"));
    AppConfig.Rdap rdap = c.provider().rdap();
    assertEquals("rdap", c.provider().name());
    assertEquals("bundled", rdap.bootstrapUrl());
    assertEquals(Map.of("io", "https://rdap.example/rdap/", "co.uk", "http://rdap.example/uk/"), rdap.servers());
    assertEquals(new AppConfig.HostLimit(2, 3), rdap.limitOf("rdap.nic.fr"));
    assertEquals(new AppConfig.HostLimit(10, 12), rdap.limitOf("rdap.verisign.com"));
    assertEquals(2, rdap.maxInFlightPerServer());
    assertEquals(java.time.Duration.ofHours(24), rdap.bootstrapRefresh());

    AppConfig fromEnv = load(vertx, "", Map.of("DOMAINGUARD_RDAP_SERVERS", "io=https://a.example/rdap/, de=https://b.example"));
    assertEquals(Map.of("io", "https://a.example/rdap/", "de", "https://b.example/"), fromEnv.provider().rdap().servers());
    assertEquals("https://data.iana.org/rdap/dns.json", fromEnv.provider().rdap().bootstrapUrl());
  }

  @Test
  void badRdapSettingsNameTheirKey(Vertx vertx) {
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_RDAP_BOOTSTRAP_URL", "ftp://x/dns.json"))
        .startsWith("provider.rdap.bootstrap-url: expected an http(s):// or file: URL, or bundled"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_RDAP_SERVERS", "io")).startsWith("provider.rdap.servers: expected tld=baseURL"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_RDAP_SERVERS", "io=mailto:x")).startsWith("provider.rdap.servers: the server of .io"));
    assertTrue(failure(vertx, "provider:\n  rdap:\n    hosts: {rdap.nic.fr: {rate: 3}}\n", Map.of())
        .startsWith("provider.rdap.hosts.rdap.nic.fr.rate: unknown setting"));
    assertTrue(failure(vertx, "provider:\n  rdap:\n    rate-per-servr: 3\n", Map.of())
        .startsWith("provider.rdap.rate-per-servr: unknown setting"));
  }

  private static final String HOST = """
      host:
        table: public.user_emails
        columns: {id: id, address: email, verified: verified, reason: unverify_reason}
        reason-values: {default: "domain invalid", domain_released: "hard bounce"}
        capture: trigger
        write: direct
      """;

  @Test
  void noHostSectionMeansTheDefaultTable(Vertx vertx) throws IOException {
    assertEquals(null, load(vertx, "", Map.of()).host());
  }

  @Test
  void hostTableIsReadWithItsColumnsModesAndReasonValues(Vertx vertx) throws IOException {
    AppConfig.Host host = load(vertx, HOST, Map.of()).host();
    assertEquals("\"public\".\"user_emails\"", host.sqlName());
    assertEquals(new AppConfig.HostColumns("id", "email", "verified", "unverify_reason"), host.columns());
    assertEquals(AppConfig.Capture.TRIGGER, host.capture());
    assertEquals(AppConfig.Write.DIRECT, host.write());
    assertEquals("hard bounce", host.reasonValue("domain_released"));
    assertEquals("domain invalid", host.reasonValue("domain_redemption"), "the default covers every other reason");
  }

  @Test
  void hostSectionRefusesUnknownMissingAndUnsafeSettings(Vertx vertx) {
    assertEquals("host.capture: unknown setting (misspelled? conf/config.yaml lists every key)".replace("host.capture", "host.captur"),
        failure(vertx, HOST.replace("capture:", "captur:") + "  capture: poll\n", Map.of()));
    assertEquals("host.write: is required in the host section", failure(vertx, HOST.replace("  write: direct\n", ""), Map.of()));
    assertEquals("host.columns.address: is required in the host section",
        failure(vertx, HOST.replace("address: email, ", ""), Map.of()));
    assertEquals("host.table: expected schema.table in lower-case SQL identifiers (public.user_emails), got 'user_emails'",
        failure(vertx, HOST.replace("public.user_emails", "user_emails"), Map.of()));
    assertEquals("host.columns.id: expected a lower-case SQL identifier, got 'id\"; DROP TABLE x; --'",
        failure(vertx, HOST.replace("{id: id,", "{id: 'id\"; DROP TABLE x; --',"), Map.of()));
    assertEquals("host.reason-values.domain_gone: unknown reason: expected one of domain_redemption, domain_pending_delete, "
        + "domain_released, domain_reregistered, domain_grace, default",
        failure(vertx, HOST.replace("domain_released:", "domain_gone:"), Map.of()));
    assertEquals("host.reason-values: set host.columns.reason, the column these values are written to",
        failure(vertx, HOST.replace(", reason: unverify_reason", ""), Map.of()));
    assertEquals("host.capture: expected one of poll, trigger, got 'triggers'",
        failure(vertx, HOST.replace("capture: trigger", "capture: triggers"), Map.of()));
  }
}
