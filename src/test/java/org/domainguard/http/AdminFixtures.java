package org.domainguard.http;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.domainguard.config.Tokens;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;

/** Daemons configured as an operator would: one operator token from the environment, more by SHA-256 in YAML. */
final class AdminFixtures {
  /** DOMAINGUARD_ADMIN_TOKEN: an operator named "admin". */
  static final String OPERATOR = "op-Secret-Token-7f3a91";
  /** Listed in http.admin.tokens as operator "alice". */
  static final String ALICE = "alice-Secret-Token-55e2c0";
  /** Listed in http.admin.tokens as viewer "victor". */
  static final String VIEWER = "viewer-Secret-Token-0b19d4";

  private AdminFixtures() {}

  static String tokensYaml() {
    return """
        http:
          host: 127.0.0.1
          admin:
            tokens:
              - name: alice
                sha256: %s
                role: operator
              - name: victor
                sha256: %s
                role: viewer
        """.formatted(hex(ALICE), hex(VIEWER));
  }

  /**
   * A daemon with the tokens above and these verified addresses. They are inserted before it
   * starts, so its first sweep's discovery sees them all: an address inserted while the start-up
   * discovery is still running could be missed until the next discovery interval.
   */
  static TestDaemon daemonWithTokens(Vertx vertx, Map<String, String> env, String... addresses) {
    return daemonWithTokens(vertx, "", env, addresses);
  }

  /**
   * As above, with {@code yaml} right after the token list: lines indented by four spaces are more
   * http.admin keys, unindented ones further sections.
   */
  static TestDaemon daemonWithTokens(Vertx vertx, String yaml, Map<String, String> env, String... addresses) {
    Map<String, String> all = new HashMap<>(env);
    all.put("DOMAINGUARD_ADMIN_TOKEN", OPERATOR);
    DbTarget target = TestDatabase.migratedSchema();
    for (String a : addresses) {
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', '" + a.replace("'", "''") + "', true)");
    }
    return TestDaemon.start(vertx, target, tokensYaml() + yaml, all);
  }

  static String hex(String token) {
    return HexFormat.of().formatHex(Tokens.sha256(token));
  }
}
