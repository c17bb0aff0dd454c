package org.domainguard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * The ceiling the sweep is measured against: a plain WebClient loop against the same simulator
 * (its Fastly format, or with {@code --provider rdap} its RDAP servers),
 * with the same client options, pool and concurrency as the daemon's provider client, on one event
 * loop like the daemon, and nothing else — no token bucket, no parsing, no database. A warm-up
 * period runs first and is not counted.
 */
final class RawCeiling {
  private static final String PATH = "/domain-management/v1/tools/status";

  /** How the loop asks about one domain: the Fastly status call, or an RDAP lookup at the name's server. */
  interface Endpoint {
    HttpRequest<Buffer> request(WebClient client, String domain);
  }

  /** The simulator's Fastly-format status call at {@code baseUrl}. */
  static Endpoint fastly(String baseUrl) {
    return (client, domain) -> client.getAbs(baseUrl + PATH)
        .addQueryParam("domain", domain)
        .putHeader("Fastly-Key", "bench")
        .putHeader("Accept", "application/json");
  }

  /** RFC 9082 lookups at each name's server, as {@code bootstrap} assigns them. */
  static Endpoint rdap(RdapBootstrap bootstrap) {
    return (client, domain) -> {
      String url = bootstrap.lookupUrl(domain);
      if (url == null) {
        throw new IllegalArgumentException("no simulated RDAP server for " + domain);
      }
      return client.getAbs(url).putHeader("Accept", "application/rdap+json");
    };
  }

  private final Vertx vertx;
  private final WebClient client;
  private final Endpoint endpoint;
  private final int concurrency;
  private final long domains;
  private final LatencyHistogram latency = new LatencyHistogram();
  private final Promise<Result> result = Promise.promise();
  private long next;
  private long warmEnd;
  private long end;
  private long measured;
  private long errors;
  private int active;

  RawCeiling(Vertx vertx, WebClient client, Endpoint endpoint, int concurrency, long domains) {
    this.vertx = vertx;
    this.client = client;
    this.endpoint = endpoint;
    this.concurrency = concurrency;
    this.domains = Math.max(1, domains);
  }

  /** What the loop achieved in its measured window. */
  record Result(long calls, double seconds, double callsPerSecond, double p50Millis, double p99Millis, long errors) {}

  Future<Result> run(Duration warmUp, Duration measure) {
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      long now = System.nanoTime();
      warmEnd = now + warmUp.toNanos();
      end = warmEnd + measure.toNanos();
      active = concurrency;
      for (int i = 0; i < concurrency; i++) {
        call();
      }
    });
    return result.future();
  }

  private void call() {
    long start = System.nanoTime();
    if (start >= end) {
      if (--active == 0) {
        double seconds = (end - warmEnd) / 1e9;
        result.complete(new Result(measured, seconds, measured / seconds,
            latency.quantileMillis(0.50), latency.quantileMillis(0.99), errors));
      }
      return;
    }
    String domain = Population.tailDomain(next++ % domains);
    endpoint.request(client, domain)
        .timeout(10_000)
        .send()
        .onComplete(ar -> {
          long finished = System.nanoTime();
          if (finished > warmEnd && finished <= end) {
            measured++;
            latency.record(finished - start);
            // RDAP answers a released name with 404: an answer, not an error.
            if (ar.failed() || (ar.result().statusCode() != 200 && ar.result().statusCode() != 404)) {
              errors++;
            }
          }
          call();
        });
  }
}
