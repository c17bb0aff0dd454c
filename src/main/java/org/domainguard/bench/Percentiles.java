package org.domainguard.bench;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.concurrent.TimeUnit;

/** Percentiles from bucketed counts: what a histogram can tell, interpolating linearly inside a bucket. */
final class Percentiles {
  private Percentiles() {}

  /**
   * The {@code q}-quantile (0 to 1) of values counted in buckets with ascending upper bounds
   * {@code bounds} (the first bucket starting at 0) and per-bucket (not cumulative) {@code counts};
   * NaN when nothing was counted. A value past the last bound is reported as the last bound.
   */
  static double quantile(double[] bounds, long[] counts, double q) {
    if (bounds.length != counts.length) {
      throw new IllegalArgumentException("one count per bucket");
    }
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = Math.max(0, Math.min(1, q)) * total;
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0 && seen + counts[i] >= rank) {
        double lower = i == 0 ? 0 : bounds[i - 1];
        double within = (rank - seen) / counts[i];
        return lower + within * (bounds[i] - lower);
      }
      seen += counts[i];
    }
    return bounds[bounds.length - 1];
  }

  /** Per-bucket counts from cumulative ones ({@code le} buckets, as Prometheus histograms keep them). */
  static long[] decumulate(double[] cumulative) {
    long[] counts = new long[cumulative.length];
    double previous = 0;
    for (int i = 0; i < cumulative.length; i++) {
      counts[i] = Math.max(0, Math.round(cumulative[i] - previous));
      previous = Math.max(previous, cumulative[i]);
    }
    return counts;
  }

  /**
   * What a Micrometer timer recorded between two snapshots, as bucket bounds in milliseconds and
   * per-bucket counts. Prometheus timers keep cumulative bucket counts; others per bucket.
   */
  static Buckets between(HistogramSnapshot before, HistogramSnapshot after) {
    CountAtBucket[] b = before == null ? new CountAtBucket[0] : before.histogramCounts();
    CountAtBucket[] a = after.histogramCounts();
    double[] bounds = new double[a.length];
    double[] cumA = new double[a.length];
    double[] cumB = new double[a.length];
    boolean cumulative = isCumulative(a, after.count());
    for (int i = 0; i < a.length; i++) {
      bounds[i] = a[i].bucket(TimeUnit.MILLISECONDS);
      cumA[i] = a[i].count();
      cumB[i] = i < b.length ? b[i].count() : 0;
    }
    long[] counts = new long[a.length];
    long[] ca = cumulative ? decumulate(cumA) : round(cumA);
    long[] cb = cumulative ? decumulate(cumB) : round(cumB);
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(0, ca[i] - cb[i]);
    }
    return new Buckets(bounds, counts);
  }

  private static boolean isCumulative(CountAtBucket[] buckets, long total) {
    if (buckets.length == 0) {
      return true;
    }
    double previous = 0;
    for (CountAtBucket c : buckets) {
      if (c.count() < previous) {
        return false;
      }
      previous = c.count();
    }
    double sum = 0;
    for (CountAtBucket c : buckets) {
      sum += c.count();
    }
    // Ambiguous only when at most one bucket is non-empty; then both readings agree.
    return Math.round(previous) == total || Math.round(sum) != total;
  }

  private static long[] round(double[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Math.round(values[i]);
    }
    return out;
  }

  /** Bucket upper bounds (ms) and per-bucket counts. */
  record Buckets(double[] boundsMillis, long[] counts) {
    double quantile(double q) {
      return Percentiles.quantile(boundsMillis, counts, q);
    }

    long total() {
      long t = 0;
      for (long c : counts) {
        t += c;
      }
      return t;
    }
  }
}
