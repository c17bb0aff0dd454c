package org.domainguard.host;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.Await;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host's own table (SPEC §9) on a real PostgreSQL: a PyPI-shaped one (serial id, uuid user ids,
 * an enum reason, no verified_at) and a minimal one with a text id, in both capture modes; a
 * read-only role for poll + none; and triggers refused without the TRIGGER privilege.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class HostTableTest {
  private static final Duration INTERVAL = Duration.ofHours(1);

  private final MovableClock clock = new MovableClock(Instant.now());
  private TestDaemon d;

  @AfterEach
  void stop() {
    if (d != null) {
      d.stop();
    }
  }

  /** PyPI's user_emails, in a schema of its own next to domain-guard's. */
  private static String pypiTable(String schema) {
    return """
        CREATE SCHEMA %1$s;
        CREATE TYPE %1$s.unverifyreasons AS ENUM ('spam complaint', 'hard bounce', 'soft bounce', 'domain invalid');
        CREATE TABLE %1$s.user_emails (
            id serial PRIMARY KEY,
            user_id uuid NOT NULL DEFAULT gen_random_uuid(),
            email varchar(254) NOT NULL UNIQUE,
            "primary" boolean NOT NULL DEFAULT false,
            verified boolean NOT NULL,
            public boolean NOT NULL DEFAULT false,
            unverify_reason %1$s.unverifyreasons,
            transient_bounces integer NOT NULL DEFAULT 0);
        """.formatted(schema);
  }

  private static String pypiConfig(String schema, String capture, String write) {
    return """
        host:
          table: %s.user_emails
          columns: {id: id, address: email, verified: verified, reason: unverify_reason}
          reason-values: {default: "domain invalid"}
          capture: %s
          write: %s
        """.formatted(schema, capture, write);
  }

  private TestDaemon start(Vertx vertx, DbTarget target, String yaml, Map<String, String> env) {
    d = TestDaemon.start(vertx, target, yaml, env, clock);
    return d;
  }

  /**
   * The clock catches up with the database's, which stamps verification times: evidence gathered
   * from now on postdates the addresses the mirror holds, as it would on a real clock.
   */
  private void toNow() {
    clock.advance(Duration.between(clock.instant(), Instant.now()).plusMillis(1));
  }

  /** Waits for the daemon's first discovery to have copied the host's {@code rows} rows and discovered them. */
  private void mirrored(int rows) {
    Await.until("the host table mirrored and discovered", () -> d.count(
        "SELECT count(*) FROM watched_addresses WHERE NOT EXISTS (SELECT 1 FROM host_changes) AND NOT EXISTS (SELECT 1 FROM address_changes)") == rows);
  }

  /** The next discovery interval: a poll scan is due again. */
  private void nextInterval() {
    clock.advance(INTERVAL);
  }

  private Row one(String sql) {
    return d.query(sql).iterator().next();
  }

  @Test
  void anEnumTypeInPublicIsWrittenWithItsSchema(Vertx vertx) {
    // As in PyPI's database: the enum lives in public, which is on the set-up connection's search_path
    // but not on the pool's (domain-guard's own schema only).
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_pub";
    String type = host + "_reasons";
    TestDatabase.jdbc(target, "CREATE SCHEMA " + host + "; CREATE TYPE public." + type + " AS ENUM ('domain invalid');"
        + " CREATE TABLE " + host + ".user_emails (id serial PRIMARY KEY, email text UNIQUE, verified boolean NOT NULL, unverify_reason public." + type + ");"
        + " INSERT INTO " + host + ".user_emails (email, verified) VALUES ('a@lapsed.com', true)");
    start(vertx, target, pypiConfig(host, "poll", "direct"), Map.of());
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    mirrored(1);
    toNow();
    d.sweep("all");
    assertEquals("domain invalid", hostRow(host, "a@lapsed.com").getString("unverify_reason"));
    TestDatabase.jdbc(target, "DROP TABLE " + host + ".user_emails; DROP TYPE public." + type);
  }

  @ParameterizedTest
  @ValueSource(strings = {"trigger", "poll"})
  void pypiShapedTableIsWatchedAndUnverifiedWithItsEnumLabel(String capture, Vertx vertx) {
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_pypi";
    TestDatabase.jdbc(target, pypiTable(host) + "INSERT INTO " + host + ".user_emails (email, verified) VALUES "
        + "('a@lapsed.com', true), ('b@fine.com', true), ('c@lapsed.com', false)");
    start(vertx, target, pypiConfig(host, capture, "direct"), Map.of());
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    mirrored(3);
    toNow();
    d.sweep("all");

    Row a = hostRow(host, "a@lapsed.com");
    assertFalse(a.getBoolean("verified"));
    assertEquals("domain invalid", a.getString("unverify_reason"), "the enum label configured for every reason");
    assertTrue(hostRow(host, "b@fine.com").getBoolean("verified"));
    assertNull(hostRow(host, "c@lapsed.com").getString("unverify_reason"), "an unverified address is not touched");
    Row event = one("SELECT address, reason, old_verified, new_verified FROM verification_events");
    assertEquals("a@lapsed.com", event.getString("address"));
    assertEquals("domain_redemption", event.getString("reason"), "the audit keeps domain-guard's own reason");
    assertEquals(1, d.count("SELECT count(*) FROM verification_events"));

    // The owner renews; the host re-verifies the address: its domain is checked afresh, and the
    // re-verification (kept by domain-guard: the host table has no verified_at) is never undone.
    d.simulate("lapsed.com", new JsonObject().put("status", "active"));
    TestDatabase.jdbc(target, "UPDATE " + host + ".user_emails SET verified = true, unverify_reason = NULL WHERE email = 'a@lapsed.com'");
    nextInterval();
    d.sweep("due");

    assertTrue(hostRow(host, "a@lapsed.com").getBoolean("verified"));
    assertEquals(2, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "checked afresh on re-verification");
    assertEquals(1, d.count("SELECT count(*) FROM verification_events"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"trigger", "poll"})
  void textIdsChangedAddressesAndDeletedRows(String capture, Vertx vertx) {
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_min";
    TestDatabase.jdbc(target, "CREATE SCHEMA " + host + "; CREATE TABLE " + host + ".accounts (handle text PRIMARY KEY, mail text, ok boolean);"
        + "INSERT INTO " + host + ".accounts VALUES ('zed', 'z@keep.org', true), ('amy', 'a@gone.org', true), ('bob', 'b@old.org', true)");
    start(vertx, target, """
        host:
          table: %s.accounts
          columns: {id: handle, address: mail, verified: ok}
          capture: %s
          write: direct
        """.formatted(host, capture), Map.of());
    d.sweep("all");
    assertEquals(3, d.count("SELECT count(*) FROM watched_addresses WHERE domain_id IS NOT NULL"));

    TestDatabase.jdbc(target, "DELETE FROM " + host + ".accounts WHERE handle = 'amy';"
        + "UPDATE " + host + ".accounts SET mail = 'b@new.org' WHERE handle = 'bob'");
    d.simulate("new.org", new JsonObject().put("status", "inactive"));
    nextInterval();
    d.sweep("due");

    assertEquals(List.of("b@new.org:new.org", "z@keep.org:keep.org"), watched(), "the deleted row stopped being watched");
    assertFalse(d.query("SELECT ok FROM " + host + ".accounts WHERE handle = 'bob'").iterator().next().getBoolean(0),
        "the changed address is on a released domain: unverified in the host's table");
    assertEquals(1, d.count("SELECT count(*) FROM verification_events WHERE reason = 'domain_released'"));
  }

  @Test
  void applicationRoleWritesThroughTheTriggersAndARevertReachesTheHostRow(Vertx vertx) {
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_pypi";
    String app = target.schema() + "_app";
    TestDatabase.jdbc(target, pypiTable(host) + "CREATE ROLE " + app + ";"
        + "GRANT USAGE ON SCHEMA " + host + " TO " + app + "; GRANT SELECT, INSERT, UPDATE ON " + host + ".user_emails TO " + app + ";"
        + "GRANT USAGE ON SEQUENCE " + host + ".user_emails_id_seq TO " + app + ";");
    start(vertx, target, pypiConfig(host, "trigger", "direct"), Map.of());
    // The application's role holds nothing on domain-guard's schema: the triggers queue as domain-guard.
    TestDatabase.jdbc(target, "SET ROLE " + app + "; INSERT INTO " + host + ".user_emails (email, verified) VALUES "
        + "('a@lapsed.com', true), ('b@lapsed.com', true); RESET ROLE;");
    d.sweep("all");
    assertEquals(2, d.count("SELECT count(*) FROM email_addresses WHERE verified"), "mirrored by the sweep's discovery");
    d.simulate("lapsed.com", new JsonObject().put("status", "deleting"));
    toNow();
    long sweep = d.sweep("all");
    assertEquals(List.of("domain invalid", "domain invalid"), hostReasons(host));

    String verifiedAt = one("SELECT string_agg(verified_at::text, ',' ORDER BY id) FROM email_addresses").getString(0);
    int status = await(d.http.post(d.daemon.httpPort(), "127.0.0.1", "/admin/v1/sweeps/" + sweep + "/revert").send()).statusCode();
    assertEquals(200, status);
    assertEquals(List.of("null", "null"), hostReasons(host), "re-verified in the host's table, reason cleared");
    assertEquals(2, d.count("SELECT count(*) FROM " + host + ".user_emails WHERE verified"));
    d.sweep("due");
    assertEquals(verifiedAt, one("SELECT string_agg(verified_at::text, ',' ORDER BY id) FROM email_addresses").getString(0),
        "domain-guard's own write to the host row is no re-verification: the restored verification times stand");
  }

  @Test
  void triggersSeeAVerificationTheHostUndoesOrRedoesWithinOneInterval(Vertx vertx) {
    DbTarget target = TestDatabase.emptySchema();
    String host = target.schema() + "_pypi";
    TestDatabase.jdbc(target, pypiTable(host) + "INSERT INTO " + host + ".user_emails (email, verified) VALUES ('a@lapsed.com', true)");
    start(vertx, target, pypiConfig(host, "trigger", "none"), Map.of());
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    mirrored(1);
    toNow();
    d.sweep("all");
    assertFalse(one("SELECT verified FROM email_addresses").getBoolean(0), "decided; the host still says verified");

    // Between two discoveries the host applies the decision and the user proves the address again.
    d.simulate("lapsed.com", new JsonObject().put("status", "active"));
    TestDatabase.jdbc(target, "UPDATE " + host + ".user_emails SET verified = false; UPDATE " + host + ".user_emails SET verified = true");
    nextInterval();
    d.sweep("due");

    assertTrue(one("SELECT verified FROM email_addresses").getBoolean(0), "the re-verification was seen");
    assertEquals(2, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "checked afresh");
  }

  @Test
  void readOnlyRoleWithPollAndNoWriteNeverWritesTheHostTable(Vertx vertx) {
    DbTarget admin = TestDatabase.emptySchema();
    String host = admin.schema() + "_pypi";
    String role = admin.schema() + "_ro";
    TestDatabase.jdbc(admin, pypiTable(host) + "INSERT INTO " + host + ".user_emails (email, verified) VALUES "
        + "('a@lapsed.com', true), ('b@fine.com', true);"
        + "CREATE ROLE " + role + " LOGIN PASSWORD 'ro';"
        + "CREATE SCHEMA " + admin.schema() + " AUTHORIZATION " + role + ";"
        + "GRANT USAGE ON SCHEMA " + host + " TO " + role + ";"
        + "GRANT SELECT ON " + host + ".user_emails TO " + role + ";");
    List<String> before = versions(vertx, admin, host);
    start(vertx, admin, pypiConfig(host, "poll", "none"),
        Map.of("DOMAINGUARD_DB_URL", "postgresql://" + role + ":ro@127.0.0.1:" + admin.port() + "/postgres"));
    d.simulate("lapsed.com", new JsonObject().put("status", "active expiring"));
    mirrored(2);
    toNow();
    d.sweep("all");
    assertFalse(one("SELECT verified FROM email_addresses WHERE address = 'a@lapsed.com'").getBoolean(0), "the decision is recorded");
    assertEquals(1, d.count("SELECT count(*) FROM verification_events WHERE address = 'a@lapsed.com'"));
    // With write: none the event is how the host hears of it, naming the row by the host's own id.
    Row told = one("SELECT data->>'id' AS id, jsonb_typeof(data->'id') AS kind, data->>'address' AS address FROM events WHERE type = 'address.unverified'");
    assertEquals("a@lapsed.com", told.getString("address"));
    assertEquals(one("SELECT id::text FROM " + host + ".user_emails WHERE email = 'a@lapsed.com'").getString(0), told.getString("id"),
        "the host row's id");
    assertEquals("string", told.getString("kind"), "as text: host ids may be of any type");

    // The host has not applied the decision yet: its verified = true is no re-verification.
    nextInterval();
    d.sweep("due");
    assertFalse(one("SELECT verified FROM email_addresses WHERE address = 'a@lapsed.com'").getBoolean(0));
    assertEquals(1, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "not checked afresh");
    assertEquals(before, versions(vertx, admin, host), "no host row was ever written (xmin unchanged)");
    assertEquals(0, d.count("SELECT count(*) FROM sweeps WHERE state <> 'completed'"));

    // The host applies it; the owner renews and the host re-verifies the address: that is a verification.
    TestDatabase.jdbc(admin, "UPDATE " + host + ".user_emails SET verified = false WHERE email = 'a@lapsed.com'");
    d.simulate("lapsed.com", new JsonObject().put("status", "active"));
    nextInterval();
    d.sweep("due");
    TestDatabase.jdbc(admin, "UPDATE " + host + ".user_emails SET verified = true WHERE email = 'a@lapsed.com'");
    nextInterval();
    d.sweep("due");
    assertTrue(one("SELECT verified FROM email_addresses WHERE address = 'a@lapsed.com'").getBoolean(0));
    assertEquals(2, d.simulatorStats().getJsonObject("byDomain").getInteger("lapsed.com"), "checked afresh on re-verification");
  }

  @Test
  void triggerCaptureWithoutTheTriggerPrivilegeNamesItAndTheTable(Vertx vertx) {
    DbTarget admin = TestDatabase.emptySchema();
    String host = admin.schema() + "_pypi";
    String role = admin.schema() + "_ro";
    TestDatabase.jdbc(admin, pypiTable(host) + "CREATE ROLE " + role + " LOGIN PASSWORD 'ro';"
        + "CREATE SCHEMA " + admin.schema() + " AUTHORIZATION " + role + ";"
        + "GRANT USAGE ON SCHEMA " + host + " TO " + role + "; GRANT SELECT, UPDATE ON " + host + ".user_emails TO " + role + ";");
    ConfigException e = assertThrows(ConfigException.class, () -> start(vertx, admin, pypiConfig(host, "trigger", "direct"),
        Map.of("DOMAINGUARD_DB_URL", "postgresql://" + role + ":ro@127.0.0.1:" + admin.port() + "/postgres")));
    d = null;
    assertEquals("host.capture: trigger needs the TRIGGER privilege on " + host + ".user_emails, which domain-guard's role " + role
        + " lacks: GRANT TRIGGER ON " + host + ".user_emails TO " + role + " (or use capture: poll, which needs SELECT only)", e.getMessage());
  }

  @Test
  void aRoleThatCannotReadTheHostTableIsToldTheGrants(Vertx vertx) {
    DbTarget admin = TestDatabase.emptySchema();
    String host = admin.schema() + "_pypi";
    String role = admin.schema() + "_none";
    TestDatabase.jdbc(admin, pypiTable(host) + "CREATE ROLE " + role + " LOGIN PASSWORD 'x';"
        + "CREATE SCHEMA " + admin.schema() + " AUTHORIZATION " + role + ";");
    ConfigException e = assertThrows(ConfigException.class, () -> start(vertx, admin, pypiConfig(host, "poll", "none"),
        Map.of("DOMAINGUARD_DB_URL", "postgresql://" + role + ":x@127.0.0.1:" + admin.port() + "/postgres")));
    d = null;
    assertEquals("host.table: domain-guard's role " + role + " cannot read " + host + ".user_emails: GRANT USAGE ON SCHEMA " + host
        + " TO " + role + "; GRANT SELECT ON " + host + ".user_emails TO " + role, e.getMessage());
  }

  @Test
  void pollKeysetWalksIntegerIdsInNumericOrder(Vertx vertx) {
    DbTarget target = TestDatabase.migratedSchema();
    String host = target.schema() + "_num";
    TestDatabase.jdbc(target, "CREATE SCHEMA " + host + "; CREATE TABLE " + host + ".t (id bigint PRIMARY KEY, mail text, ok boolean);"
        + "INSERT INTO " + host + ".t VALUES (2, 'a@x.org', true), (10, 'b@x.org', true), (100, 'c@x.org', false)");
    AppConfig.Host config = new AppConfig.Host(host, "t", new AppConfig.HostColumns("id", "mail", "ok", null), Map.of(),
        AppConfig.Capture.POLL, AppConfig.Write.NONE);
    HostTable table = HostSetup.prepare(target, config);
    var pool = TestDatabase.pool(vertx, target);
    // One row per page: as text, '2' < '10' would never be followed by 10 and 100.
    assertEquals(3, await(new HostPoll(pool, table, clock, INTERVAL, 1).scan()));
    assertEquals(3, await(new HostSync(pool, table, null, 2).pull()));
    assertEquals(0, await(new HostPoll(pool, table, clock, INTERVAL, 1).scan()), "nothing changed since");
    await(pool.close());
  }

  private Row hostRow(String schema, String email) {
    return one("SELECT verified, unverify_reason::text FROM " + schema + ".user_emails WHERE email = '" + email + "'");
  }

  private List<String> hostReasons(String schema) {
    List<String> out = new ArrayList<>();
    d.query("SELECT unverify_reason::text FROM " + schema + ".user_emails ORDER BY id").forEach(r -> out.add(String.valueOf(r.getString(0))));
    return out;
  }

  private List<String> watched() {
    List<String> out = new ArrayList<>();
    d.query("SELECT e.address, dm.name FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id "
        + "JOIN domains dm ON dm.id = w.domain_id ORDER BY e.address").forEach(r -> out.add(r.getString(0) + ":" + r.getString(1)));
    return out;
  }

  /** Each host row's id and xmin: any write to a row, even one changing nothing, gives it a new xmin. */
  private List<String> versions(Vertx vertx, DbTarget admin, String host) {
    List<String> out = new ArrayList<>();
    var pool = TestDatabase.pool(vertx, admin);
    try {
      await(pool.query("SELECT id, xmin::text FROM " + host + ".user_emails ORDER BY id").execute())
          .forEach(r -> out.add(r.getInteger(0) + "@" + r.getString(1)));
    } finally {
      await(pool.close());
    }
    return out;
  }
}
