package org.domainguard.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** The whole daemon configuration, typed and validated once at start-up. */
public record AppConfig(
    Db db,
    Provider provider,
    Schedule schedule,
    Policy policy,
    Writer writer,
    Guard guard,
    Http http,
    MetricsSettings metrics,
    Breaker breaker,
    Discovery discovery,
    Host host,
    List<Webhook> webhooks,
    Fleet fleet) {

  public record Db(String url, String schema, int poolSize, Path embeddedDataDir) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  public record Provider(
      String name,
      double ratePerSecond,
      int burst,
      int maxInFlight,
      Duration connectTimeout,
      Duration responseTimeout,
      int retries,
      Duration retryBackoff,
      Duration defaultRetryAfter,
      Duration maxCheckWait,
      String fastlyBaseUrl,
      Secret fastlyApiKey,
      String domainrBaseUrl,
      Secret domainrClientId,
      Simulator simulator,
      boolean simulatorOnExternalDb,
      Rdap rdap) {

    /** Whether a status source was chosen: {@code run} never guesses one. */
    public boolean chosen() {
      return !name.isEmpty();
    }

    /**
     * How long a 429 pauses calls: what it asked ({@code default-retry-after} when it asked
     * nothing), but never more than a minute — a provider asking for a year (or a date in 9999) must
     * not stop checking until restart — nor longer than a fresh check may wait, or every check would
     * be deferred at once until the pause ends.
     */
    public Duration pauseFor(Duration asked) {
      Duration pause = asked == null ? defaultRetryAfter : asked;
      Duration cap = MAX_PAUSE.compareTo(maxCheckWait) < 0 ? MAX_PAUSE : maxCheckWait;
      return pause.compareTo(cap) > 0 ? cap : pause;
    }

    private static final Duration MAX_PAUSE = Duration.ofMinutes(1);

    /**
     * The longest one check may take, waits included: what a lease must outlast so that no other
     * daemon takes the domain over while its result is still to be written.
     */
    public Duration longestCheck() {
      Duration calls = connectTimeout.plus(responseTimeout).multipliedBy(retries + 1L);
      Duration backoffs = retryBackoff.multipliedBy((1L << retries) - 1);
      return maxCheckWait.plus(calls).plus(backoffs);
    }
  }

  /**
   * The {@code rdap} provider: where the IANA bootstrap comes from ({@code bundled} never fetches)
   * and how often, TLD overrides ({@code tld -> base URL}, ending in /), and the limits of each
   * server by host, with per-host exceptions.
   */
  public record Rdap(
      String bootstrapUrl,
      Duration bootstrapRefresh,
      java.util.Map<String, String> servers,
      double ratePerServer,
      int burstPerServer,
      int maxInFlightPerServer,
      java.util.Map<String, HostLimit> hosts) {

    public Rdap {
      servers = java.util.Map.copyOf(servers);
      hosts = java.util.Map.copyOf(hosts);
    }

    /** The limits of one server host: its own exception, or the per-server defaults. */
    public HostLimit limitOf(String host) {
      return hosts.getOrDefault(host, new HostLimit(ratePerServer, burstPerServer));
    }

    /** Defaults: the IANA bootstrap daily, no overrides, 5 calls a second and 4 in flight per server. */
    public static Rdap defaults() {
      return new Rdap("https://data.iana.org/rdap/dns.json", Duration.ofHours(24),
          java.util.Map.of(), 5, 5, 4, java.util.Map.of());
    }
  }

  /** Calls a second and burst of one RDAP server. */
  public record HostLimit(double ratePerSecond, int burst) {}

  /** {@code provider.rdap.bootstrap-url} value that never fetches: the bundled snapshot serves alone. */
  public static final String BUNDLED_BOOTSTRAP = "bundled";

  /** Fault and latency knobs of the built-in simulator; rates are fractions of requests (0 to 1). */
  public record Simulator(
      int port,
      Duration latency,
      double errorRate,
      double rateLimitRate,
      double timeoutRate,
      double malformedRate,
      int retryAfterSeconds,
      long seed,
      SimulatedRdap rdap) {

    /** No per-server RDAP faults: every simulated RDAP server has the knobs above. */
    public Simulator(int port, Duration latency, double errorRate, double rateLimitRate, double timeoutRate,
        double malformedRate, int retryAfterSeconds, long seed) {
      this(port, latency, errorRate, rateLimitRate, timeoutRate, malformedRate, retryAfterSeconds, seed,
          new SimulatedRdap(SimulatedRdap.DEFAULT_SERVERS, java.util.Map.of()));
    }

    /** The same simulator on another port. */
    public Simulator withPort(int newPort) {
      return new Simulator(newPort, latency, errorRate, rateLimitRate, timeoutRate, malformedRate, retryAfterSeconds, seed, rdap);
    }

    /** The fault knobs every simulated RDAP server starts with unless {@code rdap.faults} names it. */
    public SimulatedServerFaults faults() {
      return new SimulatedServerFaults(latency, errorRate, rateLimitRate, timeoutRate, malformedRate, retryAfterSeconds);
    }
  }

  /**
   * The simulator's RDAP servers ({@code provider.simulator.rdap}): how many ({@code srv0} ...), and
   * per server name the fault knobs that replace the simulator-wide ones for it.
   */
  public record SimulatedRdap(int servers, java.util.Map<String, SimulatedServerFaults> faults) {
    public static final int DEFAULT_SERVERS = 4;
    public static final int MAX_SERVERS = 16;

    public SimulatedRdap {
      faults = java.util.Map.copyOf(faults);
    }
  }

  /** One simulated server's latency and fault rates (fractions of its requests, summing to at most 1). */
  public record SimulatedServerFaults(
      Duration latency, double errorRate, double rateLimitRate, double timeoutRate, double malformedRate, int retryAfterSeconds) {}

  public record Schedule(
      Duration active,
      Duration grace,
      Duration critical,
      Duration retry,
      Duration retryMax,
      Duration discoveryInterval,
      Duration sweepInterval,
      Duration lease) {}

  /** The provider's circuit breaker (keys under provider.breaker). */
  public record Breaker(int windowCalls, int minCalls, double failureRatio, Duration coolDown) {}

  public record Policy(boolean strict) {}

  public record Writer(int batchSize, Duration maxDelay) {}

  public record Guard(int maxChanges, double maxChangeRatio) {}

  public record Http(String host, int port, Admin admin, Connections connections) {}

  /**
   * What one client can hold open on the API: a connection is closed after {@code idleTimeout}
   * with nothing sent either way, or when a request's headers are not complete {@code headerTimeout}
   * after the connection opened or its previous answer ended; past {@code max} open connections a
   * new one is closed at once.
   */
  public record Connections(Duration idleTimeout, Duration headerTimeout, int max) {}

  /**
   * Where the Public Suffix List is fetched from ({@code http(s)} or {@code file:} URL, or
   * {@code bundled} for the snapshot in the jar only) and how often.
   */
  public record Discovery(String publicSuffixList, Duration publicSuffixRefresh) {}

  /** The event types of SPEC §10, which a webhook's {@code events} may list. */
  public static final Set<String> EVENT_TYPES = Set.of(
      "domain.lapsing", "address.unverified", "domain.lapsed", "domain.reregistered", "change.held", "address.reverified");

  /**
   * A webhook endpoint (SPEC §10): where events are POSTed, the secret that signs them, the event
   * types it takes (null: all), how long a delivery is retried before it is dead ({@code max-age},
   * counted from the event), and how long one attempt may take. The URL identifies the endpoint
   * across restarts; it may carry credentials, so print it only through {@link Urls#redact}.
   */
  public record Webhook(String url, Secret secret, Set<String> events, Duration maxAge, Duration timeout) {
    /** At least this many bytes of key: a shorter HMAC key is guessable. */
    static final int MIN_KEY_BYTES = 16;

    /**
     * The HMAC-SHA256 key: a {@code whsec_<base64>} secret is the decoded bytes (the Standard
     * Webhooks form); any other secret is its UTF-8 bytes.
     */
    public byte[] signingKey() {
      String s = secret.reveal();
      if (s.startsWith("whsec_")) {
        return java.util.Base64.getDecoder().decode(s.substring("whsec_".length()));
      }
      return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** How often the per-phase domain counts are refreshed from the database. */
  public record MetricsSettings(Duration refreshInterval) {}

  /**
   * The host's own table of addresses (SPEC §9), watched instead of {@code email_addresses}; null
   * when the configuration has no {@code host} section. Every name is a checked SQL identifier.
   * {@code reasonValues} holds what to write to the reason column per reason string, the
   * {@code default} entry (if any) under {@link #DEFAULT_REASON}.
   */
  public record Host(String schema, String table, HostColumns columns, java.util.Map<String, String> reasonValues,
      Capture capture, Write write) {
    public static final String DEFAULT_REASON = "default";

    public Host {
      reasonValues = java.util.Map.copyOf(reasonValues);
    }

    /** The table as SQL: schema and name, each quoted. */
    public String sqlName() {
      return quoted(schema) + "." + quoted(table);
    }

    /** The table as operators write it, for messages. */
    public String displayName() {
      return schema + "." + table;
    }

    /** The value written to the reason column for {@code reason}: its own, the default, or the reason string itself. */
    public String reasonValue(String reason) {
      return reasonValues.getOrDefault(reason, reasonValues.getOrDefault(DEFAULT_REASON, reason));
    }

    /** A checked identifier in double quotes: exact case, never read as a keyword. */
    public static String quoted(String identifier) {
      return '"' + identifier + '"';
    }
  }

  /** The host table's columns; {@code reason} is null when it has none. */
  public record HostColumns(String id, String address, String verified, String reason) {}

  /** How domain-guard learns of the host's changes: triggers on its table, or a periodic scan. */
  public enum Capture { TRIGGER, POLL }

  /** Whether an unverification is also written to the host's row, or only recorded (and announced). */
  public enum Write { DIRECT, NONE }

  /**
   * Several daemons on one database: each heartbeats (and renews its rate-limit shares) every
   * {@code heartbeat}; one silent for {@code deadAfter} is dead and its leases are taken over; a
   * share not renewed for {@code grantTtl} is void, for its daemon and for the others.
   */
  public record Fleet(Duration heartbeat, Duration deadAfter, Duration grantTtl) {}

  public enum Role {
    VIEWER,
    OPERATOR
  }

  /** An admin bearer token, kept only as its SHA-256 digest. */
  public record AdminToken(String name, byte[] sha256, Role role) {}

  /** Admin tokens, insecure mode, and how many operator rechecks may wait or run at once. */
  public record Admin(List<AdminToken> tokens, boolean insecure, int maxPendingRechecks) {
    /**
     * The daemon serves the admin API only with a token, unless insecure mode is explicit.
     * Checked when serving starts, not when loading: migrate and check need no token.
     */
    public void requireAuthentication() {
      if (tokens.isEmpty() && !insecure) {
        throw new ConfigException("http.admin.token",
            "no admin token configured: set DOMAINGUARD_ADMIN_TOKEN or http.admin.tokens (or http.admin.insecure: true for a throw-away set-up)");
      }
    }
  }

  public static final Set<String> PROVIDERS = Set.of("fastly", "domainr", "rdap", "simulator");

  /** Builds and validates the configuration from the merged YAML + environment tree. */
  public static AppConfig from(JsonObject tree) {
    ConfigReader r = new ConfigReader(tree);
    AppConfig config = new AppConfig(db(r), provider(r), schedule(r), policy(r), writer(r), guard(r), http(r),
        new MetricsSettings(r.duration("metrics.refresh-interval", "15s")), breaker(r), discovery(r), host(r), webhooks(r), fleet(r));
    r.rejectUnknown();
    config.requireLeaseOutlastsChecks();
    return config;
  }

  /**
   * What acting on real addresses needs ({@code run}, {@code check}): a status source chosen on
   * purpose, and the simulator's made-up answers never applied to an external database by accident.
   */
  public void requireStatusSource() {
    requireProviderChosen();
    if (provider.name().equals("simulator") && !db.embedded() && !provider.simulatorOnExternalDb()) {
      throw new ConfigException("provider.simulator.allow-external-db",
          "the simulator's made-up answers would change addresses in the database at db.url; set it to true only for a test database");
    }
  }

  /** Commands that call a provider ({@code check}) need one named; nothing defaults to made-up answers. */
  public void requireProviderChosen() {
    if (!provider.chosen()) {
      throw new ConfigException("provider.name", "choose fastly, domainr, rdap or simulator (DOMAINGUARD_PROVIDER)");
    }
  }

  private void requireLeaseOutlastsChecks() {
    if (breaker.coolDown().compareTo(provider.maxCheckWait()) > 0) {
      // Otherwise every check would give up at once while the breaker is open, and be taken again at once.
      throw new ConfigException("provider.max-check-wait", "must be at least provider.breaker.cool-down ("
          + Durations.format(breaker.coolDown()) + "); got " + Durations.format(provider.maxCheckWait()));
    }
    Duration longest = provider.longestCheck().plus(writer.maxDelay());
    if (schedule.lease().compareTo(longest) < 0) {
      throw new ConfigException("schedule.lease", "must be at least " + Durations.format(longest)
          + ", the longest a check may take (provider.max-check-wait, plus (retries + 1) x (connect-timeout + response-timeout),"
          + " plus retry backoff, plus writer.max-delay); got " + Durations.format(schedule.lease()));
    }
  }

  private static Fleet fleet(ConfigReader r) {
    Duration heartbeat = r.duration("fleet.heartbeat", "1s");
    Duration deadAfter = r.duration("fleet.dead-after", "5s");
    Duration grantTtl = r.duration("fleet.grant-ttl", "3s");
    if (heartbeat.compareTo(Duration.ofMillis(100)) < 0) {
      throw new ConfigException("fleet.heartbeat", "must be at least 100ms; got " + Durations.format(heartbeat));
    }
    if (grantTtl.compareTo(heartbeat.multipliedBy(2)) < 0 || grantTtl.compareTo(Duration.ofSeconds(2)) < 0) {
      // A share must survive one late renewal, and outlast the second in which its last calls arrive.
      throw new ConfigException("fleet.grant-ttl", "must be at least twice fleet.heartbeat and at least 2s; got " + Durations.format(grantTtl));
    }
    if (deadAfter.compareTo(grantTtl) < 0) {
      // A daemon is declared dead only once its shares are void, so a live one never loses both.
      throw new ConfigException("fleet.dead-after", "must be at least fleet.grant-ttl (" + Durations.format(grantTtl)
          + "); got " + Durations.format(deadAfter));
    }
    return new Fleet(heartbeat, deadAfter, grantTtl);
  }

  private static Db db(ConfigReader r) {
    String url = r.string("db.url", "");
    if (!url.isEmpty()) {
      validateDbUrl(url);
    }
    String schema = r.string("db.schema", "public");
    if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new ConfigException("db.schema", "must be a lower-case SQL identifier, got '" + schema + "'");
    }
    return new Db(url, schema, r.integer("db.pool-size", 8, 1, 200), Path.of(r.string("db.embedded-data-dir", "data/pg")));
  }

  private static void validateDbUrl(String url) {
    try {
      URI uri = new URI(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
        throw new ConfigException("db.url", "expected postgresql://user:pass@host:port/db");
      }
      if (uri.getHost() == null) {
        throw new ConfigException("db.url", "has no host");
      }
      // The client's parser is stricter than java.net.URI, and its message would quote the password.
      io.vertx.pgclient.PgConnectOptions.fromUri(Urls.postgresql(url));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      // The URL may carry a password: name the key only.
      throw new ConfigException("db.url", "is not a valid URL");
    }
  }

  private static Provider provider(ConfigReader r) {
    String name = r.string("provider.name", "");
    if (!name.isEmpty()) {
      r.oneOf("provider.name", "", PROVIDERS);
    }
    Secret fastlyKey = Secret.of(r.string("provider.fastly.api-key", ""));
    Secret domainrClient = Secret.of(r.string("provider.domainr.client-id", ""));
    if (name.equals("fastly") && fastlyKey.isEmpty()) {
      throw new ConfigException("provider.fastly.api-key", "is required when provider.name is fastly (DOMAINGUARD_FASTLY_API_KEY)");
    }
    if (name.equals("domainr") && domainrClient.isEmpty()) {
      throw new ConfigException("provider.domainr.client-id", "is required when provider.name is domainr");
    }
    return new Provider(
        name,
        r.decimal("provider.rate-per-second", 20, 0.001, 1_000_000),
        r.integer("provider.burst", 20, 1, 1_000_000),
        r.integer("provider.max-in-flight", 32, 1, 10_000),
        r.duration("provider.connect-timeout", "5s"),
        r.duration("provider.response-timeout", "10s"),
        r.integer("provider.retries", 2, 0, 10),
        r.duration("provider.retry-backoff", "500ms"),
        r.duration("provider.default-retry-after", "30s"),
        r.duration("provider.max-check-wait", "2m"),
        httpUrl(r, "provider.fastly.base-url", "https://api.fastly.com"),
        fastlyKey,
        httpUrl(r, "provider.domainr.base-url", "https://api.domainr.com"),
        domainrClient,
        new Simulator(
            r.integer("provider.simulator.port", 0, 0, 65535),
            r.duration("provider.simulator.latency", "0ms"),
            r.decimal("provider.simulator.error-rate", 0, 0, 1),
            r.decimal("provider.simulator.rate-limit-rate", 0, 0, 1),
            r.decimal("provider.simulator.timeout-rate", 0, 0, 1),
            r.decimal("provider.simulator.malformed-rate", 0, 0, 1),
            r.integer("provider.simulator.retry-after-seconds", 1, 0, 3600),
            r.integer("provider.simulator.seed", 42, 0, Integer.MAX_VALUE),
            simulatedRdap(r)),
        r.bool("provider.simulator.allow-external-db", false),
        rdap(r));
  }

  private static Rdap rdap(ConfigReader r) {
    String bootstrap = sourceUrl(r, "provider.rdap.bootstrap-url", "https://data.iana.org/rdap/dns.json", BUNDLED_BOOTSTRAP);
    return new Rdap(
        bootstrap,
        r.duration("provider.rdap.bootstrap-refresh", "24h"),
        rdapServers(r.raw("provider.rdap.servers")),
        r.decimal("provider.rdap.rate-per-server", 5, 0.001, 1_000_000),
        r.integer("provider.rdap.burst-per-server", 5, 1, 1_000_000),
        r.integer("provider.rdap.max-in-flight-per-server", 4, 1, 10_000),
        rdapHosts(r.raw("provider.rdap.hosts")));
  }

  /** A YAML map {@code {tld: baseURL}} or the environment's {@code tld=baseURL,tld=baseURL}. */
  private static java.util.Map<String, String> rdapServers(Object value) {
    String key = "provider.rdap.servers";
    java.util.Map<String, String> servers = new java.util.LinkedHashMap<>();
    if (value == null || "".equals(value)) {
      return servers;
    }
    if (value instanceof JsonObject map) {
      for (String tld : map.fieldNames()) {
        if (!(map.getValue(tld) instanceof String url)) {
          throw new ConfigException(key + "." + tld, "expected a base URL");
        }
        putServer(servers, key, tld, url);
      }
      return servers;
    }
    if (!(value instanceof String list)) {
      throw new ConfigException(key, "expected a map of tld: base URL, or tld=baseURL pairs separated by commas");
    }
    for (String pair : list.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(key, "expected tld=baseURL, got '" + Urls.redact(pair.trim()) + "'");
      }
      putServer(servers, key, pair.substring(0, eq), pair.substring(eq + 1));
    }
    return servers;
  }

  private static void putServer(java.util.Map<String, String> servers, String key, String tld, String url) {
    String name = tld.trim().toLowerCase(java.util.Locale.ROOT);
    name = name.startsWith(".") ? name.substring(1) : name;
    if (!name.matches("[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
      throw new ConfigException(key, "'" + tld.trim() + "' is not a TLD or suffix in A-label form");
    }
    String base = url.trim();
    try {
      URI uri = new URI(base);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(key, "the server of ." + name + " must be an http:// or https:// URL");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "the server of ." + name + " is not a valid URL");
    }
    servers.put(name, base.endsWith("/") ? base : base + "/");
  }

  /** {@code {host: {rate-per-second, burst}}}: a server's own limits. */
  private static java.util.Map<String, HostLimit> rdapHosts(Object value) {
    String key = "provider.rdap.hosts";
    java.util.Map<String, HostLimit> hosts = new java.util.LinkedHashMap<>();
    if (value == null) {
      return hosts;
    }
    if (!(value instanceof JsonObject map)) {
      throw new ConfigException(key, "expected a map of host: {rate-per-second, burst}");
    }
    for (String host : map.fieldNames()) {
      if (!(map.getValue(host) instanceof JsonObject limits)) {
        throw new ConfigException(key + "." + host, "expected a section with rate-per-second and burst");
      }
      ConfigReader entry = new ConfigReader(limits, key + "." + host + ".");
      hosts.put(host.toLowerCase(java.util.Locale.ROOT), new HostLimit(
          entry.decimal("rate-per-second", 5, 0.001, 1_000_000), entry.integer("burst", 5, 1, 1_000_000)));
      entry.rejectUnknown();
    }
    return hosts;
  }

  /** {@code provider.simulator.rdap}: the number of servers and, by server name, its own fault knobs. */
  private static SimulatedRdap simulatedRdap(ConfigReader r) {
    int servers = r.integer("provider.simulator.rdap.servers", SimulatedRdap.DEFAULT_SERVERS, 1, SimulatedRdap.MAX_SERVERS);
    SimulatedServerFaults defaults = new SimulatedServerFaults(
        r.duration("provider.simulator.latency", "0ms"),
        r.decimal("provider.simulator.error-rate", 0, 0, 1),
        r.decimal("provider.simulator.rate-limit-rate", 0, 0, 1),
        r.decimal("provider.simulator.timeout-rate", 0, 0, 1),
        r.decimal("provider.simulator.malformed-rate", 0, 0, 1),
        r.integer("provider.simulator.retry-after-seconds", 1, 0, 3600));
    String key = "provider.simulator.rdap.faults";
    Object raw = r.raw(key);
    java.util.Map<String, SimulatedServerFaults> faults = new java.util.TreeMap<>();
    if (raw != null && !(raw instanceof JsonObject)) {
      throw new ConfigException(key, "expected a section: server name (srv0 ...) to its fault knobs");
    }
    if (raw instanceof JsonObject byServer) {
      for (String server : byServer.fieldNames()) {
        String at = key + "." + server;
        if (!server.matches("srv\\d{1,2}") || Integer.parseInt(server.substring(3)) >= servers) {
          throw new ConfigException(at, "not a simulated server: expected srv0 to srv" + (servers - 1));
        }
        if (!(byServer.getValue(server) instanceof JsonObject knobs)) {
          throw new ConfigException(at, "expected a section of fault knobs");
        }
        ConfigReader s = new ConfigReader(knobs, at + ".");
        SimulatedServerFaults f = new SimulatedServerFaults(
            s.duration("latency", Durations.format(defaults.latency())),
            s.decimal("error-rate", defaults.errorRate(), 0, 1),
            s.decimal("rate-limit-rate", defaults.rateLimitRate(), 0, 1),
            s.decimal("timeout-rate", defaults.timeoutRate(), 0, 1),
            s.decimal("malformed-rate", defaults.malformedRate(), 0, 1),
            s.integer("retry-after-seconds", defaults.retryAfterSeconds(), 0, 3600));
        s.rejectUnknown();
        if (f.errorRate() + f.rateLimitRate() + f.timeoutRate() + f.malformedRate() > 1 + 1e-9) {
          throw new ConfigException(at, "the fault rates add up to more than 1");
        }
        faults.put(server, f);
      }
    }
    return new SimulatedRdap(servers, faults);
  }

  private static String httpUrl(ConfigReader r, String key, String fallback) {
    String url = r.string(key, fallback);
    try {
      URI uri = new URI(url);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(key, "expected an http:// or https:// URL, got '" + Urls.redact(url) + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "is not a valid URL: '" + Urls.redact(url) + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * A data source the daemon fetches: an http(s) URL with a host, a {@code file:} URL with a path,
   * or {@code bundled} (the snapshot in the jar, never fetched). Errors mask credentials in the URL.
   */
  private static String sourceUrl(ConfigReader r, String key, String fallback, String bundled) {
    String url = r.string(key, fallback);
    if (url.equals(bundled)) {
      return url;
    }
    try {
      URI uri = new URI(url);
      boolean web = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
      boolean file = "file".equals(uri.getScheme()) && uri.getPath() != null && !uri.getPath().isEmpty();
      if (!web && !file) {
        throw new ConfigException(key, "expected an http(s):// or file: URL, or " + bundled + ", got '" + Urls.redact(url) + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(key, "is not a valid URL: '" + Urls.redact(url) + "'");
    }
    return url;
  }

  public static final String DEFAULT_PUBLIC_SUFFIX_LIST = "https://publicsuffix.org/list/public_suffix_list.dat";

  private static Discovery discovery(ConfigReader r) {
    String key = "discovery.public-suffix-list";
    String list = sourceUrl(r, key, DEFAULT_PUBLIC_SUFFIX_LIST, "bundled");
    return new Discovery(list, r.duration("discovery.public-suffix-refresh", "7d"));
  }

  /**
   * {@code webhooks: [{url, secret, events, max-age, timeout}]}, plus the one endpoint of
   * {@code webhook.url} / {@code webhook.secret} (DOMAINGUARD_WEBHOOK_URL / _SECRET). No two may
   * share a URL: the URL is what identifies an endpoint's deliveries.
   */
  private static List<Webhook> webhooks(ConfigReader r) {
    List<Webhook> hooks = new ArrayList<>();
    java.util.Set<String> urls = new java.util.HashSet<>();
    if (!r.string("webhook.url", "").isEmpty() || !r.string("webhook.secret", "").isEmpty()) {
      hooks.add(webhook(r, "webhook.", "webhook."));
      urls.add(hooks.get(0).url());
    } else {
      List.of("events", "max-age", "timeout").forEach(k -> {
        if (r.raw("webhook." + k) != null) {
          throw new ConfigException("webhook.url", "is required when webhook." + k + " is set (DOMAINGUARD_WEBHOOK_URL)");
        }
      });
    }
    var list = r.array("webhooks");
    for (int i = 0; i < list.size(); i++) {
      String at = "webhooks[" + i + "].";
      if (!(list.getValue(i) instanceof JsonObject entry)) {
        throw new ConfigException("webhooks[" + i + "]", "expected {url, secret, events}");
      }
      ConfigReader e = new ConfigReader(entry, at);
      Webhook hook = webhook(e, "", at);
      e.rejectUnknown();
      if (!urls.add(hook.url())) {
        throw new ConfigException(at + "url", "names an endpoint already configured (" + Urls.redact(hook.url()) + "); each endpoint is one URL");
      }
      hooks.add(hook);
    }
    return List.copyOf(hooks);
  }

  /** One endpoint: its keys are {@code base + "url"} ... in {@code r}, named {@code at + "url"} ... in errors. */
  private static Webhook webhook(ConfigReader r, String base, String at) {
    String url = r.string(base + "url", "");
    try {
      URI uri = new URI(url);
      if ((!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(at + "url", "expected an http:// or https:// URL, got '" + Urls.redact(url) + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(at + "url", "is not a valid URL: '" + Urls.redact(url) + "'");
    }
    Webhook hook = new Webhook(url, Secret.of(r.string(base + "secret", "")), eventTypes(r, base + "events", at + "events"),
        r.duration(base + "max-age", "3d"), atMostADay(r, base + "timeout", "10s"));
    byte[] key;
    try {
      key = hook.signingKey();
    } catch (IllegalArgumentException e) {
      // Never quote the secret.
      throw new ConfigException(at + "secret", "starts with whsec_ but the rest is not base64");
    }
    if (key.length < Webhook.MIN_KEY_BYTES) {
      throw new ConfigException(at + "secret", "must be at least " + Webhook.MIN_KEY_BYTES
          + " bytes of key (a whsec_<base64> secret, or 16+ characters)" + (hook.secret().isEmpty() ? "; it is unset (DOMAINGUARD_WEBHOOK_SECRET)" : ""));
    }
    return hook;
  }

  /** The event types an endpoint takes: null (all) when not listed. */
  private static Set<String> eventTypes(ConfigReader r, String key, String name) {
    if (r.raw(key) == null) {
      return null;
    }
    var list = r.array(key);
    if (list.isEmpty()) {
      throw new ConfigException(name, "lists no event type; leave it out to receive every type");
    }
    java.util.Set<String> types = new java.util.TreeSet<>();
    for (Object t : list) {
      if (!(t instanceof String s) || !EVENT_TYPES.contains(s)) {
        throw new ConfigException(name, "expected event types among " + String.join(", ", new java.util.TreeSet<>(EVENT_TYPES)) + ", got '" + t + "'");
      }
      types.add(s);
    }
    return java.util.Collections.unmodifiableSet(types);
  }

  /** A SQL identifier as PostgreSQL folds unquoted ones, at most 63 characters: nothing to escape. */
  private static final String IDENTIFIER = "[a-z_][a-z0-9_$]{0,62}";

  private static Host host(ConfigReader r) {
    if (!r.present("host")) {
      return null;
    }
    String table = required(r, "host.table");
    String[] parts = table.split("\\.", -1);
    if (parts.length != 2 || !parts[0].matches(IDENTIFIER) || !parts[1].matches(IDENTIFIER)) {
      throw new ConfigException("host.table", "expected schema.table in lower-case SQL identifiers (public.user_emails), got '" + table + "'");
    }
    HostColumns columns = new HostColumns(column(r, "id", true), column(r, "address", true), column(r, "verified", true),
        column(r, "reason", false));
    java.util.Map<String, String> values = reasonValues(r);
    if (!values.isEmpty() && columns.reason() == null) {
      throw new ConfigException("host.reason-values", "set host.columns.reason, the column these values are written to");
    }
    Capture capture = Capture.valueOf(choice(r, "host.capture", Set.of("trigger", "poll")));
    Write write = Write.valueOf(choice(r, "host.write", Set.of("direct", "none")));
    return new Host(parts[0], parts[1], columns, values, capture, write);
  }

  private static String required(ConfigReader r, String key) {
    String value = r.string(key, "");
    if (value.isEmpty()) {
      throw new ConfigException(key, "is required in the host section");
    }
    return value;
  }

  /** A required choice, as the name of its enum constant. */
  private static String choice(ConfigReader r, String key, Set<String> allowed) {
    required(r, key);
    return r.oneOf(key, "", allowed).toUpperCase(java.util.Locale.ROOT);
  }

  private static String column(ConfigReader r, String name, boolean needed) {
    String key = "host.columns." + name;
    String value = needed ? required(r, key) : r.string(key, "");
    if (value.isEmpty()) {
      return null;
    }
    if (!value.matches(IDENTIFIER)) {
      throw new ConfigException(key, "expected a lower-case SQL identifier, got '" + value + "'");
    }
    return value;
  }

  /** {@code host.reason-values}: {@code default} and/or one entry per reason string of SPEC §2. */
  private static java.util.Map<String, String> reasonValues(ConfigReader r) {
    String key = "host.reason-values";
    Object raw = r.raw(key);
    java.util.Map<String, String> values = new java.util.TreeMap<>();
    if (raw == null) {
      return values;
    }
    if (!(raw instanceof JsonObject map)) {
      throw new ConfigException(key, "expected a section: default and/or a reason (domain_released ...) to the value written");
    }
    List<String> allowed = new ArrayList<>(org.domainguard.metrics.Metrics.UNVERIFY_REASONS);
    allowed.add(Host.DEFAULT_REASON);
    for (String reason : map.fieldNames()) {
      if (!allowed.contains(reason)) {
        throw new ConfigException(key + "." + reason, "unknown reason: expected one of " + String.join(", ", allowed));
      }
      Object value = map.getValue(reason);
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new ConfigException(key + "." + reason, "expected a value (a string)");
      }
      values.put(reason, value.toString());
    }
    return values;
  }

  private static Breaker breaker(ConfigReader r) {
    int window = r.integer("provider.breaker.window-calls", 50, 1, 100_000);
    int min = r.integer("provider.breaker.min-calls", 20, 1, 100_000);
    if (min > window) {
      throw new ConfigException("provider.breaker.min-calls", "must not exceed provider.breaker.window-calls");
    }
    return new Breaker(window, min, r.decimal("provider.breaker.failure-ratio", 0.5, 0.01, 1), r.duration("provider.breaker.cool-down", "30s"));
  }

  private static Schedule schedule(ConfigReader r) {
    Duration retry = r.duration("schedule.retry", "1h");
    Duration retryMax = r.duration("schedule.retry-max", "7d");
    if (retryMax.compareTo(retry) < 0) {
      throw new ConfigException("schedule.retry-max", "must not be shorter than schedule.retry");
    }
    return new Schedule(
        r.duration("schedule.active", "30d"),
        r.duration("schedule.grace", "1d"),
        r.duration("schedule.critical", "1d"),
        retry,
        retryMax,
        r.duration("schedule.discovery-interval", "60s"),
        r.duration("schedule.sweep-interval", "60s"),
        r.duration("schedule.lease", "5m"));
  }

  private static Policy policy(ConfigReader r) {
    return new Policy(r.oneOf("policy.mode", "standard", Set.of("standard", "strict")).equals("strict"));
  }

  private static Writer writer(ConfigReader r) {
    return new Writer(r.integer("writer.batch-size", 500, 1, 10_000), r.duration("writer.max-delay", "200ms"));
  }

  private static Guard guard(ConfigReader r) {
    return new Guard(r.integer("guard.max-changes", 50, 0, Integer.MAX_VALUE), r.decimal("guard.max-change-ratio", 0.02, 0, 1));
  }

  private static Http http(ConfigReader r) {
    List<AdminToken> tokens = new ArrayList<>();
    String single = r.string("http.admin.token", "");
    if (!single.isEmpty()) {
      tokens.add(new AdminToken("admin", Tokens.sha256(single), Role.OPERATOR));
    }
    var list = r.array("http.admin.tokens");
    for (int i = 0; i < list.size(); i++) {
      tokens.add(adminToken(list.getValue(i), "http.admin.tokens[" + i + "]"));
    }
    return new Http(
        r.string("http.host", "0.0.0.0"),
        r.integer("http.port", 8080, 0, 65535),
        new Admin(List.copyOf(tokens), r.bool("http.admin.insecure", false),
            r.integer("http.admin.max-pending-rechecks", 64, 1, 10_000)),
        new Connections(
            atMostADay(r, "http.idle-timeout", "60s"),
            atMostADay(r, "http.header-timeout", "30s"),
            r.integer("http.max-connections", 1000, 1, 1_000_000)));
  }

  /** A positive duration no longer than a day (timers take milliseconds as an int). */
  private static Duration atMostADay(ConfigReader r, String key, String fallback) {
    Duration d = r.duration(key, fallback);
    if (d.compareTo(Duration.ofDays(1)) > 0) {
      throw new ConfigException(key, "must be at most 1d, got '" + r.string(key, fallback) + "'");
    }
    return d;
  }

  private static AdminToken adminToken(Object entry, String key) {
    if (!(entry instanceof JsonObject obj)) {
      throw new ConfigException(key, "expected {name, sha256, role}");
    }
    ConfigReader r = new ConfigReader(obj, key + ".");
    String name = r.string("name", "");
    if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
      throw new ConfigException(key + ".name", "must be 1-64 letters, digits, '.', '_' or '-'");
    }
    String hex = r.string("sha256", "").toLowerCase();
    if (!hex.matches("[0-9a-f]{64}")) {
      throw new ConfigException(key + ".sha256", "must be 64 hex digits (sha256sum of the token)");
    }
    Role role = Role.valueOf(r.oneOf("role", "", Set.of("viewer", "operator")).toUpperCase());
    r.rejectUnknown();
    return new AdminToken(name, HexFormat.of().parseHex(hex), role);
  }
}
