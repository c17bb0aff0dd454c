package org.domainguard.fleet;

/**
 * A rate limit every daemon on the database shares: the provider's ({@code provider:<name>}) or
 * one RDAP server's ({@code rdap:<host>}). The fleet tells it this daemon's share, and pauses it
 * when any daemon got a 429 under it.
 */
public interface SharedLimit {
  /** The key of a provider's own limit. */
  static String providerKey(String provider) {
    return "provider:" + provider;
  }

  /** The key of one RDAP server's limit. */
  static String serverKey(String host) {
    return "rdap:" + host;
  }

  String key();

  /** The whole fleet's calls per second. */
  double rate();

  /** The whole fleet's burst. */
  double burst();

  /** From now on this daemon may make {@code rate} calls per second with bursts of {@code burst}. */
  void share(double rate, double burst);

  /** No call under this limit for {@code nanos}: another daemon (or this one) got a 429. */
  void pauseFor(long nanos);
}
