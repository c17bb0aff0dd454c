package org.domainguard.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.AppConfig;
import org.domainguard.config.AppConfig.AdminToken;
import org.domainguard.config.AppConfig.Role;
import org.domainguard.config.Tokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer-token authentication for every /admin route: the presented token's SHA-256 is compared
 * with every configured digest in constant time, reads need a viewer, anything else an operator.
 * Failures are counted and, per client address, rate limited. The presented token is never kept,
 * logged or echoed.
 */
final class AdminAuth implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(AdminAuth.class);
  static final String FAILURES_METRIC = "domainguard_admin_auth_failures_total";
  private static final int MAX_FAILURES_PER_MINUTE = 10;
  private static final int MAX_TRACKED_CLIENTS = 10_000;
  private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final List<AdminToken> tokens;
  /** No tokens, and http.admin.insecure: every request is an operator named "insecure". */
  private final boolean insecure;
  private final AuthFailureLimiter limiter;
  /** By reason (missing, invalid, rate_limited); registered up front so alerts see zeros, not absent series. */
  private final Map<String, Counter> failures = new HashMap<>();

  private AdminAuth(List<AdminToken> tokens, boolean insecure, MeterRegistry registry, Clock clock) {
    this.tokens = tokens;
    this.insecure = insecure;
    this.limiter = new AuthFailureLimiter(clock, MAX_FAILURES_PER_MINUTE, MAX_TRACKED_CLIENTS);
    for (String reason : List.of("missing", "invalid", "rate_limited")) {
      failures.put(reason, Counter.builder(FAILURES_METRIC).tag("reason", reason)
          .description("Admin API requests refused for a missing or invalid token, or while rate limited").register(registry));
    }
  }

  /**
   * The daemon refuses to start with no token unless http.admin.insecure allows it
   * ({@link AppConfig.Admin#requireAuthentication}); should a caller skip that, no token means
   * every request is refused, never let through.
   */
  static AdminAuth create(AppConfig.Admin admin, MeterRegistry registry, Clock clock) {
    boolean insecure = admin.tokens().isEmpty() && admin.insecure();
    if (insecure) {
      log.warn("admin API is INSECURE: no token configured and http.admin.insecure is true; every request acts as operator name=insecure");
    } else if (admin.insecure()) {
      log.warn("http.admin.insecure is ignored because admin tokens are configured tokens={}", admin.tokens().size());
    }
    return new AdminAuth(admin.tokens(), insecure, registry, clock);
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = authenticate(ctx);
    // Attached before the role check, so a refused attempt is still audited under its token's name.
    caller.attach(ctx);
    authorise(ctx, caller);
    ctx.next();
  }

  /** Two Authorization headers are refused before either is looked at: which one would count is anyone's guess. */
  private Caller authenticate(RoutingContext ctx) {
    String header = Inputs.singleHeader(ctx.request(), "Authorization");
    String client = clientOf(ctx);
    if (insecure) {
      return new Caller("insecure", Role.OPERATOR, client);
    }
    String presented = bearer(header);
    AdminToken token = presented == null ? null : match(Tokens.sha256(presented));
    // Only failures are limited: a flood of bad attempts from elsewhere never locks out a valid token.
    if (token == null && limiter.blocked(client)) {
      countFailure("rate_limited");
      throw ApiException.tooManyRequests("too many failed authentications from this address; try again later", limiter.secondsLeft());
    }
    if (token == null) {
      limiter.failed(client);
      countFailure(presented == null ? "missing" : "invalid");
      log.warn("admin authentication failed client={} reason={}", client, presented == null ? "missing" : "invalid");
      throw ApiException.unauthorized(presented == null ? "missing bearer token" : "invalid bearer token");
    }
    return new Caller(token.name(), token.role(), client);
  }

  private static void authorise(RoutingContext ctx, Caller caller) {
    if (!READS.contains(ctx.request().method()) && caller.role() != Role.OPERATOR) {
      throw ApiException.forbidden("this action needs an operator token; token '" + caller.name() + "' is a viewer");
    }
  }

  /** Checks every configured digest, whatever matched before, so timing does not tell which token was close. */
  private AdminToken match(byte[] digest) {
    AdminToken found = null;
    for (AdminToken t : tokens) {
      if (MessageDigest.isEqual(t.sha256(), digest) && found == null) {
        found = t;
      }
    }
    return found;
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null when there is none. */
  private static String bearer(String header) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  private void countFailure(String reason) {
    failures.get(reason).increment();
  }

  private static String clientOf(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null || remote.host() == null ? "unknown" : remote.host();
  }
}
