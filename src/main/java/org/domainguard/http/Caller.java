package org.domainguard.http;

import io.vertx.ext.web.RoutingContext;
import org.domainguard.config.AppConfig.Role;

/** Who made an admin request: the configured name of their token (never the token) and its role. */
public record Caller(String name, Role role, String client) {
  private static final String KEY = "domainguard.caller";

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /** The caller {@link AdminAuth} attached, or null when it attached none (no valid token). */
  static Caller ifAttached(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The caller {@link AdminAuth} attached; every /admin route runs after it. */
  public static Caller of(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    if (caller == null) {
      throw new IllegalStateException("admin route mounted without AdminAuth in front of it");
    }
    return caller;
  }
}
