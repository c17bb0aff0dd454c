package org.domainguard.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.web.Router;
import java.util.function.LongSupplier;

/**
 * {@code GET /metrics} in the Prometheus text format (0.0.4). The contract's gauge
 * {@code domainguard_sweep_domains_total} is written here by hand: the Prometheus client library
 * refuses a gauge whose name ends in {@code _total}, though the text format allows it.
 */
public final class MetricsRoute {
  private final PrometheusMeterRegistry registry;
  private final LongSupplier sweepTotal;

  public MetricsRoute(PrometheusMeterRegistry registry, LongSupplier sweepTotal) {
    this.registry = registry;
    this.sweepTotal = sweepTotal;
  }

  public void mount(Router router) {
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(registry.scrape()
            + "# HELP domainguard_sweep_domains_total Domains in the running (or last) sweep\n"
            + "# TYPE domainguard_sweep_domains_total gauge\n"
            + "domainguard_sweep_domains_total " + sweepTotal.getAsLong() + "\n"));
  }
}
