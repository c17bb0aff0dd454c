package org.domainguard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several daemons as real processes on one database, sharing one provider (the simulator in its
 * own process, which counts every arrival): the provider's limit holds for their sum in every
 * one-second window as daemons join and die, every domain is checked once, the mass-change guard's
 * limit holds for all of them together, an operator's sweep is one sweep joined by all, and a daemon
 * killed with -9 has its domains taken over once it stops heartbeating, well before its leases end.
 */
class FleetIT extends FaultScenario {
  static final int RATE = 100;
  static final int BURST = 10;
  /** Heartbeat 500 ms; a share not renewed for 2 s lapses; a daemon silent for 3 s is dead. */
  static final Duration DEAD_AFTER = Duration.ofSeconds(3);

  private StandaloneSimulator simulator;
  /** guard.max-changes of every daemon: no limit unless a test sets one. */
  private int maxChanges = 1_000_000;
  /** schedule.sweep-interval of every daemon. */
  private String sweepInterval = "2s";
  private final List<Integer> ports = new ArrayList<>();

  @BeforeEach
  void startSimulator() {
    simulator = StandaloneSimulator.start(dir, simulatorPort, Duration.ofMillis(20));
  }

  @AfterEach
  void stopSimulator() {
    if (simulator != null) {
      simulator.close();
    }
  }

  @Override
  String yaml() {
    return """
        provider:
          name: fastly
          rate-per-second: %d
          burst: %d
          max-in-flight: 16
          connect-timeout: 1s
          response-timeout: 2s
          retries: 1
          retry-backoff: 50ms
          max-check-wait: 2s
          breaker:
            cool-down: 2s
          fastly:
            base-url: %s
            api-key: fleet-test
        schedule:
          sweep-interval: %s
          discovery-interval: 1s
          lease: %ds
        writer:
          batch-size: 100
          max-delay: 100ms
        guard:
          max-changes: %d
          max-change-ratio: 1.0
        fleet:
          heartbeat: 500ms
          grant-ttl: 2s
          dead-after: %ds
        http:
          host: 127.0.0.1
          admin:
            insecure: true
        metrics:
          refresh-interval: 1s
        """.formatted(RATE, BURST, simulator.baseUrl(), sweepInterval, LEASE.toSeconds(), maxChanges, DEAD_AFTER.toSeconds());
  }

