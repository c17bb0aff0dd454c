package org.domainguard.db;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Set;
import org.domainguard.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class SchemaTest {
  private DbTarget target;
  private Pool pool;

  @BeforeEach
  void migrate(Vertx vertx) {
    target = TestDatabase.emptySchema();
    assertTrue(Migrations.migrate(target) >= 1, "migrations ran from an empty schema");
    pool = TestDatabase.pool(vertx, target);
  }

  private Row one(String sql) {
    return await(pool.query(sql).execute()).iterator().next();
  }

  @Test
  void migrationsCreateEveryTableOfTheContract() {
    Set<String> tables = new HashSet<>();
    await(pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").execute())
        .forEach(r -> tables.add(r.getString(0)));
    assertTrue(tables.containsAll(Set.of("email_addresses", "domains", "domain_checks", "verification_events", "sweeps")), tables::toString);
  }

  @Test
  void migratingTwiceAppliesNothingNew() {
    assertEquals(0, Migrations.migrate(target));
  }

  @Test
  void plainHostInsertWorksAndIsQueuedForDiscovery() {
    await(pool.query("INSERT INTO email_addresses(user_id, address, verified) VALUES ('u1', 'a@example.com', true)").execute());
    Row row = one("SELECT verified, verified_at, unverify_reason FROM email_addresses");
    assertTrue(row.getBoolean("verified"));
    assertNotNull(row.getOffsetDateTime("verified_at"), "trigger stamps verified_at on a verified insert");
    assertNull(row.getString("unverify_reason"));
    assertEquals(1L, one("SELECT count(*) FROM address_changes").getLong(0));
  }

  @Test
  void reverifyingMovesVerifiedAtAndQueuesAFreshCheck() {
    await(pool.query("INSERT INTO email_addresses(user_id, address, verified, verified_at) VALUES ('u1', 'a@example.com', true, now() - interval '1 day')").execute());
    OffsetDateTime first = one("SELECT verified_at FROM email_addresses").getOffsetDateTime(0);
    await(pool.query("DELETE FROM address_changes").execute());

    await(pool.query("UPDATE email_addresses SET verified = false, unverify_reason = 'domain_redemption'").execute());
    assertEquals(0L, one("SELECT count(*) FROM address_changes").getLong(0), "unverifying is not a change to discover");
    assertEquals(first, one("SELECT verified_at FROM email_addresses").getOffsetDateTime(0));

    await(pool.query("UPDATE email_addresses SET verified = true").execute());
    OffsetDateTime second = one("SELECT verified_at FROM email_addresses").getOffsetDateTime(0);
    assertTrue(second.isAfter(first), "verified_at moves on re-verification");
    assertTrue(one("SELECT bool_and(reverified) FROM address_changes").getBoolean(0));
  }

  @Test
  void changingOtherColumnsQueuesNothing() {
    await(pool.query("INSERT INTO email_addresses(user_id, address, verified) VALUES ('u1', 'a@example.com', true)").execute());
    await(pool.query("DELETE FROM address_changes").execute());
    await(pool.query("UPDATE email_addresses SET user_id = 'u2'").execute());
    assertEquals(0L, one("SELECT count(*) FROM address_changes").getLong(0));
    await(pool.query("UPDATE email_addresses SET address = 'b@example.org'").execute());
    Row queued = one("SELECT count(*), bool_or(reverified) FROM address_changes");
    assertEquals(1L, queued.getLong(0));
    assertFalse(queued.getBoolean(1));
  }

  @Test
  void upgradingGivesExistingDomainsTheirEarliestVerificationAsTheirBound(Vertx vertx) {
    DbTarget old = TestDatabase.emptySchema();
    Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password()).schemas(old.schema()).defaultSchema(old.schema())
        .createSchemas(true).locations("classpath:db/migration").target("11").load().migrate();
    TestDatabase.jdbc(old, """
        INSERT INTO email_addresses (id, address, verified, verified_at) VALUES
            (1, 'a@one.com', true, '2020-01-01Z'), (2, 'b@one.com', true, '2024-01-01Z'), (3, 'c@one.com', false, '2001-01-01Z'),
            (4, 'd@none.com', false, '2019-01-01Z');
        INSERT INTO domains (id, name) VALUES (1, 'one.com'), (2, 'none.com');
        INSERT INTO watched_addresses (email_id, normalized, domain_id) VALUES
            (1, 'a@one.com', 1), (2, 'b@one.com', 1), (3, 'c@one.com', 1), (4, 'd@none.com', 2)""");

    assertTrue(Migrations.migrate(old) >= 1, "the later migrations ran");
    Pool upgraded = TestDatabase.pool(vertx, old);
    Row bounds = await(upgraded.query("""
        SELECT (SELECT verified_since FROM domains WHERE name = 'one.com') = '2020-01-01Z',
               (SELECT verified_since FROM domains WHERE name = 'none.com') = 'infinity'""").execute()).iterator().next();
    assertTrue(bounds.getBoolean(0), "the earliest verified address; an unverified one counts for nothing");
    assertTrue(bounds.getBoolean(1), "no verified address: nothing to unverify");
  }
}
