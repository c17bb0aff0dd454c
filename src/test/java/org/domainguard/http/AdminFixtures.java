package org.domainguard.http;

import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.domainguard.config.Tokens;
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

  static TestDaemon daemonWithTokens(Vertx vertx) {
    return daemonWithTokens(vertx, Map.of());
  }

  static TestDaemon daemonWithTokens(Vertx vertx, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("DOMAINGUARD_ADMIN_TOKEN", OPERATOR);
    return TestDaemon.start(vertx, TestDatabase.emptySchema(), tokensYaml(), all);
  }

  static String hex(String token) {
    return HexFormat.of().formatHex(Tokens.sha256(token));
  }
}
