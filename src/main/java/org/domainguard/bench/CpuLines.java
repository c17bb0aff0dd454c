package org.domainguard.bench;

import java.util.Locale;

/** CPU seconds per consumer over a phase, as a share of the machine and per unit of work, in a report section. */
final class CpuLines {
  private CpuLines() {}

  static void report(Report report, String section, CpuUsage.Split split, boolean seesDatabase, long units, String unit) {
    report.put(section, "cpuSeconds", Report.round(split.seconds(), 2));
    line(report, section, "cpuBench", "CPU share: bench JVM", split.self(), split, units, unit);
    line(report, section, "cpuSimulator", "CPU share: simulator process", split.simulator(), split, units, unit);
    if (seesDatabase) {
      line(report, section, "cpuDatabase", "CPU share: PostgreSQL", split.database(), split, units, unit);
    }
    line(report, section, "cpuOthers", "CPU share: other processes (noise)", split.others(), split, units, unit);
    report.put(section, "cpuIdleSeconds", Report.round(split.idle(), 2));
    report.number(section, "cpuIdleShare", "CPU share: idle", 100 * split.idle() / Math.max(1e-9, split.capacity()), 1, "%");
    if (split.steal() > 0) {
      line(report, section, "cpuSteal", "CPU share: stolen by the hypervisor", split.steal(), split, units, unit);
    }
  }

  private static void line(Report report, String section, String key, String label, double cpuSeconds, CpuUsage.Split split,
      long units, String unit) {
    double share = 100 * cpuSeconds / Math.max(1e-9, split.capacity());
    double micros = 1e6 * cpuSeconds / Math.max(1, units);
    report.put(section, key + "Seconds", Report.round(cpuSeconds, 2));
    report.put(section, key + "MicrosPer" + Character.toUpperCase(unit.charAt(0)) + unit.substring(1), Report.round(micros, 1));
    report.noted(section, key + "Share", label, share, 1, "%", String.format(Locale.ROOT, "%.1f µs CPU per %s", micros, unit));
  }
}
