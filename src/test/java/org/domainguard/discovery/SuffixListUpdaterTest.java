package org.domainguard.discovery;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refresh path against a real PostgreSQL: a file: list and a list served over HTTP on
 * 127.0.0.1, a failed fetch keeping the last good list, the 7-day schedule on a movable clock, and
 * a changed rule moving addresses to a new domain that is due at once.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class SuffixListUpdaterTest {
  private static final Duration WEEK = Duration.ofDays(7);
  /** After the bundled snapshot's date, so lists fetched "now" are newer. */
  private final MovableClock clock = new MovableClock(Instant.parse("2026-09-01T00:00:00Z"));
  private Vertx vertx;
  private Context loop;
  private DbTarget target;
  private Pool pool;
  private HttpServer server;
  @TempDir Path dir;
  private Path file;
  /** The discovery of the last updater started: it parses with that updater's list. */
  private DiscoveryService discovery;

  @BeforeEach
  void setUp(Vertx vertx) throws IOException {
    this.vertx = vertx;
    loop = vertx.getOrCreateContext();
    target = TestDatabase.migratedSchema();
    pool = TestDatabase.pool(vertx, target);
    file = dir.resolve("public_suffix_list.dat");
    Files.writeString(file, PublicSuffixList.bundledText());
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      await(server.close());
    }
  }

  /** Runs on one event loop, as the daemon does. */
  private <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(p));
    return await(p.future());
  }

  private SuffixListUpdater updater(String location) {
    AtomicReference<SuffixListUpdater> self = new AtomicReference<>();
    discovery = new DiscoveryService(vertx, pool, 3, () -> self.get().get());
    SuffixListUpdater u = new SuffixListUpdater(vertx, new SuffixListSource(vertx, location, clock),
        new SuffixListStore(vertx, pool), discovery, new AddressMover(vertx, pool, 3), WEEK, clock);
    self.set(u);
    onLoop(u::start);
    onLoop(u::applied);
    return u;
  }

  private String fileUrl() {
    return file.toUri().toString();
  }

  private void insertAndDiscover(String... addresses) {
    List<Tuple> rows = new ArrayList<>();
    for (String a : addresses) {
      rows.add(Tuple.of("u-" + a, a));
    }
    await(pool.preparedQuery("INSERT INTO email_addresses(user_id, address, verified) VALUES ($1, $2, true)").executeBatch(rows));
    DiscoveryService d = discovery != null ? discovery : new DiscoveryService(vertx, pool, 3);
    onLoop(d::discover);
  }

  /** address → its domain, or its skip reason. */
  private Map<String, String> watched() {
    Map<String, String> m = new HashMap<>();
    await(pool.query("SELECT e.address, COALESCE(d.name, w.skip_reason) FROM watched_addresses w "
        + "JOIN email_addresses e ON e.id = w.email_id LEFT JOIN domains d ON d.id = w.domain_id").execute())
        .forEach(r -> m.put(r.getString(0), r.getString(1)));
    return m;
  }

  private String schedule(String domain) {
    Row r = await(pool.preparedQuery("SELECT CASE WHEN next_check_at = 'infinity' THEN 'parked' "
        + "WHEN next_check_at <= now() THEN 'due' ELSE 'later' END FROM domains WHERE name = $1").execute(Tuple.of(domain))).iterator().next();
    return r.getString(0);
  }

  private long count(String sql) {
    return await(pool.query(sql).execute()).iterator().next().getLong(0);
  }

  private static String listWithShop() {
    return PublicSuffixListTest.withIcannRules("shop.example");
  }

  @Test
  void startsWithTheBundledSnapshotAndRecordsIt() {
    SuffixListUpdater u = updater(SuffixListSource.BUNDLED);
    assertEquals(PublicSuffixList.bundled().digest(), u.get().digest());
    assertEquals("bundled", await(pool.query("SELECT source FROM public_suffix_list").execute()).iterator().next().getString(0));
    assertFalse(onLoop(u::refreshIfDue), "the bundled list is never fetched");
  }

  @Test
  void aChangedRuleMovesAddressesToTheirNewDomainWhichIsDueAtOnce() throws IOException {
    SuffixListUpdater u = updater(fileUrl());
    insertAndDiscover("a@mail.shop.example", "b@shop.example", "c@other.example");
    assertEquals(Map.of("a@mail.shop.example", "shop.example", "b@shop.example", "shop.example", "c@other.example", "other.example"), watched());
    await(pool.query("UPDATE domains SET next_check_at = now() + interval '30 days', last_checked_at = now()").execute());

    Files.writeString(file, listWithShop());
    assertTrue(onLoop(u::refresh));

    assertEquals(Map.of("a@mail.shop.example", "mail.shop.example", "b@shop.example", "unsupported: host is a public suffix",
        "c@other.example", "other.example"), watched());
    assertEquals("due", schedule("mail.shop.example"), "the new domain is checked like any new domain");
    assertEquals("parked", schedule("shop.example"), "a domain left with no address is no longer checked");
    assertEquals("later", schedule("other.example"));
    assertEquals(2, count("SELECT count(*) FROM address_moves"));
    assertEquals(1, count("SELECT count(*) FROM address_moves m JOIN domains f ON f.id = m.from_domain_id "
        + "JOIN domains t ON t.id = m.to_domain_id WHERE f.name = 'shop.example' AND t.name = 'mail.shop.example'"));
    assertEquals(fileUrl(), await(pool.query("SELECT source FROM public_suffix_list").execute()).iterator().next().getString(0));

    // The list changes back: the addresses return and the parked domain is due again.
    Files.writeString(file, PublicSuffixList.bundledText());
    assertTrue(onLoop(u::refresh));
    assertEquals("shop.example", watched().get("b@shop.example"));
    assertEquals("due", schedule("shop.example"));
    assertEquals("parked", schedule("mail.shop.example"));
  }

  @Test
  void theDaemonChecksTheNewDomainInItsNextSweep() throws IOException {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of("DOMAINGUARD_PSL_URL", fileUrl()));
    try {
      d.insertVerified("a@mail.shop.example");
      d.sweep("due");
      assertEquals(1, d.count("SELECT count(*) FROM domain_checks c JOIN domains n ON n.id = c.domain_id WHERE n.name = 'shop.example'"));

      Files.writeString(file, listWithShop());
      assertTrue(d.call(() -> d.daemon.suffixes().refresh()));
      d.sweep("due");
      assertEquals(1, d.count("SELECT count(*) FROM domain_checks c JOIN domains n ON n.id = c.domain_id WHERE n.name = 'mail.shop.example'"));
      assertEquals(1, d.count("SELECT count(*) FROM domain_checks c JOIN domains n ON n.id = c.domain_id WHERE n.name = 'shop.example'"),
          "the domain left with no address is not checked again");
      d.sweep("all");
      assertEquals(1, d.count("SELECT count(*) FROM domain_checks c JOIN domains n ON n.id = c.domain_id WHERE n.name = 'shop.example'"),
          "not even by a sweep of all domains");
    } finally {
      d.stop();
    }
  }

  @Test
  void discoveryBringsBackAParkedDomain() {
    insertAndDiscover("a@example.com");
    await(pool.query("UPDATE domains SET next_check_at = 'infinity'").execute());
    insertAndDiscover("b@mail.example.com");
    assertEquals("due", schedule("example.com"));
  }

  @Test
  void aFailedFetchKeepsTheLastGoodList() throws IOException {
    SuffixListUpdater u = updater(fileUrl());
    Files.writeString(file, listWithShop());
    assertTrue(onLoop(u::refresh));
    String good = u.get().digest();

    Files.writeString(file, "<html>503 Service Unavailable</html>");
    assertFalse(onLoop(u::refresh));
    Files.writeString(file, PublicSuffixList.bundledText().substring(0, 50_000));
    assertFalse(onLoop(u::refresh), "a truncated body is refused");
    Files.delete(file);
    assertFalse(onLoop(u::refresh));
    assertEquals(good, u.get().digest());
    assertEquals("mail.shop.example", u.get().registrableDomain("x.mail.shop.example"));
  }

  @Test
  void fetchesOverHttpAndKeepsTheListWhenTheServerFails() {
    AtomicInteger status = new AtomicInteger(200);
    String body = listWithShop();
    server = await(vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(status.get()).end(status.get() == 200 ? body : "unavailable"))
        .listen(0, "127.0.0.1"));
    String url = "http://127.0.0.1:" + server.actualPort() + "/list/public_suffix_list.dat";
    SuffixListUpdater u = updater(url);
    insertAndDiscover("a@mail.shop.example");

    status.set(503);
    assertFalse(onLoop(u::refresh));
    assertEquals(PublicSuffixList.bundled().digest(), u.get().digest());

    status.set(200);
    assertTrue(onLoop(u::refresh));
    assertEquals("mail.shop.example", watched().get("a@mail.shop.example"));
    assertFalse(onLoop(u::refresh), "unchanged list: nothing to move");
  }

  @Test
  void refreshesOnlyWhenTheLastFetchIsARefreshIntervalOld() throws IOException {
    SuffixListUpdater u = updater(fileUrl());
    assertFalse(onLoop(u::refreshIfDue), "first fetch at start: same rules as the snapshot");
    Files.writeString(file, listWithShop());

    clock.advance(Duration.ofDays(6));
    assertFalse(onLoop(u::refreshIfDue));
    assertEquals(PublicSuffixList.bundled().digest(), u.get().digest(), "not fetched before 7 days");

    clock.advance(Duration.ofDays(1));
    assertTrue(onLoop(u::refreshIfDue));
    assertEquals("mail.shop.example", u.get().registrableDomain("x.mail.shop.example"));
  }

  @Test
  void aFailedFetchIsRetriedWithinAnHour() throws IOException {
    Files.delete(file);
    SuffixListUpdater u = updater(fileUrl());
    assertFalse(onLoop(u::refreshIfDue));
    Files.writeString(file, listWithShop());
    clock.advance(Duration.ofMinutes(59));
    assertFalse(onLoop(u::refreshIfDue));
    clock.advance(Duration.ofMinutes(1));
    assertTrue(onLoop(u::refreshIfDue));
  }

  @Test
  void aRestartUsesTheStoredListWhenItIsNewerThanTheSnapshot() throws IOException {
    SuffixListUpdater first = updater(fileUrl());
    Files.writeString(file, listWithShop());
    assertTrue(onLoop(first::refresh));
    insertAndDiscover("a@mail.shop.example");

    // Restarted without access to the source: the stored list serves, nothing moves back.
    SuffixListUpdater restarted = updater("http://127.0.0.1:9/unreachable");
    assertEquals(first.get().digest(), restarted.get().digest());
    assertEquals("mail.shop.example", watched().get("a@mail.shop.example"));
    assertFalse(onLoop(restarted::refresh));
    assertEquals(first.get().digest(), restarted.get().digest());
  }

  @Test
  void aNewerSnapshotAtUpgradeMovesAddressesFollowingAnOlderStoredList() {
    // A database whose addresses followed a list dated before the bundled snapshot.
    String older = listWithShop();
    PublicSuffixList olderList = PublicSuffixList.parse(older, Instant.parse("2026-01-01T00:00:00Z"));
    await(new SuffixListStore(vertx, pool).save(olderList, older, "bundled", null));
    insertAndDiscover("a@mail.shop.example");
    await(pool.query("UPDATE watched_addresses SET domain_id = NULL, skip_reason = 'invalid: from an older release'").execute());

    SuffixListUpdater u = updater(SuffixListSource.BUNDLED);
    assertEquals(PublicSuffixList.bundled().digest(), u.get().digest());
    assertEquals("shop.example", watched().get("a@mail.shop.example"));
    assertNull(await(pool.query("SELECT skip_reason FROM watched_addresses").execute()).iterator().next().getString(0));
  }
}
