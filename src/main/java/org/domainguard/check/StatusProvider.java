package org.domainguard.check;

import io.vertx.core.Future;

/**
 * One domain-status API. Implementations make exactly one HTTP call per {@link #status}; every
 * failure of the call or of the provider is a {@link ProviderAnswer.Failure} with its kind. A failed
 * future is a bug in reading the answer, never a provider error.
 * Rate limiting and retries are the caller's job.
 */
public interface StatusProvider {
  /** The provider label used in metrics and history: fastly, domainr or simulator. */
  String name();

  Future<ProviderAnswer> status(String domain);
}
