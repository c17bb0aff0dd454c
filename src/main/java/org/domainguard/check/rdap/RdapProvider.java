package org.domainguard.check.rdap;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.domainguard.check.HttpRetryAfter;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.check.StatusProvider;
import org.domainguard.config.AppConfig;
import org.domainguard.fleet.LimitShares;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RDAP domain lookups (RFC 9082/9083) at each name's own registry server. Every server (by host)
 * has its own {@link ServerLimiter}: its 429s pause it alone and its failures trip its breaker
 * alone. A call is only made when the server can take it; otherwise the answer is a
 * {@link Outcome#RATE_LIMITED} failure carrying how long to wait, made without any call, so the
 * caller can check names on other servers meanwhile ({@link #notBefore} lets it ask first).
 */
public final class RdapProvider implements StatusProvider {
  private static final Logger log = LoggerFactory.getLogger(RdapProvider.class);
  /** The detail of an answer made without a call because the server could not take one. */
  public static final String SERVER_BUSY = "server busy";

  private final WebClient client;
  private final RdapServers servers;
  private final AppConfig.Provider config;
  private final AppConfig.Breaker breakerConfig;
  private final Metrics metrics;
  private final Clock clock;
  private final LongSupplier nanoClock;
  private final Map<String, ServerLimiter> limiters = new ConcurrentHashMap<>();
  private final LimitShares shares;

  public RdapProvider(WebClient client, RdapServers servers, AppConfig.Provider config, AppConfig.Breaker breaker,
      Metrics metrics, Clock clock, LongSupplier nanoClock) {
    this(client, servers, config, breaker, metrics, clock, nanoClock, LimitShares.ALONE);
  }

  /** {@code shares}: where each server's bucket gets its share of that server's limit (every daemon on the database shares it). */
  public RdapProvider(WebClient client, RdapServers servers, AppConfig.Provider config, AppConfig.Breaker breaker,
      Metrics metrics, Clock clock, LongSupplier nanoClock, LimitShares shares) {
    this.shares = shares;
    this.client = client;
    this.servers = servers;
    this.config = config;
    this.breakerConfig = breaker;
    this.metrics = metrics;
    this.clock = clock;
    this.nanoClock = nanoClock;
  }

  @Override
  public String name() {
    return "rdap";
  }

  @Override
  public boolean limitsEachServer() {
    return true;
  }

  public RdapServers servers() {
    return servers;
  }

  @Override
  public long notBefore(String domain) {
    RdapServers.Server server = servers.find(domain);
    if (server == null) {
      return 0;
    }
    ServerLimiter limiter = limiter(server.host());
    long wait = limiter.waitNanos();
    if (wait > 0) {
      metrics.rdapWaited(limiter.host(), wait);
    }
    return wait;
  }

  @Override
  public Future<ProviderAnswer> status(String domain) {
    return servers.start().compose(v -> {
      RdapServers.Server server = servers.find(domain);
      if (server == null) {
        String notice = "no RDAP server for ." + RdapServers.tld(domain);
        return Future.succeededFuture(ProviderAnswer.Statuses.of(List.of(),
            new RegistryRecord(null, 0, Phase.UNKNOWN, null, null, null, null, List.of(notice))));
      }
      ServerLimiter limiter = limiter(server.host());
      long wait = limiter.tryAcquire();
      if (wait > 0) {
        metrics.rdapWaited(limiter.host(), wait);
        return Future.succeededFuture(new ProviderAnswer.Failure(Outcome.RATE_LIMITED, SERVER_BUSY, Duration.ofNanos(wait)));
      }
      metrics.rdapWaited(limiter.host(), 0);
      return client.getAbs(server.base() + "domain/" + domain)
          .putHeader("Accept", "application/rdap+json")
          .timeout(config.responseTimeout().toMillis())
          .send()
          .transform(sent -> {
            ProviderAnswer answer;
            try {
              answer = sent.succeeded() ? answer(server, limiter, sent.result()) : ProviderAnswer.Failure.ofTransport(sent.cause());
            } catch (RuntimeException bug) {
              // A bug reading the answer fails the check loudly, but never keeps the server's slot.
              limiter.finished(Outcome.OK);
              throw bug;
            }
            Outcome outcome = answer instanceof ProviderAnswer.Failure f ? f.outcome() : Outcome.OK;
            limiter.finished(outcome);
            metrics.rdapCall(limiter.host(), outcome);
            return Future.succeededFuture(answer);
          });
    });
  }

  private ProviderAnswer answer(RdapServers.Server server, ServerLimiter limiter, HttpResponse<Buffer> response) {
    if (response.statusCode() == 429) {
      Duration pause = config.pauseFor(HttpRetryAfter.parse(response.getHeader("Retry-After"), clock.instant()));
      limiter.pauseFor(pause.toNanos());
      shares.paused(limiter.key(), pause);
      metrics.rdapRateLimited(limiter.host());
      log.debug("RDAP server rate limited server={} pauseMs={}", limiter.host(), pause.toMillis());
      return new ProviderAnswer.Failure(Outcome.RATE_LIMITED, "HTTP 429 from " + server.host(), pause);
    }
    return RdapAnswers.answer(server.base(), response.statusCode(), response.body(), clock.instant());
  }


  private ServerLimiter limiter(String host) {
    return limiters.computeIfAbsent(host, h -> {
      ServerLimiter l = new ServerLimiter(h, config.rdap().limitOf(h), config.rdap().maxInFlightPerServer(), breakerConfig, nanoClock);
      metrics.registerRdapServer(h, () -> l.circuitOpen() ? 1 : 0);
      shares.join(l);
      return l;
    });
  }

}
