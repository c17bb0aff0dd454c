package org.domainguard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** kill -9 in the middle of a sweep, then a restart: the restarted daemon finishes the sweep, nothing twice, nothing lost. */
class KillRestartIT extends FaultScenario {

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void killNineMidSweepThenRestartFinishesTheSweepAndChecksEveryDomainExactlyOnce() {
    DaemonProcess first = startDaemon();
    SweepRow before = awaitMidSweep(first, 300);
    first.kill();
    long killedAt = System.nanoTime();

    SweepRow orphan = sweep(before.id());
    long leasedAtKill = leasedUnexpired();
    long checkedAtKill = count("SELECT count(*) FROM domain_checks");
    System.out.printf("kill -9: sweep %s left behind; %d domains leased, %d checks committed%n", orphan, leasedAtKill, checkedAtKill);
    assertEquals("running", orphan.state(), "nobody could record the end of a SIGKILLed sweep");
    assertTrue(leasedAtKill > 0, "a sweep killed mid-way holds leases on the domains it had taken");

    DaemonProcess second = startDaemon();
    long restartedMs = (System.nanoTime() - killedAt) / 1_000_000;

    // The restarted daemon joins the sweep the killed one left running and finishes it: the killed
    // daemon's leased domains are taken over once it has missed its heartbeats (fleet.dead-after).
    awaitAllChecked(Duration.ofSeconds(60), second);
    long allCheckedMs = (System.nanoTime() - killedAt) / 1_000_000;
    SweepRow finished = Waits.until("the killed daemon's sweep finished", LEASE.plusSeconds(15), Duration.ofMillis(250),
        () -> sweep(before.id()), s -> !s.state().equals("running"), second);
    assertEquals("completed", finished.state(), "the sweep was finished by the daemon that joined it: " + finished);
    assertEquals(DOMAINS, finished.done(), "one sweep counted every domain, the killed daemon's part and the rest");

    // No domain stays leased.
    Waits.until("no domain leased", Duration.ofSeconds(15), () -> leased(), n -> n == 0);
    Waits.until("no sweep running", LEASE.plusSeconds(5), () -> sweeps("WHERE state = 'running'"), List::isEmpty);

    List<SweepRow> all = sweeps("");
    System.out.printf("kill -9: restart after %d ms; all checked %d ms after the kill; sweeps %s%n", restartedMs, allCheckedMs, all);
    assertTrue(all.stream().allMatch(s -> s.state().equals("completed")), "every sweep completed: " + all);
    assertEquals(DOMAINS, all.stream().mapToInt(SweepRow::done).sum(), "domains done over all sweeps");

    // Committed results of the killed daemon were kept (not checked again); uncommitted ones were checked once more.
    assertEachDomainCheckedOnce();
    assertLapsingDomainsUnverified();
    assertInvariants();

    second.terminate();
    assertEquals(0, second.awaitExit(Duration.ofSeconds(30)).orElse(-1), "the restarted daemon exits 0 on SIGTERM\n" + second.stderrTail(20));
  }
}
