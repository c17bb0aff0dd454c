package org.domainguard.sweep;

import java.time.Clock;
import org.domainguard.apply.Policy;
import org.domainguard.check.DomainChecker;
import org.domainguard.metrics.Metrics;

/** What every sweep runs with: where due domains come from, how each is checked, decided and written, and how many at once. */
public record SweepWork(DueSource source, DomainChecker checker, Policy policy, ResultWriter writer, Metrics metrics,
    Clock clock, int workers, int pageSize) {}
