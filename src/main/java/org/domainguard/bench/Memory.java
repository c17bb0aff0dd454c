package org.domainguard.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** This process's memory as the kernel and the JVM see it. Linux only for RSS; elsewhere -1. */
final class Memory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private Memory() {}

  /** Peak resident set size (VmHWM) in bytes, or -1 when unknown. */
  static long peakRss() {
    return statusKb("VmHWM");
  }

  /** Current resident set size (VmRSS) in bytes, or -1 when unknown. */
  static long rss() {
    return statusKb("VmRSS");
  }

  /** Resets the peak RSS to the current RSS (Linux 4.0+: {@code echo 5 > /proc/self/clear_refs}); false when not possible. */
  static boolean resetPeakRss() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Heap in use after a full collection, in bytes. */
  static long heapAfterGc() {
    MemoryMXBean bean = ManagementFactory.getMemoryMXBean();
    System.gc();
    System.gc();
    return bean.getHeapMemoryUsage().getUsed();
  }

  static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  static long statusKb(String field) {
    try {
      return parseKb(Files.readString(STATUS), field);
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }

  /** {@code field}'s value in bytes from /proc/PID/status text ("VmHWM:   123456 kB"), or -1. */
  static long parseKb(String status, String field) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field) + ":\\s+(\\d+)\\s*kB").matcher(status);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  static double mib(long bytes) {
    return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
  }
}