  private DaemonProcess daemon() {
    int port = freePorts(1)[0];
    ports.add(port);
    return startDaemon(port);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theLimitHoldsForTheSumOfOneTwoAndThreeDaemonsAndWhenOneIsKilledAndAnotherStarts() {
    DaemonProcess first = daemon();
    Waits.until("the first daemon calling", Duration.ofSeconds(20), Duration.ofMillis(100), simulator::requests, n -> n >= 150, first);
    long alone = simulator.maxInAnySecond();
    DaemonProcess second = daemon();
    Waits.sleep(Duration.ofSeconds(3));
    long two = simulator.maxInAnySecond();
    daemon();
    Waits.sleep(Duration.ofSeconds(3));
    long three = simulator.maxInAnySecond();
    second.kill();
    Waits.sleep(Duration.ofSeconds(3));
    long afterKill = simulator.maxInAnySecond();
    DaemonProcess fourth = daemon();
    awaitAllChecked(Duration.ofSeconds(60), fourth);
    long overall = simulator.maxInAnySecond();

    System.out.printf("fleet: busiest 1 s window at the provider (limit %d + burst %d): alone %d, two %d, three %d, after a kill %d, overall %d;"
        + " per second %s%n", RATE, BURST, alone, two, three, afterKill, overall, busySeconds(simulator.perSecond()));
    assertTrue(overall <= RATE + BURST, "calls in the busiest one-second window at the provider: " + overall);
    assertEachDomainCheckedOnce();
    assertInvariants();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDaemonKilledWithMinusNineHasItsDomainsTakenOverWithinTheHeartbeatBoundNotTheLease() {
    DaemonProcess first = daemon();
    awaitMidSweep(first, 300);
    DaemonProcess second = daemon();
    String owner = "%/" + first.pid() + "/%";
    long leased = Waits.until("the first daemon holding leases", Duration.ofSeconds(10), Duration.ofMillis(20),
        () -> count("SELECT count(*) FROM domains WHERE lease_owner LIKE '" + owner + "'"), n -> n > 0, first);
    first.kill();
    long killedAt = System.nanoTime();

    Waits.until("the killed daemon's leases taken over", LEASE, Duration.ofMillis(100),
        () -> count("SELECT count(*) FROM domains WHERE lease_owner LIKE '" + owner + "'"), n -> n == 0, second);
    long takenOverMs = (System.nanoTime() - killedAt) / 1_000_000;
    awaitAllChecked(Duration.ofSeconds(60), second);
    long allCheckedMs = (System.nanoTime() - killedAt) / 1_000_000;

    System.out.printf("fleet: kill -9 with %d domains leased; taken over after %d ms (dead after %d ms, lease %d ms); all checked after %d ms%n",
        leased, takenOverMs, DEAD_AFTER.toMillis(), LEASE.toMillis(), allCheckedMs);
    // Dead after 3 s, then the survivor's next page or sweep (every 2 s): well before the 10 s lease.
    assertTrue(takenOverMs <= DEAD_AFTER.toMillis() + 4_000, "taken over " + takenOverMs + " ms after the kill");
    assertEachDomainCheckedOnce();
    assertInvariants();
    assertTrue(simulator.maxInAnySecond() <= RATE + BURST, "busiest second at the provider: " + simulator.maxInAnySecond());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theMassChangeGuardsLimitHoldsForThreeDaemonsTogether() {
    maxChanges = 20;
    daemon();
    daemon();
    DaemonProcess third = daemon();
    awaitAllChecked(Duration.ofSeconds(60), third);

    long unverified = count("SELECT count(*) FROM email_addresses WHERE NOT verified");
    long events = count("SELECT count(*) FROM verification_events WHERE NOT new_verified");
    long held = count("SELECT coalesce(sum(addresses), 0) FROM held_changes WHERE state = 'held'");
    long lapsing = count("SELECT count(*) FROM email_addresses e JOIN watched_addresses w ON w.email_id = e.id"
        + " JOIN domains d ON d.id = w.domain_id WHERE d.phase IN ('REDEMPTION', 'PENDING_DELETE', 'RELEASED')");
    System.out.printf("fleet: guard max-changes %d over three daemons: %d addresses unverified, %d held, %d on lapsing domains%n",
        maxChanges, unverified, held, lapsing);
    assertTrue(unverified <= maxChanges, "addresses unverified by three daemons together: " + unverified);
    assertTrue(unverified > 0 && held > 0, "the guard applied up to its limit and held the rest: " + unverified + " applied, " + held + " held");
    assertEquals(unverified, events, "one audit row per unverified address");
    assertEquals(lapsing, unverified + held, "every address on a lapsing domain was either unverified or held");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void anOperatorsSweepOfAllIsJoinedByEveryDaemonChecksEachDomainOnceAndCountsTheirWork() {
    sweepInterval = "1h";
    List<DaemonProcess> fleet = List.of(daemon(), daemon(), daemon());
    DaemonProcess.Answer started = fleet.get(0).post("/admin/v1/sweeps", "{\"scope\": \"all\"}");
    assertEquals(202, started.status(), started.body());
    long id = new JsonObject(started.body()).getLong("id");

    SweepRow ended = Waits.until("the sweep ended", Duration.ofSeconds(60), Duration.ofMillis(250), () -> sweep(id),
        s -> !s.state().equals("running"), fleet.get(0));
    long[] checksBy = fleet.stream().mapToLong(d -> (long) d.metric("domainguard_checks_total")).toArray();
    System.out.printf("fleet: operator sweep of all %s; checks by each daemon %s; provider calls %d%n",
        ended, Arrays.toString(checksBy), simulator.requests());
    assertEquals("completed", ended.state(), "state of " + ended);
    assertEquals(DOMAINS, ended.total(), "the sweep's total is every domain, not one daemon's part");
    assertEquals(DOMAINS, ended.done(), "the sweep's done counts every daemon's work");
    assertEquals(DOMAINS, simulator.requests(), "each domain called once at the provider");
    for (long n : checksBy) {
      assertTrue(n > 0, "every daemon took part: " + Arrays.toString(checksBy));
    }
    assertEquals(1, sweeps("").size(), "one sweep, joined by the others rather than started again");
    assertEachDomainCheckedOnce();
    assertInvariants();
  }

  private static List<Long> busySeconds(long[] perSecond) {
    List<Long> busy = new ArrayList<>();
    for (long n : perSecond) {
      if (n > 0 || !busy.isEmpty()) {
        busy.add(n);
      }
    }
    return busy;
  }
}
