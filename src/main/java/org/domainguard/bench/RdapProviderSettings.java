package org.domainguard.bench;

import io.vertx.core.json.JsonObject;

/**
 * The daemon's {@code provider} section for {@code demo --provider rdap} and
 * {@code bench --provider rdap}: the {@code rdap} provider pointed at the simulator's RDAP servers
 * through their bootstrap ({@code /_sim/rdap/dns.json}), with per-server limits as generous as the
 * provider-wide ones, so that only the provider-wide rate caps the run.
 *
 * <p>The one place where these commands name the rdap provider's settings.
 */
public final class RdapProviderSettings {
  public static final String PROVIDER = "rdap";
  /** Where the simulator serves the RFC 9224 bootstrap of its RDAP servers. */
  public static final String BOOTSTRAP_PATH = org.domainguard.sim.Simulator.BOOTSTRAP_PATH;

  private RdapProviderSettings() {}

  /** {@code simulatorBaseUrl}: {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public static JsonObject provider(String simulatorBaseUrl, double rate, int burst, int maxInFlight) {
    return new JsonObject()
        .put("name", PROVIDER)
        .put("rate-per-second", rate)
        .put("burst", burst)
        .put("max-in-flight", maxInFlight)
        .put("rdap", new JsonObject()
            .put("bootstrap-url", simulatorBaseUrl + BOOTSTRAP_PATH)
            .put("bootstrap-refresh", "1h")
            .put("rate-per-server", rate)
            .put("burst-per-server", burst)
            .put("max-in-flight-per-server", maxInFlight));
  }

  /** The {@code --provider} value of demo and bench: {@code rdap}, or the command's default. */
  public static boolean chosen(String value, String defaultProvider) {
    if (value == null || value.equals(defaultProvider)) {
      return false;
    }
    if (value.equals(PROVIDER)) {
      return true;
    }
    throw new org.domainguard.config.ConfigException("--provider", "expected " + defaultProvider + " or " + PROVIDER + ", got '" + value + "'");
  }
}
