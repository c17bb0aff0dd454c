package org.domainguard.sim;

import java.util.SplittableRandom;
import org.domainguard.config.AppConfig;

/**
 * Draws the configured random faults. One uniform draw per request is split into consecutive
 * bands (error, rate limit, timeout, malformed), so the rates are exact fractions while they sum
 * to at most 1. Seeded, hence repeatable for the same request order. Confined to one event loop.
 */
final class RandomFaults {
  private final SplittableRandom random;
  private final double[] rates;
  private static final Fault[] KINDS = {Fault.ERROR, Fault.RATE_LIMITED, Fault.TIMEOUT, Fault.MALFORMED};

  RandomFaults(AppConfig.Simulator settings) {
    this(settings.seed(), settings.faults());
  }

  /** One simulated RDAP server's draws: seeded apart from the other servers'. */
  RandomFaults(long seed, AppConfig.SimulatedServerFaults knobs) {
    this.random = new SplittableRandom(seed);
    this.rates = new double[] {knobs.errorRate(), knobs.rateLimitRate(), knobs.timeoutRate(), knobs.malformedRate()};
  }

  Fault draw() {
    double u = random.nextDouble();
    for (int i = 0; i < KINDS.length; i++) {
      u -= rates[i];
      if (u < 0) {
        return KINDS[i];
      }
    }
    return Fault.NONE;
  }
}
