package org.domainguard.check;

import io.vertx.core.Future;

/**
 * One domain-status API. Implementations make exactly one HTTP call per {@link #status}; every
 * failure of the call or of the provider is a {@link ProviderAnswer.Failure} with its kind. A failed
 * future is a bug in reading the answer, never a provider error.
 * Rate limiting and retries are the caller's job.
 */
public interface StatusProvider {
  /** The provider label used in metrics and history: fastly, domainr, rdap or simulator. */
  String name();

  Future<ProviderAnswer> status(String domain);

  /**
   * Whether the provider limits each of its servers itself (RDAP): a 429 or a broken server then
   * pauses or trips that server only, never the provider-wide bucket and breaker, and its
   * {@link Outcome#RATE_LIMITED} answers mean "that server, not now".
   */
  default boolean limitsEachServer() {
    return false;
  }

  /**
   * For a provider that {@link #limitsEachServer()}: nanoseconds before the server of {@code domain}
   * could take a call (paused by a 429, breaker open, bucket empty, in-flight cap reached); 0 when
   * it can now. Takes nothing; {@link #status} still decides.
   */
  default long notBefore(String domain) {
    return 0;
  }
}
