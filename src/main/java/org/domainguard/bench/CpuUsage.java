package org.domainguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the machine's CPU went during a phase: this JVM (the daemon), the simulator process, the
 * other processes this JVM started (embedded PostgreSQL), everything else on the machine (other
 * work sharing the CPUs: noise), and idle. From /proc (Linux); elsewhere every figure is NaN.
 */
final class CpuUsage {
  /** USER_HZ: the unit of /proc's CPU times; 100 on every mainstream Linux. */
  static final double TICKS_PER_SECOND = 100;

  private final long simulatorPid;
  private final long postmasterPid;

  /** {@code postmasterPid} is -1 when PostgreSQL does not run here (an external server). */
  CpuUsage(long simulatorPid, long postmasterPid) {
    this.simulatorPid = simulatorPid;
    this.postmasterPid = postmasterPid;
  }

  /** The PostgreSQL server whose command line names {@code dataDir} ({@code postgres -D DIR}), or -1. */
  static long findPostmaster(Path dataDir) {
    String dir = dataDir.toAbsolutePath().normalize().toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
        .filter(p -> p.info().arguments().map(a -> java.util.Arrays.asList(a).contains(dir)).orElse(false))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(-1);
  }

  boolean seesDatabase() {
    return postmasterPid > 0;
  }

  /** A reading of the counters. */
  record Sample(long nanos, long machineBusy, long machineIdle, long steal, long self, long simulator, long database) {}

  /** CPU seconds per consumer between two samples, and the wall time. */
  record Split(double seconds, double self, double simulator, double database, double others, double idle, double steal, int cpus) {
    double capacity() {
      return seconds * cpus;
    }
  }

  Sample sample() {
    long self = ProcessHandle.current().pid();
    long sim = processTicks(simulatorPid);
    long db = 0;
    if (postmasterPid > 0) {
      db = processTicks(postmasterPid);
      for (ProcessHandle p : ProcessHandle.of(postmasterPid).map(h -> h.descendants().toList()).orElse(java.util.List.of())) {
        db += processTicks(p.pid());
      }
    }
    long[] machine = machineTicks();
    return new Sample(System.nanoTime(), machine[0], machine[1], machine[2], processTicks(self), sim, db);
  }

  Split between(Sample a, Sample b) {
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    double self = (b.self() - a.self()) / TICKS_PER_SECOND;
    double sim = (b.simulator() - a.simulator()) / TICKS_PER_SECOND;
    double db = Math.max(0, b.database() - a.database()) / TICKS_PER_SECOND;
    double busy = (b.machineBusy() - a.machineBusy()) / TICKS_PER_SECOND;
    double others = Math.max(0, busy - self - sim - db);
    return new Split(seconds, self, sim, db, others, (b.machineIdle() - a.machineIdle()) / TICKS_PER_SECOND,
        (b.steal() - a.steal()) / TICKS_PER_SECOND, Runtime.getRuntime().availableProcessors());
  }

  /** utime + stime of a process in ticks, or 0 when it cannot be read (gone, not Linux). */
  static long processTicks(long pid) {
    try {
      return parseProcessTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Fields 14 and 15 of /proc/PID/stat, counted after the command name (which may hold spaces and parentheses). */
  static long parseProcessTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** busy (user, nice, system, irq, softirq), idle (idle, iowait) and steal ticks of all CPUs. */
  static long[] machineTicks() {
    try {
      return parseMachineTicks(Files.readString(Path.of("/proc/stat")));
    } catch (IOException | RuntimeException e) {
      return new long[3];
    }
  }

  static long[] parseMachineTicks(String procStat) {
    String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow();
    String[] f = line.trim().split("\\s+");
    Map<Integer, Long> v = new HashMap<>();
    for (int i = 1; i < f.length; i++) {
      v.put(i, Long.parseLong(f[i]));
    }
    long busy = v.getOrDefault(1, 0L) + v.getOrDefault(2, 0L) + v.getOrDefault(3, 0L) + v.getOrDefault(6, 0L) + v.getOrDefault(7, 0L);
    long idle = v.getOrDefault(4, 0L) + v.getOrDefault(5, 0L);
    return new long[] {busy, idle, v.getOrDefault(8, 0L)};
  }
}
