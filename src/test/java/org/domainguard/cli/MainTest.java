package org.domainguard.cli;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
  void migrateInstallsTheHostTablesTriggersOnceAndRefusesAMissingTable() throws IOException {
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_app";
    TestDatabase.jdbc(target, "CREATE SCHEMA " + host + "; CREATE TABLE " + host + ".users (id bigserial PRIMARY KEY, email text, ok boolean);"
        + "INSERT INTO " + host + ".users (email, ok) VALUES ('a@example.com', true), ('b@example.org', false)");
    Path config = Files.createTempFile("domain-guard-host", ".yaml");
    Files.writeString(config, "host:\n  table: " + host + ".users\n  columns: {id: id, address: email, verified: ok}\n"
        + "  capture: trigger\n  write: none\n");
    Map<String, String> env = Map.of("DOMAINGUARD_DB_URL", TestDatabase.url(target), "DOMAINGUARD_DB_SCHEMA", target.schema());
    try {
      assertEquals(0, run(env, "migrate", "--config", config.toString()), stderr());
      assertEquals(0, run(env, "migrate", "--config", config.toString()), stderr());
      var pool = TestDatabase.pool(Vertx.vertx(), target);
      try {
        assertEquals(3L, await(pool.query("SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
            + host + ".users'::regclass AND NOT tgisinternal").execute()).iterator().next().getLong(0));
        assertEquals(2L, await(pool.query("SELECT count(*) FROM host_changes").execute()).iterator().next().getLong(0),
            "existing rows queued by the first install only");
      } finally {
        await(pool.close());
      }
      Files.writeString(config, Files.readString(config).replace(".users", ".people"));
      assertEquals(2, run(env, "migrate", "--config", config.toString()));
      assertTrue(stderr().contains("host.table: no table " + host + ".people"), stderr());
    } finally {
      Files.delete(config);
    }
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
