package org.domainguard.apply;

import java.time.Instant;
import org.domainguard.check.Phase;

/**
 * What domain-guard remembers of a domain between checks. {@code lapsePhase} is the worst phase
 * seen during the current lapse and {@code lapseSeenAt} when that lapse was first seen; both are
 * null while the domain is not lapsing. {@code failureCount} counts consecutive checks that could
 * not tell (failed or UNKNOWN), for backoff. {@code lastSeen} is what its latest check saw
 * ({@link org.domainguard.check.CheckResult#seen}), null before the first.
 */
public record DomainState(long id, String name, Phase phase, Phase lapsePhase, Instant lapseSeenAt, int failureCount, Long lastSeen) {}
