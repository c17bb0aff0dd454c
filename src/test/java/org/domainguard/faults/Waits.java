package org.domainguard.faults;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Bounded polling: every wait in the fault tests ends, with the last observed value when it fails. */
final class Waits {
  private Waits() {}

  /**
   * Polls {@code probe} every {@code poll} until {@code ok} accepts its value, and returns that value;
   * fails after {@code timeout} with the last value and, when given, the tail of a daemon's log.
   */
  static <T> T until(String what, Duration timeout, Duration poll, Supplier<T> probe, Predicate<T> ok, DaemonProcess daemon) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (true) {
      try {
        last = probe.get();
        lastError = null;
        if (ok.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
            + "; last value: " + last + (lastError == null ? "" : "; last error: " + lastError)
            + (daemon == null ? "" : "\n" + daemon.stderrTail(30)));
        if (lastError != null) {
          failure.initCause(lastError);
        }
        throw failure;
      }
      sleep(poll);
    }
  }

  static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> ok) {
    return until(what, timeout, Duration.ofMillis(200), probe, ok, null);
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
