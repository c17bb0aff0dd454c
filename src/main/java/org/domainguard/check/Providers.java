package org.domainguard.check;

import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import org.domainguard.check.rdap.RdapProvider;
import org.domainguard.check.rdap.RdapServers;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.domainguard.fleet.LimitShares;
import org.domainguard.metrics.Metrics;

/** Builds the shared HTTP client and the configured {@link StatusProvider}. */
public final class Providers {
  /** The simulator does not check keys; a non-empty one keeps the request shaped like the real thing. */
  private static final Secret SIMULATOR_KEY = Secret.of("simulator");

  private Providers() {}

  /**
   * One keep-alive client for all provider calls. The pool holds about as many connections as
   * calls may be in flight, with a wait queue of the same bound instead of Vert.x's unbounded
   * default. Redirects are not followed, so a credential header is never replayed to another host.
   */
  public static WebClient webClient(Vertx vertx, AppConfig.Provider cfg) {
    WebClientOptions options = new WebClientOptions()
        .setUserAgent("domain-guard")
        .setKeepAlive(true)
        .setFollowRedirects(false)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()));
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(cfg.maxInFlight())
        .setMaxWaitQueueSize(cfg.maxInFlight());
    return WebClient.create(vertx, options, pool);
  }

  /**
   * The configured provider with its own HTTP client: {@link #create(WebClient, AppConfig.Provider, String, Clock)}
   * for fastly, domainr and the simulator; for rdap a client that follows redirects and the server
   * lists, whose bootstrap starts loading now.
   */
  public static StatusProvider create(Vertx vertx, AppConfig config, String simulatorBaseUrl, Clock clock, Metrics metrics,
      LimitShares shares) {
    AppConfig.Provider p = config.provider();
    if (!p.name().equals("rdap")) {
      return create(webClient(vertx, p), p, simulatorBaseUrl, clock);
    }
    WebClient client = rdapClient(vertx, p);
    RdapServers servers = new RdapServers(vertx, client, p.rdap());
    servers.start();
    return new RdapProvider(client, servers, p, config.breaker(), metrics, clock, System::nanoTime, shares);
  }

  /**
   * The RDAP client: no credentials are ever sent, so redirects are followed (at most 3, as
   * rdap.org-style redirectors need). Each server's pool holds its in-flight cap.
   */
  public static WebClient rdapClient(Vertx vertx, AppConfig.Provider cfg) {
    WebClientOptions options = new WebClientOptions()
        .setUserAgent("domain-guard")
        .setKeepAlive(true)
        .setFollowRedirects(true)
        .setMaxRedirects(3)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cfg.connectTimeout().toMillis()));
    PoolOptions pool = new PoolOptions()
        .setHttp1MaxSize(cfg.rdap().maxInFlightPerServer())
        .setMaxWaitQueueSize(cfg.maxInFlight());
    return WebClient.create(vertx, options, pool);
  }

  /**
   * {@code simulatorBaseUrl} is only read when {@code cfg.name()} is "simulator"; {@code clock}
   * reads a Retry-After given as a date.
   */
  public static StatusProvider create(WebClient client, AppConfig.Provider cfg, String simulatorBaseUrl, Clock clock) {
    return switch (cfg.name()) {
      case "fastly" -> new FastlyProvider(client, "fastly", cfg.fastlyBaseUrl(), cfg.fastlyApiKey(), cfg.responseTimeout(), clock);
      case "domainr" -> new DomainrProvider(client, cfg.domainrBaseUrl(), cfg.domainrClientId(), cfg.responseTimeout(), clock);
      case "simulator" -> new FastlyProvider(client, "simulator", requireUrl(simulatorBaseUrl), SIMULATOR_KEY, cfg.responseTimeout(), clock);
      case "rdap" -> throw new IllegalArgumentException("the rdap provider needs its server lists: use create(vertx, config, ...)");
      default -> throw new IllegalArgumentException("unknown provider '" + cfg.name() + "'");
    };
  }

  private static String requireUrl(String simulatorBaseUrl) {
    if (simulatorBaseUrl == null || simulatorBaseUrl.isEmpty()) {
      throw new IllegalArgumentException("provider simulator needs the simulator's base URL");
    }
    return simulatorBaseUrl;
  }
}
