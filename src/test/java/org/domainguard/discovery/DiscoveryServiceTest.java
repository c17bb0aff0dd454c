package org.domainguard.discovery;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class DiscoveryServiceTest {
  private Pool pool;
  private DiscoveryService discovery;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.pool(vertx, TestDatabase.migratedSchema());
    discovery = new DiscoveryService(vertx, pool, 7);
  }

  private void insert(String... addresses) {
    List<Tuple> rows = new ArrayList<>();
    for (String a : addresses) {
      rows.add(Tuple.of("u-" + a, a));
    }
    await(pool.preparedQuery("INSERT INTO email_addresses(user_id, address, verified) VALUES ($1, $2, true)").executeBatch(rows));
  }

  private List<String> domains() {
    List<String> names = new ArrayList<>();
    await(pool.query("SELECT name FROM domains ORDER BY name").execute()).forEach(r -> names.add(r.getString(0)));
    return names;
  }

  private Map<String, String> skipReasons() {
    Map<String, String> m = new HashMap<>();
    await(pool.query("SELECT e.address, w.skip_reason FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id WHERE w.skip_reason IS NOT NULL").execute())
        .forEach(r -> m.put(r.getString(0), r.getString(1)));
    return m;
  }

  @Test
  void mapsTrickyAddressesToOneRowPerRegistrableDomain() {
    insert("a@example.com", "b@EXAMPLE.com", "c@mail.example.com", "d@x.y.example.com",
        "a@example.co.uk", "b@mail.eng.example.co.uk", "a@Bücher.DE", "b@mail.xn--bcher-kva.de",
        "a@gmail.com", "b@gmail.com", "c@GMAIL.COM", "a@foo.github.io",
        "nope", "a@[10.0.0.1]", "a@localhost", "a@co.uk", "a@exa mple.com", "a@" + "x".repeat(64) + ".com",
        "a@example.notlistedtld", "a@192.168.1.1", "@example.com", "a@", "a@bad_host.com",
        "x@sub.example.org", "y@example.org", "z@deep.sub.example.org", "q@example.net", "a@例え.jp", "a@EXAMPLE.NET.", "b@example.com.au");

    assertEquals(30, await(discovery.discover()));

    assertEquals(List.of("example.co.uk", "example.com", "example.com.au", "example.net", "example.notlistedtld",
        "example.org", "github.io", "gmail.com", "xn--bcher-kva.de", "xn--r8jz45g.jp"), domains());
    Map<String, String> skipped = skipReasons();
    assertEquals(10, skipped.size(), skipped::toString);
    assertEquals("invalid: no '@' in address", skipped.get("nope"));
    assertEquals("unsupported: IP literal host", skipped.get("a@[10.0.0.1]"));
    assertEquals("unsupported: localhost", skipped.get("a@localhost"));
    assertEquals("unsupported: host is a public suffix", skipped.get("a@co.uk"));
    Row due = await(pool.query("SELECT count(*) FILTER (WHERE next_check_at <= now()), count(*) FROM domains").execute()).iterator().next();
    assertEquals(due.getLong(1), due.getLong(0), "new domains are due immediately");
    assertEquals(0L, await(pool.query("SELECT count(*) FROM address_changes").execute()).iterator().next().getLong(0));
  }

  @Test
  void picksUpOnlyWhatChangedSinceLastTime() {
    insert("a@example.com", "b@example.org");
    assertEquals(2, await(discovery.discover()));
    assertEquals(0, await(discovery.discover()), "nothing new, nothing rescanned");
    insert("c@example.net");
    assertEquals(1, await(discovery.discover()));
    assertEquals(List.of("example.com", "example.net", "example.org"), domains());
  }

  @Test
  void changedAddressMovesToItsNewDomain() {
    insert("a@example.com");
    await(discovery.discover());
    await(pool.query("UPDATE email_addresses SET address = 'a@example.org'").execute());
    await(discovery.discover());
    Row row = await(pool.query("SELECT d.name FROM watched_addresses w JOIN domains d ON d.id = w.domain_id").execute()).iterator().next();
    assertEquals("example.org", row.getString(0));
  }

  @Test
  void reverifiedAddressMakesItsDomainDueAgain() {
    insert("a@example.com");
    await(discovery.discover());
    await(pool.query("UPDATE domains SET next_check_at = now() + interval '30 days'").execute());
    await(pool.query("UPDATE email_addresses SET verified = false").execute());
    await(pool.query("UPDATE email_addresses SET verified = true").execute());
    await(discovery.discover());
    Row row = await(pool.query("SELECT next_check_at <= now() FROM domains").execute()).iterator().next();
    assertTrue(row.getBoolean(0));
  }

  @Test
  void deletedAddressBeforeDiscoveryIsIgnored() {
    insert("a@example.com", "b@example.org");
    await(pool.query("DELETE FROM email_addresses WHERE address = 'a@example.com'").execute());
    await(discovery.discover());
    assertEquals(List.of("example.org"), domains());
  }

  @Test
  void hostileRowsAreSkippedNotFatal() {
    await(pool.query("INSERT INTO email_addresses(user_id, address, verified) VALUES (NULL, NULL, true), ('u', repeat('a', 10000) || '@example.com', true), ('u', E'a\\x01b@example.com', true), ('u', 'ok@example.com', true)").execute());
    assertEquals(4, await(discovery.discover()));
    assertEquals(List.of("example.com"), domains());
    Map<String, String> skipped = skipReasons();
    assertEquals(3, skipped.size());
    assertEquals("invalid: missing address", skipped.get(null));
    assertTrue(skipped.containsValue("invalid: address longer than 320 characters"));
    assertTrue(skipped.containsValue("invalid: address contains spaces or control characters"));
  }
}
