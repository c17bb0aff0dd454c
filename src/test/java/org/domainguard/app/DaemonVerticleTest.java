package org.domainguard.app;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigLoader;
import org.domainguard.db.DbTarget;
import org.domainguard.sim.Simulator;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class DaemonVerticleTest {
  private DbTarget target;
  private Simulator simulator;
  private DaemonVerticle daemon;
  private String deployment;
  private WebClient client;
  private Pool pool;
  @TempDir Path dir;

  @BeforeEach
  void start(Vertx vertx) throws IOException {
    target = TestDatabase.emptySchema();
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, "provider:\n  name: simulator\n  simulator:\n    allow-external-db: true\n"
        + "schedule:\n  discovery-interval: 100ms\nhttp:\n  admin:\n    insecure: true\n");
    AppConfig config = await(ConfigLoader.load(vertx, file, true, Map.of(
        "DOMAINGUARD_DB_URL", TestDatabase.url(target),
        "DOMAINGUARD_DB_SCHEMA", target.schema(),
        "DOMAINGUARD_HTTP_PORT", "0",
        "DOMAINGUARD_PSL_URL", "bundled")));
    simulator = await(Simulator.start(vertx, config.provider().simulator()));
    daemon = new DaemonVerticle(config, VertxRuntime.newRegistry(), Clock.systemUTC(), simulator.baseUrl());
    deployment = await(vertx.deployVerticle(daemon));
    client = WebClient.create(vertx);
    pool = TestDatabase.pool(vertx, target);
  }

  @AfterEach
  void stop(Vertx vertx) {
    await(vertx.undeploy(deployment));
    await(simulator.close());
  }

  private int get(String path) {
    return await(client.get(daemon.httpPort(), "127.0.0.1", path).send()).statusCode();
  }

  @Test
  void liveAndReadyAnswerOnceMigrated() {
    assertEquals(200, get("/health/live"));
    assertEquals(200, get("/health/ready"));
  }

  @Test
  void notReadyWhenTheSchemaIsNotMigrated() {
    TestDatabase.jdbc(target, "DROP TABLE flyway_schema_history");
    assertEquals(503, get("/health/ready"));
    assertEquals(200, get("/health/live"));
  }

  @Test
  void insertedAddressesBecomeWatchedDomainsWithinTheDiscoveryInterval() throws InterruptedException {
    TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u1', 'a@mail.example.co.uk', true), ('u2', 'not-an-address', true)");
    long deadline = System.currentTimeMillis() + 10_000;
    long watched = 0;
    while (System.currentTimeMillis() < deadline && watched < 2) {
      Thread.sleep(100);
      watched = await(pool.query("SELECT count(*) FROM watched_addresses").execute()).iterator().next().getLong(0);
    }
    assertEquals(2, watched);
    assertEquals("example.co.uk", await(pool.query("SELECT name FROM domains").execute()).iterator().next().getString(0));
    assertEquals("invalid: no '@' in address",
        await(pool.query("SELECT skip_reason FROM watched_addresses WHERE skip_reason IS NOT NULL").execute()).iterator().next().getString(0));
  }
}
