package org.domainguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... args) {
    return new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void helpListsEveryCommand() {
    assertEquals(0, run(Map.of(), "--help"));
    String usage = out.toString(StandardCharsets.UTF_8);
    for (String command : new String[] {"run", "demo", "simulate", "check", "migrate"}) {
      assertTrue(usage.contains("  " + command), command);
    }
  }

  @Test
  void unknownCommandIsBadUsage() {
    assertEquals(2, run(Map.of(), "frobnicate"));
    assertTrue(stderr().contains("unknown command 'frobnicate'"));
  }

  @Test
  void unknownOptionIsBadUsage() {
    assertEquals(2, run(Map.of(), "migrate", "--colour", "blue"));
    assertTrue(stderr().contains("unknown option --colour"));
  }

  @Test
  void missingConfigFileIsBadUsage() {
    assertEquals(2, run(Map.of(), "run", "--config", "does/not/exist.yaml"));
    assertTrue(stderr().contains("file not found"));
  }

  @Test
  void invalidEnvironmentFailsWithOneLineNamingTheKey() {
    assertEquals(2, run(Map.of("DOMAINGUARD_MAX_IN_FLIGHT", "lots"), "run"));
    assertEquals("domain-guard: provider.max-in-flight: expected a whole number, got 'lots'", stderr().strip());
  }

  @Test
  void migrateCreatesTheSchemaInAnExistingDatabase() {
    DbTarget target = TestDatabase.emptySchema();
    int code = run(Map.of("DOMAINGUARD_DB_URL", TestDatabase.url(target), "DOMAINGUARD_DB_SCHEMA", target.schema()), "migrate");
    assertEquals(0, code, stderr());
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u1', 'a@example.com', true)");
  }

  @Test
  void unreachableDatabaseIsARuntimeFailure() {
    int code = run(Map.of("DOMAINGUARD_DB_URL", "postgresql://u:topsecret@127.0.0.1:1/none"), "migrate");
    assertEquals(1, code);
    assertTrue(!stderr().contains("topsecret"), "the password never reaches the terminal");
  }

  @Test
  void runWithoutAProviderRefusesToStartNamingTheKey() {
    assertEquals(2, run(Map.of("DOMAINGUARD_DB_URL", "postgresql://u:p@127.0.0.1:1/none", "DOMAINGUARD_ADMIN_TOKEN", "t"), "run"));
    assertEquals("domain-guard: provider.name: choose fastly, domainr, rdap or simulator (DOMAINGUARD_PROVIDER)", stderr().strip());
  }

  @Test
  void runWithTheSimulatorOnAnExternalDatabaseRefusesToStart() {
    assertEquals(2, run(Map.of("DOMAINGUARD_DB_URL", "postgresql://u:p@127.0.0.1:1/none", "DOMAINGUARD_PROVIDER", "simulator",
        "DOMAINGUARD_ADMIN_TOKEN", "t"), "run"));
    assertTrue(stderr().strip().startsWith("domain-guard: provider.simulator.allow-external-db: "), stderr());
  }

  @Test
  void checkWithoutAProviderRefusesToGuess() {
    assertEquals(2, run(Map.of(), "check", "example.com"));
    assertEquals("domain-guard: provider.name: choose fastly, domainr, rdap or simulator (DOMAINGUARD_PROVIDER)", stderr().strip());
  }
}
