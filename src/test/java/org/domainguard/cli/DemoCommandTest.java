package org.domainguard.cli;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(30)
class DemoCommandTest {
  @Test
  void demoServesItsTokenlessAdminApiOnLoopbackOnly(Vertx vertx) {
    AppConfig config = await(DemoCommand.config(vertx, Map.of("DOMAINGUARD_HTTP_PORT", "0"), new DbTarget("127.0.0.1", 5432, "postgres", "postgres", "postgres", "public")));
    assertTrue(config.http().admin().insecure(), "the demo's admin API takes no token");
    assertEquals("127.0.0.1", config.http().host(), "conf/config.yaml says 0.0.0.0; the demo must not");
  }
}
