package org.domainguard.cli;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.domainguard.check.rdap.FakeRdapServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code check DOMAIN} with the rdap provider prints the registry's evidence. */
@Timeout(60)
class RdapCheckCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Vertx vertx;
  private FakeRdapServer server;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    server = FakeRdapServer.start(vertx, "/rdap/");
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  private int check(String domain) {
    Map<String, String> env = Map.of("DOMAINGUARD_PROVIDER", "rdap", "DOMAINGUARD_RDAP_BOOTSTRAP_URL", "bundled",
        "DOMAINGUARD_RDAP_SERVERS", "aaa=" + server.base());
    return new Main(env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        .execute(new String[] {"check", domain});
  }

  @Test
  void checkPrintsTheServerStatusesDatesAndNotices() {
    JsonObject body = FakeRdapServer.domain("lapsing.aaa", List.of("autoRenewPeriod", "client hold"));
    body.getJsonArray("events")
        .add(FakeRdapServer.event("registration", "2015-03-04T05:06:07Z"))
        .add(FakeRdapServer.event("expiration", "2027-03-04T05:06:07.5Z"));
    server.answer("lapsing.aaa", FakeRdapServer.Reply.json(body));

    assertEquals(0, check("lapsing.aaa"), err.toString(StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("provider: rdap"), printed);
    assertTrue(printed.contains("statuses: auto renew period, client hold"), printed);
    assertTrue(printed.contains("phase:    GRACE"), printed);
    assertTrue(printed.contains("server:   " + server.base()), printed);
    assertTrue(printed.contains("http:     200"), printed);
    assertTrue(printed.contains("registered:    2015-03-04T05:06:07Z"), printed);
    assertTrue(printed.contains("expires:       2027-03-04T05:06:07.500Z"), printed);
    assertTrue(printed.contains("notice:   Terms of Use"), printed);
  }

  @Test
  void checkOfANameWithNoServerSaysWhyWithoutACall() {
    assertEquals(0, check("example.zzzz"), err.toString(StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("phase:    UNKNOWN"), printed);
    assertTrue(printed.contains("server:   none"), printed);
    assertTrue(printed.contains("http:     no call"), printed);
    assertTrue(printed.contains("notice:   no RDAP server for .zzzz"), printed);
    assertEquals(0, server.count());
  }
}
