package org.domainguard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;

/**
 * The ceiling the sweep is measured against: a plain WebClient loop against the same simulator,
 * with the same client options, pool and concurrency as the daemon's provider client, on one event
 * loop like the daemon, and nothing else — no token bucket, no parsing, no database. A warm-up
 * period runs first and is not counted.
 */
final class RawCeiling {
  private static final String PATH = "/domain-management/v1/tools/status";

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
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

  RawCeiling(Vertx vertx, WebClient client, String baseUrl, int concurrency, long domains) {
    this.vertx = vertx;
    this.client = client;
    this.url = baseUrl + PATH;
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
    client.getAbs(url)
        .addQueryParam("domain", domain)
        .putHeader("Fastly-Key", "bench")
        .putHeader("Accept", "application/json")
        .timeout(10_000)
        .send()
        .onComplete(ar -> {
          long finished = System.nanoTime();
          if (finished > warmEnd && finished <= end) {
            measured++;
            latency.record(finished - start);
            if (ar.failed() || ar.result().statusCode() != 200) {
              errors++;
            }
          }
          call();
        });
  }
}
