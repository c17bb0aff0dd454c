package org.domainguard.bench;

/**
 * What the simulator's per-second counts say about a limiter run: the sustained rate over the
 * whole seconds between the first and the last second that saw calls (those two are partial, and
 * the first also holds the initial burst), and the largest count in any one second.
 */
record LimiterWindow(long calls, int activeSeconds, int interiorSeconds, long interiorCalls, double sustainedRate, long maxInOneSecond) {

  static LimiterWindow of(long[] perSecond) {
    int first = -1;
    int last = -1;
    long calls = 0;
    long max = 0;
    for (int i = 0; i < perSecond.length; i++) {
      if (perSecond[i] > 0) {
        if (first < 0) {
          first = i;
        }
        last = i;
      }
      calls += perSecond[i];
      max = Math.max(max, perSecond[i]);
    }
    if (first < 0) {
      return new LimiterWindow(0, 0, 0, 0, 0, 0);
    }
    long interior = 0;
    for (int i = first + 1; i < last; i++) {
      interior += perSecond[i];
    }
    int interiorSeconds = Math.max(0, last - first - 1);
    double rate = interiorSeconds == 0 ? Double.NaN : (double) interior / interiorSeconds;
    return new LimiterWindow(calls, last - first + 1, interiorSeconds, interior, rate, max);
  }
}
