package org.domainguard.sweep;

import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;

/** What an operator's recheck found and did: the domain's phase after it, the result, and addresses unverified. */
public record RecheckOutcome(String domain, Phase phase, CheckResult result, int changed) {}
