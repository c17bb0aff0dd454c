package org.domainguard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL goes away in the middle of a sweep and comes back on the same address: the daemon
 * reports itself unready, stops calling the provider (results it could not write are not worth
 * paying for), stays alive, and resumes by itself once the database is back.
 */
class DatabaseOutageIT extends FaultScenario {
  private static final String CHECKS = "domainguard_checks_total";

  /** What the outage left: the daemon (still running, database back and ready), the sweep it hit, the checks made. */
  private record Outage(DaemonProcess daemon, SweepRow before, double checksAtQuiet) {}

  /**
   * Stops PostgreSQL in the middle of the first sweep, checks what the daemon does during the
   * outage, starts PostgreSQL again on the same data and port, and waits until the daemon is ready.
   */
  private Outage outageMidSweep() {
    DaemonProcess daemon = startDaemon();
    SweepRow before = awaitMidSweep(daemon, 300);
    assertEquals(200, daemon.get("/health/live").status());

    pg.stop();
    long outageAt = System.nanoTime();

    // Unready within a few seconds; live all along.
    Waits.until("/health/ready 503 during the outage", Duration.ofSeconds(5), Duration.ofMillis(100),
        () -> daemon.get("/health/ready").status(), s -> s == 503, daemon);
    long unreadyMs = since(outageAt);

    // Provider calls stop: the checks counter (and the simulator's own count) stop growing within ~10 s.
    List<String> trace = new ArrayList<>();
    double[] lastChecks = {daemon.metric(CHECKS)};
    long[] stableSince = {System.nanoTime()};
    Waits.until("checks to stop growing during the outage", Duration.ofSeconds(10), Duration.ofMillis(250), () -> {
      assertEquals(200, daemon.get("/health/live").status(), "/health/live during the outage");
      double now = daemon.metric(CHECKS);
      trace.add(since(outageAt) + "ms=" + (long) now);
      if (now != lastChecks[0]) {
        lastChecks[0] = now;
        stableSince[0] = System.nanoTime();
      }
      return since(stableSince[0]);
    }, stableMs -> stableMs >= 2_000, daemon);
    long quietAfterMs = since(outageAt) - 2_000;
    double checksAtQuiet = daemon.metric(CHECKS);
    long callsAtQuiet = daemon.simulatorRequests();

    // ... and stay stopped: several sweep intervals pass with the database still down.
    for (int i = 0; i < 12; i++) {
      Waits.sleep(Duration.ofMillis(500));
      assertEquals(200, daemon.get("/health/live").status(), "/health/live during the outage");
      assertEquals(503, daemon.get("/health/ready").status(), "/health/ready during the outage");
    }
    assertEquals(checksAtQuiet, daemon.metric(CHECKS), "checks made while the database was down");
    assertEquals(callsAtQuiet, daemon.simulatorRequests(), "provider calls made while the database was down");
    assertTrue(daemon.alive(), "the daemon must survive a database outage");
    long outageMs = since(outageAt);
    System.out.printf("outage: sweep %d at %d/%d; unready after %d ms; checks quiet after ~%d ms at %d (%s); outage lasted %d ms%n",
        before.id(), before.done(), before.total(), unreadyMs, quietAfterMs, (long) checksAtQuiet, trace, outageMs);

    pg.start();
    long backAt = System.nanoTime();
    Waits.until("/health/ready 200 after the database returned", Duration.ofSeconds(15), Duration.ofMillis(100),
        () -> daemon.get("/health/ready").status(), s -> s == 200, daemon);
    System.out.printf("outage: ready %d ms after the database returned%n", since(backAt));
    return new Outage(daemon, before, checksAtQuiet);
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void databaseOutageMidSweepMakesTheDaemonUnreadyStopsCheckingAndResumesWithoutRestartWhenItReturns() {
    Outage o = outageMidSweep();
    DaemonProcess daemon = o.daemon();
    SweepRow before = o.before();
    double checksAtQuiet = o.checksAtQuiet();
    long backAt = System.nanoTime();

    awaitAllChecked(Duration.ofSeconds(60), daemon);
    long allCheckedMs = since(backAt);
    assertTrue(daemon.metric(CHECKS) > checksAtQuiet, "checking resumed");

    // The interrupted sweep cannot record its own end while the database is down; it is marked
    // failed (by this same daemon) once its heartbeat is a lease old, so none is left running.
    Waits.until("no sweep left running", LEASE.plusSeconds(15), Duration.ofMillis(250),
        () -> sweeps("WHERE state = 'running'"), List::isEmpty, daemon);
    Waits.until("no domain leased", Duration.ofSeconds(15), () -> leased(), n -> n == 0);
    SweepRow interrupted = sweep(before.id());
    List<SweepRow> all = sweeps("");
    System.out.printf("outage: all checked %d ms after the database was ready again; interrupted sweep %s; sweeps %s%n",
        allCheckedMs, interrupted, all);
    assertEquals("failed", interrupted.state(), "state of the sweep the outage interrupted");
    assertTrue(interrupted.done() < interrupted.total(), "the interrupted sweep stopped short: " + interrupted);

    assertEachDomainCheckedOnce();
    assertLapsingDomainsUnverified();
    assertInvariants();

    daemon.terminate();
    assertEquals(0, daemon.awaitExit(Duration.ofSeconds(30)).orElse(-1), "exit code on SIGTERM after the outage\n" + daemon.stderrTail(20));
  }

  /**
   * The sweep the outage interrupted ends as failed in memory at once ("sweep finished
   * state=failed"), but recording that end fails while the database is down and is never retried.
   * Once the database is back the row should say failed, with the database error, not stay
   * 'running' for a whole lease and then be reported as abandoned by a stopped daemon.
   */
  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void databaseOutageMidSweepRecordsTheInterruptedSweepAsFailedWithItsCauseOnceTheDatabaseReturns() {
    Outage o = outageMidSweep();
    SweepRow interrupted = Waits.until("the interrupted sweep recorded as ended", Duration.ofSeconds(5), Duration.ofMillis(200),
        () -> sweep(o.before().id()), s -> !s.state().equals("running"), o.daemon());
    assertEquals("failed", interrupted.state());
    assertFalse(interrupted.error() == null || interrupted.error().contains("abandoned"),
        "the sweep's error should name the database failure, not a stopped daemon: " + interrupted.error());
  }

  private static long since(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
