package org.domainguard.apply;

import org.domainguard.check.CheckResult;

/**
 * One check ready to be written: the state it was decided from, the result, the decision, and the
 * sweep it belongs to (null for an operator's recheck). A result is written once: its write frees
 * the domain's lease, and a write only goes ahead for domains still leased to this daemon.
 */
public record CheckRecord(DomainState state, CheckResult result, Decision decision, Long sweepId) {}
