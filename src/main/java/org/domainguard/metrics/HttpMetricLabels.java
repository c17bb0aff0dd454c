package org.domainguard.metrics;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.micrometer.Label;
import java.util.EnumSet;
import java.util.Set;

/**
 * The labels of Vert.x's own HTTP server metrics ({@code vertx_http_server_*}),
 * each with a bounded set of values: nothing a client sends becomes a label value, so made-up
 * methods, paths or Host headers cannot grow the registry.
 */
public final class HttpMetricLabels {
  /**
   * The status code and the route template ({@code /admin/v1/domains/:name}; empty when no route
   * matched), both chosen by the server. Never the raw path, the host or the remote address, and
   * not Vert.x's method label, which copies any token a client sends: see {@link #method}.
   */
  public static final Set<Label> LABELS = EnumSet.of(Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE);

  /** Any other method is counted as {@value #OTHER}. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT");
  static final String OTHER = "OTHER";

  private HttpMetricLabels() {}

  /** The {@code method} label: the request's method if it is a standard one, else {@value #OTHER}. */
  public static Iterable<Tag> method(HttpRequest request) {
    String name = request.method().name();
    return Tags.of(Label.HTTP_METHOD.toString(), METHODS.contains(name) ? name : OTHER);
  }
}
