package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The limiter run: a daemon limited to the set rate sweeps everything for a while and is
 * cancelled; the simulator's per-second counts show what rate it achieved and its largest second.
 */
final class LimiterPhase {
  static final double LIMITER_ACHIEVED = 0.97;
  private static final Duration POLL = Duration.ofMillis(200);

  private final PrintStream out;
  private final BenchOptions o;

  LimiterPhase(PrintStream out, BenchOptions o) {
    this.out = out;
    this.o = o;
  }

  /** {@code peakRssBefore}: the bench JVM's VmHWM when the run started (it is reset then); {@code peakRss}: during the run. */
  record Result(double rate, int burst, SimulatorProcess.SimStats calls, LimiterWindow window, double elapsedSeconds,
      long peakRssBefore, long peakRss) {

    void report(Report report) {
      String s = "limiter";
      report.number(s, "setRate", "set rate", rate, 0, "/s");
      report.count(s, "burst", "burst", burst);
      report.count(s, "calls", "calls", calls.requests());
      report.number(s, "overallRate", "calls ÷ elapsed (incl. initial burst)", calls.requests() / elapsedSeconds, 1, "/s");
      report.number(s, "sustainedRate", "achieved rate (whole seconds)", window.sustainedRate(), 1, "/s");
      report.put(s, "sustainedSeconds", window.interiorSeconds());
      report.target(s, "achievedRatio", "achieved ÷ set", window.sustainedRate() / rate, 3, "",
          new Report.Target("limiter_achieved", ">=", LIMITER_ACHIEVED, "0.97"));
      report.target(s, "maxInOneSecond", "largest count in any 1 s window", calls.maxPerSecond(), 0, "",
          new Report.Target("limiter_max_window", "<=", rate + burst, "rate + burst = " + Report.format(rate + burst, 0)));
      report.number(s, "peakRssMiB", "peak RSS during the limiter run", Memory.mib(peakRss), 0, "MiB");
      report.put(s, "perSecond", new JsonArray(trim(calls.perSecond())));
    }
  }

  /** Deploys a daemon limited to the set rate, sweeps with it for the set time, cancels the sweep and undeploys it. */
  Result run(Vertx vertx, PrometheusMeterRegistry registry, BenchSetup setup) throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "limiter run: %,.0f/s, burst %d, for %d s...%n", o.rate(), o.burst(), o.limiterSeconds());
    String token = UUID.randomUUID().toString();
    try (BenchDaemon daemon = BenchDaemon.deploy(vertx, registry, BenchDaemon.config(setup, o, o.rate(), o.burst(), token), token)) {
      long peakBefore = Memory.peakRss();
      Memory.resetPeakRss();
      setup.simulator().reset();
      AdminClient admin = daemon.admin();
      long id = await(admin.startSweep("all"), Duration.ofMinutes(10));
      long launched = System.nanoTime();
      long deadline = launched + TimeUnit.SECONDS.toNanos(o.limiterSeconds());
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
        if (System.nanoTime() < deadline && !"running".equals(await(admin.sweep(id), Duration.ofMinutes(1)).getString("state"))) {
          break;
        }
      }
      long cancelledAt = System.nanoTime();
      await(admin.cancelSweep(id), Duration.ofSeconds(30));
      admin.awaitEnd(id, POLL, view -> { });
      SimulatorProcess.SimStats calls = setup.simulator().stats();
      return new Result(o.rate(), o.burst(), calls, LimiterWindow.of(calls.perSecond()), (cancelledAt - launched) / 1e9,
          peakBefore, Memory.peakRss());
    }
  }

  private static List<Long> trim(long[] perSecond) {
    int first = 0;
    while (first < perSecond.length && perSecond[first] == 0) {
      first++;
    }
    int last = perSecond.length - 1;
    while (last >= first && perSecond[last] == 0) {
      last--;
    }
    return Arrays.stream(perSecond, first, last + 1).boxed().toList();
  }
}
