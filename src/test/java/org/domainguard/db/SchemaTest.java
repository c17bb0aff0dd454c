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
}
