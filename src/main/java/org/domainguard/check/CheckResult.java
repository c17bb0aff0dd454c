package org.domainguard.check;

import java.time.Instant;

/**
 * The final answer of one check of one domain, after limiter waits and in-sweep retries.
 * {@code startedAt} is when the first attempt was made: addresses verified after it are never
 * acted on by this result.
 */
public record CheckResult(String domain, String provider, Instant startedAt, Instant finishedAt, ProviderAnswer answer, int attempts) {

  public Outcome outcome() {
    return answer instanceof ProviderAnswer.Failure f ? f.outcome() : Outcome.OK;
  }

  /** The phase the tokens say, or null for a failed check (which is not a phase). */
  public Phase classified() {
    return answer instanceof ProviderAnswer.Statuses s ? PhaseClassifier.classify(s.tokens()) : null;
  }
}
