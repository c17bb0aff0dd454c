package org.domainguard.check;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.config.Secret;

/**
 * Fastly Domain Research status: {@code GET {base}/domain-management/v1/tools/status?domain=D}
 * with {@code Fastly-Key}; the body is one object whose {@code status} holds the tokens. Also
 * used, under the name "simulator", against the built-in simulator.
 *
 * <p>The request timeout bounds both the wait for a pooled connection and each wait for response
 * data; a status answer is one small body, so in practice it bounds the whole call.
 */
public final class FastlyProvider implements StatusProvider {
  static final String PATH = "/domain-management/v1/tools/status";

  private final WebClient client;
  private final String name;
  private final String url;
  private final Secret apiKey;
  private final long timeoutMillis;
  private final Clock clock;

  /** {@code clock} reads a Retry-After given as a date. */
  public FastlyProvider(WebClient client, String name, String baseUrl, Secret apiKey, Duration responseTimeout, Clock clock) {
    this.client = client;
    this.name = name;
    this.url = baseUrl + PATH;
    this.apiKey = apiKey;
    this.timeoutMillis = responseTimeout.toMillis();
    this.clock = clock;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Future<ProviderAnswer> status(String domain) {
    return ProviderHttp.send(
        client.getAbs(url)
            .addQueryParam("domain", domain)
            .putHeader("Fastly-Key", apiKey.reveal())
            .putHeader("Accept", "application/json")
            .timeout(timeoutMillis),
        body -> ProviderHttp.statuses(body.getValue("status")), clock);
  }
}
