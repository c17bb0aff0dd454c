package org.domainguard.check;

import io.vertx.core.Future;

/**
 * One domain-status API. Implementations make exactly one HTTP call per {@link #status} and never
 * fail the returned future: every failure is a {@link ProviderAnswer.Failure} with its kind.
 * Rate limiting and retries are the caller's job.
 */
public interface StatusProvider {
  /** The provider label used in metrics and history: fastly, domainr or simulator. */
  String name();

  Future<ProviderAnswer> status(String domain);
}
