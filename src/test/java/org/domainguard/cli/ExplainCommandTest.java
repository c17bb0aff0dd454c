package org.domainguard.cli;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.domainguard.db.DbTarget;
import org.domainguard.discovery.PublicSuffixList;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ExplainCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dir;

  private List<JsonObject> explain(Map<String, String> env, String stdin, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "explain";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = new Main(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)).execute(all);
    assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
  }

  /** A config with no database URL whose embedded data directory must never be created. */
  private Path configWithoutDatabase() throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "db:\n  embedded-data-dir: " + dir.resolve("pg") + "\ndiscovery:\n  public-suffix-list: bundled\n");
    return file;
  }

  @Test
  void withoutADatabaseItOnlyParses() throws IOException {
    List<JsonObject> lines = explain(Map.of(), "", "--config", configWithoutDatabase().toString(),
        "A@Mail.Example.CO.UK", "u@www.ශ්\u200Dරී.com", "a@[10.0.0.1]", "u@example.com..");
    assertEquals(List.of(
        new JsonObject().put("input", "A@Mail.Example.CO.UK").put("normalized", "a@mail.example.co.uk").put("domain", "example.co.uk"),
        new JsonObject().put("input", "u@www.ශ්\u200Dරී.com").put("normalized", "u@www.xn--10cl1a0b660p.com").put("domain", "xn--10cl1a0b660p.com"),
        new JsonObject().put("input", "a@[10.0.0.1]").put("skipped", "unsupported: IP literal host"),
        new JsonObject().put("input", "u@example.com..").put("skipped", "invalid: host name: empty label")), lines);
    assertFalse(Files.exists(dir.resolve("pg")), "no embedded PostgreSQL is started");
  }

  @Test
  void readsOneAddressPerLineFromStandardInput() throws IOException {
    List<JsonObject> lines = explain(Map.of(), "a@b.example.example\n\nnot-an-address\r\n", "--config", configWithoutDatabase().toString(), "-");
    assertEquals(2, lines.size());
    assertEquals("example.example", lines.get(0).getString("domain"));
    assertEquals("invalid: no '@' in address", lines.get(1).getString("skipped"));
  }

  @Test
  void usesAConfiguredFileListWithoutADatabase() throws IOException {
    Path list = dir.resolve("psl.dat");
    Files.writeString(list, PublicSuffixList.bundledText().replace("// ===END ICANN DOMAINS===", "shop.example\n// ===END ICANN DOMAINS==="));
    List<JsonObject> lines = explain(Map.of("DOMAINGUARD_PSL_URL", list.toUri().toString()), "",
        "--config", configWithoutDatabase().toString(), "a@x.mail.shop.example");
    assertEquals("mail.shop.example", lines.get(0).getString("domain"));
  }

  @Test
  void withADatabaseAddsPhaseAndVerification() {
    DbTarget target = TestDatabase.migratedSchema();
    TestDatabase.jdbc(target, """
        INSERT INTO email_addresses(user_id, address, verified, unverify_reason) VALUES
            ('u1', 'alice@mail.example.com', false, 'domain_redemption'),
            ('u2', 'bob@[10.0.0.1]', true, NULL);
        INSERT INTO domains(name, phase) VALUES ('example.com', 'REDEMPTION');
        """);
    List<JsonObject> lines = explain(Map.of("DOMAINGUARD_DB_URL", TestDatabase.url(target), "DOMAINGUARD_DB_SCHEMA", target.schema(),
            "DOMAINGUARD_PSL_URL", "bundled"), "",
        "alice@mail.example.com", "bob@[10.0.0.1]", "carol@example.org");
    assertEquals(new JsonObject().put("input", "alice@mail.example.com").put("normalized", "alice@mail.example.com")
        .put("domain", "example.com").put("phase", "REDEMPTION").put("verified", false).put("unverifyReason", "domain_redemption"), lines.get(0));
    assertEquals(new JsonObject().put("input", "bob@[10.0.0.1]").put("skipped", "unsupported: IP literal host")
        .put("phase", null).put("verified", true).put("unverifyReason", null), lines.get(1));
    JsonObject unknown = lines.get(2);
    assertEquals("example.org", unknown.getString("domain"));
    assertTrue(unknown.containsKey("verified") && unknown.getValue("verified") == null, "not in the host's table");
    assertEquals(0L, countWatched(target), "explain changes nothing");
  }

  private static long countWatched(DbTarget target) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = TestDatabase.pool(vertx, target);
      return await(pool.query("SELECT count(*) FROM watched_addresses").execute()).iterator().next().getLong(0);
    } finally {
      await(vertx.close());
    }
  }
}
