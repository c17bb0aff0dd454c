package org.domainguard.check;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.domainguard.sim.Simulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class DomainrProviderTest {
  private static final String CLIENT_ID = "dc-very-secret-987654";

  private Vertx vertx;
  private WebClient client;
  private Simulator sim;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    sim = await(Simulator.start(vertx, new AppConfig.Simulator(0, Duration.ZERO, 0, 0, 0, 0, 1, 42)));
  }

  private ProviderAnswer ask(String baseUrl, String domain) {
    return await(new DomainrProvider(client, baseUrl, Secret.of(CLIENT_ID), Duration.ofSeconds(5), Clock.systemUTC()).status(domain));
  }

  private void override(String domain, JsonObject body) {
    assertEquals(204, await(client.putAbs(sim.baseUrl() + "/_sim/domains/" + domain).sendJsonObject(body)).statusCode());
  }

  /** A stand-in Domainr answering every request with {@code body}, recording the client_id it got. */
  private String answering(String body, List<String> clientIds) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      clientIds.add(req.getParam("client_id"));
      req.response().end(body);
    }).listen(0, "127.0.0.1"));
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static ProviderAnswer.Failure failure(ProviderAnswer answer, Outcome expected) {
    ProviderAnswer.Failure failure = assertInstanceOf(ProviderAnswer.Failure.class, answer);
    assertEquals(expected, failure.outcome(), failure.detail());
    assertFalse(failure.detail().contains(CLIENT_ID), failure.detail());
    return failure;
  }

  @Test
  void readsTheStatusOfTheLegacyFormat() {
    override("acmecoffee.shop", new JsonObject().put("status", "undelegated inactive"));
    assertEquals(new ProviderAnswer.Statuses(List.of("undelegated", "inactive")), ask(sim.baseUrl(), "acmecoffee.shop"));
  }

  @Test
  void picksTheEntryForTheAskedDomainAndSendsTheClientId() {
    List<String> clientIds = new CopyOnWriteArrayList<>();
    String base = answering("{\"status\":[{\"domain\":\"other.com\",\"status\":\"active\"},"
        + "{\"domain\":\"Wanted.com\",\"status\":\"undelegated deleting\"}]}", clientIds);

    assertEquals(new ProviderAnswer.Statuses(List.of("undelegated", "deleting")), ask(base, "wanted.com"));
    assertEquals(List.of(CLIENT_ID), clientIds);
  }

  @Test
  void errorsBesideAnEmptyStatusListIsAFailure() {
    override("example.ocm", new JsonObject().put("fail", "errors_body"));
    failure(ask(sim.baseUrl(), "example.ocm"), Outcome.ERROR);
  }

  @Test
  void emptyOrBrokenStatusListIsMalformed() {
    for (String body : List.of("{\"status\":[]}", "{\"status\":\"active\"}", "{\"status\":[1,2]}", "{\"status\":[{\"domain\":\"x.com\"}]}")) {
      failure(ask(answering(body, new CopyOnWriteArrayList<>()), "x.com"), Outcome.MALFORMED);
    }
  }

  @Test
  void unavailableIsErrorWithoutTheClientId() {
    override("down.com", new JsonObject().put("fail", "error"));
    assertEquals("HTTP 503", failure(ask(sim.baseUrl(), "down.com"), Outcome.ERROR).detail());
  }
}
