package org.domainguard.bench;

/**
 * A fixed-memory latency recorder for the raw loop: buckets growing by 2% from 1 µs to about a
 * minute, so percentiles are within 2% whatever the number of calls. Used from one thread.
 */
final class LatencyHistogram {
  static final double RATIO = 1.02;
  private static final double LOG_RATIO = Math.log(RATIO);
  private static final int BUCKETS = (int) Math.ceil(Math.log(60e6) / LOG_RATIO) + 1;

  private final long[] counts = new long[BUCKETS];
  private final double[] boundsMillis = new double[BUCKETS];
  private long count;

  LatencyHistogram() {
    for (int i = 0; i < BUCKETS; i++) {
      boundsMillis[i] = Math.pow(RATIO, i) / 1000.0;
    }
  }

  void record(long nanos) {
    double micros = Math.max(1.0, nanos / 1000.0);
    int i = (int) Math.ceil(Math.log(micros) / LOG_RATIO - 1e-9);
    counts[Math.max(0, Math.min(BUCKETS - 1, i))]++;
    count++;
  }

  long count() {
    return count;
  }

  /** The q-quantile in milliseconds (NaN when empty). */
  double quantileMillis(double q) {
    return Percentiles.quantile(boundsMillis, counts, q);
  }
}
