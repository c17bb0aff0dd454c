package org.domainguard.bench;

/** The bench JVM's memory over the run: its peak RSS (VmHWM) overall and during the sweep, and what the sweep left. */
record MemoryFigures(long peakRss, long peakRssSweep, boolean sweepPeakResettable, long rssAfterSweep, long heapAfterGc, long maxHeap) {
  static final double PEAK_RSS_MIB = 400;

  /** Taken at the end of the run: VmHWM was reset before the sweep and before the limiter run, so the peak is the largest of the three. */
  static MemoryFigures atEnd(SweepPhase.Result sweep, LimiterPhase.Result limiter) {
    long wholeRun = Math.max(Math.max(sweep.peakRssBefore(), limiter.peakRssBefore()), Memory.peakRss());
    return new MemoryFigures(wholeRun, sweep.peakRss(), sweep.peakResettable(), sweep.rssAfter(), sweep.heapAfterGc(), Memory.maxHeap());
  }

  void report(Report report) {
    String m = "memory";
    report.target(m, "peakRssMiB", "peak RSS (VmHWM, whole run)", Memory.mib(peakRss), 0, "MiB",
        new Report.Target("peak_rss", "<=", PEAK_RSS_MIB, "400 MiB"));
    report.number(m, "peakRssSweepMiB", "peak RSS during the sweep" + (sweepPeakResettable ? "" : " (not resettable: whole run)"),
        Memory.mib(peakRssSweep), 0, "MiB");
    report.number(m, "rssAfterSweepMiB", "RSS at the end of the sweep", Memory.mib(rssAfterSweep), 0, "MiB");
    report.number(m, "heapAfterGcMiB", "heap after GC (end of the sweep)", Memory.mib(heapAfterGc), 1, "MiB");
    report.number(m, "maxHeapMiB", "max heap (-Xmx)", Memory.mib(maxHeap), 0, "MiB");
  }
}
