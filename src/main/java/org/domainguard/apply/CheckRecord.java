package org.domainguard.apply;

import java.util.UUID;
import org.domainguard.check.CheckResult;

/**
 * One check ready to be written: the state it was decided from, the result, the decision, and the
 * sweep it belongs to (null for an operator's recheck). {@code key} makes the write idempotent.
 */
public record CheckRecord(UUID key, DomainState state, CheckResult result, Decision decision, Long sweepId) {
  public static CheckRecord of(DomainState state, CheckResult result, Decision decision, Long sweepId) {
    return new CheckRecord(UUID.randomUUID(), state, result, decision, sweepId);
  }
}
