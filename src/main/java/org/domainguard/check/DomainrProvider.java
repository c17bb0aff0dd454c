package org.domainguard.check;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.config.Secret;

/**
 * Legacy Domainr v2 status: {@code GET {base}/v2/status?domain=D&client_id=K}; the body is
 * {@code {"status":[{domain, zone, status, summary}]}}. The deprecated {@code summary} is ignored.
 */
public final class DomainrProvider implements StatusProvider {
  static final String PATH = "/v2/status";

  private final WebClient client;
  private final String url;
  private final Secret clientId;
  private final long timeoutMillis;
  private final Clock clock;

  /** {@code clock} reads a Retry-After given as a date. */
  public DomainrProvider(WebClient client, String baseUrl, Secret clientId, Duration responseTimeout, Clock clock) {
    this.client = client;
    this.url = baseUrl + PATH;
    this.clientId = clientId;
    this.timeoutMillis = responseTimeout.toMillis();
    this.clock = clock;
  }

  @Override
  public String name() {
    return "domainr";
  }

  @Override
  public Future<ProviderAnswer> status(String domain) {
    return ProviderHttp.send(
        client.getAbs(url)
            .addQueryParam("domain", domain)
            .addQueryParam("client_id", clientId.reveal())
            .putHeader("Accept", "application/json")
            .timeout(timeoutMillis),
        body -> statusOf(domain, body), clock);
  }

  /** The entry for {@code domain} when several are listed, else the first one. */
  private static ProviderAnswer statusOf(String domain, JsonObject body) {
    if (!(body.getValue("status") instanceof JsonArray entries) || entries.isEmpty()) {
      return ProviderHttp.malformed("no status entries in body");
    }
    JsonObject chosen = null;
    for (Object entry : entries) {
      if (entry instanceof JsonObject e) {
        if (chosen == null) {
          chosen = e;
        }
        if (domain.equalsIgnoreCase(e.getString("domain", ""))) {
          chosen = e;
          break;
        }
      }
    }
    return chosen == null ? ProviderHttp.malformed("status entries are not objects") : ProviderHttp.statuses(chosen.getValue("status"));
  }
}
