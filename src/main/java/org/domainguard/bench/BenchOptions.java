package org.domainguard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.ConfigException;

/**
 * What one {@code bench} run does: the population, the concurrency and the limiter run. Bad values
 * fail with a {@link ConfigException} naming the option (exit code 2).
 */
record BenchOptions(
    long addresses,
    int domains,
    int concurrency,
    double rate,
    int burst,
    int limiterSeconds,
    int rawSeconds,
    Duration latency,
    boolean quick,
    Path json,
    Duration sweepTimeout,
    int batchSize,
    boolean rdap) {

  static final Set<String> OPTIONS = Set.of("--addresses", "--domains", "--concurrency", "--rate", "--burst",
      "--limiter-seconds", "--raw-seconds", "--latency", "--quick", "--json", "--sweep-timeout", "--batch-size", "--provider");

  /** The share of addresses on the few huge mailbox providers. */
  static final double BIG_PROVIDER_SHARE = 0.35;
  /** The share of all addresses on a subdomain host ({@code a@mail.example.com}). */
  static final double SUBDOMAIN_SHARE = 0.05;
  /** The simulator keeps 120 one-second buckets; the limiter run must fit in them with room to spare. */
  static final int MAX_LIMITER_SECONDS = 100;

  static BenchOptions parse(Map<String, String> options) {
    for (String o : options.keySet()) {
      if (!OPTIONS.contains(o)) {
        throw new ConfigException(o, "unknown option for 'bench' (options: " + String.join(", ", new java.util.TreeSet<>(OPTIONS)) + ")");
      }
    }
    boolean quick = options.containsKey("--quick");
    long addresses = whole(options, "--addresses", quick ? 50_000 : 1_000_000, 1_000, 50_000_000);
    int domains = (int) whole(options, "--domains", quick ? 10_000 : Math.max(1, addresses / 5), 1, 20_000_000);
    long tail = addresses - Math.round(addresses * BIG_PROVIDER_SHARE);
    if (domains > tail) {
      throw new ConfigException("--domains", "must be at most " + tail + " (65% of --addresses: every tail domain needs an address), got " + domains);
    }
    int concurrency = (int) whole(options, "--concurrency", 128, 1, 10_000);
    double rate = whole(options, "--rate", 500, 1, 100_000);
    int burst = (int) whole(options, "--burst", Math.max(1, Math.round(rate / 10)), 1, 1_000_000);
    int limiterSeconds = (int) whole(options, "--limiter-seconds", quick ? 5 : 30, 3, MAX_LIMITER_SECONDS);
    int rawSeconds = (int) whole(options, "--raw-seconds", quick ? 3 : 10, 1, 600);
    long latencyMs = whole(options, "--latency", 2, 0, 10_000);
    long timeoutMinutes = whole(options, "--sweep-timeout", quick ? 5 : 30, 1, 24 * 60);
    int batchSize = (int) whole(options, "--batch-size", 1_000, 1, 10_000);
    Path json = Path.of(options.getOrDefault("--json", "target/bench/result.json"));
    boolean rdap = RdapProviderSettings.chosen(options.get("--provider"), "fastly");
    return new BenchOptions(addresses, domains, concurrency, rate, burst, limiterSeconds, rawSeconds,
        Duration.ofMillis(latencyMs), quick, json, Duration.ofMinutes(timeoutMinutes), batchSize, rdap);
  }

  /** The provider the daemon and the raw ceiling use: the simulator as Fastly, or its RDAP servers. */
  String provider() {
    return rdap ? RdapProviderSettings.PROVIDER : "fastly";
  }

  /** The same run with the simulator as Fastly: the baseline {@code --provider rdap} is compared with. */
  BenchOptions asFastly() {
    return new BenchOptions(addresses, domains, concurrency, rate, burst, limiterSeconds, rawSeconds, latency, quick, json,
        sweepTimeout, batchSize, false);
  }

  /** Addresses on the huge providers. */
  long bigAddresses() {
    return Math.round(addresses * BIG_PROVIDER_SHARE);
  }

  /** Distinct registrable domains the population has: every tail domain plus every huge provider. */
  long expectedDomains() {
    return domains + Population.PROVIDERS.size();
  }

  private static long whole(Map<String, String> options, String name, long fallback, long min, long max) {
    String text = options.get(name);
    if (text == null) {
      return fallback;
    }
    String digits = text.replace("_", "").replace(",", "");
    long multiplier = 1;
    if (digits.endsWith("k") || digits.endsWith("K")) {
      multiplier = 1_000;
      digits = digits.substring(0, digits.length() - 1);
    } else if (digits.endsWith("m") || digits.endsWith("M")) {
      multiplier = 1_000_000;
      digits = digits.substring(0, digits.length() - 1);
    } else if (name.equals("--latency") && digits.endsWith("ms")) {
      digits = digits.substring(0, digits.length() - 2);
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(digits), multiplier);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException | ArithmeticException ignored) {
      // reported below
    }
    throw new ConfigException(name, "expected a whole number from " + min + " to " + max + ", got '" + text + "'");
  }
}
