package org.domainguard.check.rdap;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.domainguard.config.AppConfig;
import org.domainguard.config.DataText;
import org.domainguard.config.Urls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the RDAP server of a name: the longest TLD (or suffix) match in the overrides, then in the
 * IANA bootstrap, then in the {@link BuiltInServers built-in list}. The bootstrap is the bundled
 * snapshot until a fetch of {@code provider.rdap.bootstrap-url} succeeds, and stays the last good one
 * whenever a fetch fails; it is fetched at start and every {@code bootstrap-refresh}.
 */
public final class RdapServers {
  /** IANA's file is about 100 KB: anything far larger is not a bootstrap, and is not held in memory. */
  static final int MAX_BYTES = 4 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(RdapServers.class);
  static final String BUNDLED_RESOURCE = "/rdap/dns.json";
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);
  /** Far more bases than the lists hold; past it (a bootstrap changing every base at each refresh) hosts are parsed each time. */
  private static final int MAX_HOSTS_KEPT = 10_000;

  /** Where a name's lookups go: {@code host} (with its port when given) is the server's identity for limits and metrics. */
  public record Server(String suffix, String base, String host, String source) {}

  private final Vertx vertx;
  private final WebClient client;
  private final AppConfig.Rdap config;
  private final Set<String> warnedPlainHttp = ConcurrentHashMap.newKeySet();
  /** Each base's host, parsed once: the lists name a few hundred bases, and every check asks. */
  private final Map<String, String> hosts = new ConcurrentHashMap<>();
  private volatile Map<String, String> bootstrap = Map.of();
  private volatile String bootstrapSource = "none";
  private Future<Void> bundled;
  private Future<Void> firstFetch;
  private long timer = -1;

  public RdapServers(Vertx vertx, WebClient client, AppConfig.Rdap config) {
    this.vertx = vertx;
    this.client = client;
    this.config = config;
  }

  /**
   * Loads the bundled snapshot (off the event loop), then starts fetching the configured bootstrap
   * now and every refresh. The returned future completes once the snapshot serves; a failed fetch
   * never fails it.
   */
  public synchronized Future<Void> start() {
    if (bundled != null) {
      return bundled;
    }
    // Reading and parsing happen on a worker; only the swap happens here.
    bundled = vertx.executeBlocking(() -> Map.copyOf(Bootstrap.parse(DataText.bundled(RdapServers.class, BUNDLED_RESOURCE)))).map(parsed -> {
      if (bootstrap.isEmpty()) {
        bootstrap = parsed;
        bootstrapSource = "bundled";
      }
      return null;
    });
    if (AppConfig.BUNDLED_BOOTSTRAP.equals(config.bootstrapUrl())) {
      firstFetch = bundled;
    } else {
      firstFetch = bundled.compose(v -> refresh()).otherwiseEmpty();
      timer = vertx.setPeriodic(config.bootstrapRefresh().toMillis(), id -> refresh());
    }
    return bundled;
  }

  /** Completes after the first fetch of the configured bootstrap has succeeded or failed: one-shot commands wait for it. */
  public synchronized Future<Void> ready() {
    return start().compose(v -> firstFetch);
  }

  public synchronized void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Fetches the configured bootstrap and, when it parses, serves it from now on; on failure the last good list stays. */
  public Future<Void> refresh() {
    String url = config.bootstrapUrl();
    return DataText.read(vertx, client, url, "application/json", MAX_BYTES, FETCH_TIMEOUT).compose(text -> vertx.executeBlocking(() -> Map.copyOf(Bootstrap.parse(text)), false)).map(parsed -> {
      bootstrap = parsed;
      bootstrapSource = url;
      log.info("RDAP bootstrap loaded url={} tlds={}", Urls.redact(url), bootstrap.size());
      return (Void) null;
    }).onFailure(e -> log.warn("RDAP bootstrap not refreshed, keeping the last good one url={} serving={} reason={}",
        Urls.redact(url), Urls.redact(bootstrapSource), e.toString()));
  }

  /** What the bootstrap currently is: bundled or the URL it was last fetched from. */
  public String bootstrapSource() {
    return bootstrapSource;
  }

  /** The server of {@code domain} (an A-label name), or null when no list has one. */
  public Server find(String domain) {
    String name = domain.toLowerCase(Locale.ROOT);
    Server s = longestMatch(name, config.servers(), "override");
    if (s == null) {
      s = longestMatch(name, bootstrap, "bootstrap");
    }
    if (s == null) {
      s = longestMatch(name, BuiltInServers.SERVERS, "built-in");
    }
    if (s != null && s.base().startsWith("http://") && warnedPlainHttp.add(s.base())) {
      log.warn("RDAP server without TLS base={} suffix={} source={}", Urls.redact(s.base()), s.suffix(), s.source());
    }
    return s;
  }

  /** The name's last label: what a "no server" answer names. */
  public static String tld(String domain) {
    int dot = domain.lastIndexOf('.');
    return dot < 0 ? domain : domain.substring(dot + 1);
  }

  /** Longest suffix of {@code name} (its own labels less the first, longest first) listed in {@code servers}. */
  private Server longestMatch(String name, Map<String, String> servers, String source) {
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      String suffix = name.substring(dot + 1);
      String base = servers.get(suffix);
      if (base != null) {
        return new Server(suffix, base, host(base), source);
      }
    }
    return null;
  }

  private String host(String base) {
    String host = hosts.get(base);
    if (host == null) {
      host = parseHost(base);
      if (hosts.size() < MAX_HOSTS_KEPT) {
        hosts.put(base, host);
      }
    }
    return host;
  }

  private static String parseHost(String base) {
    URI uri = URI.create(base);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
  }

}
