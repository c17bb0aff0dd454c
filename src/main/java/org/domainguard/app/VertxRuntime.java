package org.domainguard.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.domainguard.metrics.HttpMetricLabels;

/**
 * A Vert.x instance whose own metrics (HTTP server, pools) and the JVM's land in one Prometheus
 * registry, with labels whose values the server chooses ({@link HttpMetricLabels}). Vert.x's HTTP and
 * TCP client metrics are off: provider calls are measured by the daemon's own per-provider and
 * per-server series, and Vert.x's looked their meters up on every request, about a tenth of a
 * sweep's CPU.
 */
public final class VertxRuntime {
  private VertxRuntime() {}

  /** A registry with the JVM and process metrics bound (memory, GC, threads, classes, CPU, uptime). */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  public static Vertx create(PrometheusMeterRegistry registry) {
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
            .setLabels(HttpMetricLabels.LABELS)
            .setServerRequestTagsProvider(HttpMetricLabels::method));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry)).build();
  }
}
