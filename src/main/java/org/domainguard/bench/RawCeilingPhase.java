package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.domainguard.check.Providers;
import org.domainguard.config.AppConfig;

/**
 * The raw ceiling: a plain WebClient loop against the simulator with the daemon's concurrency and
 * connection pool, and no database. CPU is measured after the warm-up.
 */
final class RawCeilingPhase {
  private final PrintStream out;
  private final BenchOptions o;

  RawCeilingPhase(PrintStream out, BenchOptions o) {
    this.out = out;
    this.o = o;
  }

  record Result(RawCeiling.Result raw, CpuUsage.Split cpu) {
    double callsPerSecond() {
      return raw.callsPerSecond();
    }

    void report(Report report, boolean seesDatabase) {
      String s = "raw ceiling";
      report.number(s, "callsPerSecond", "calls/s", raw.callsPerSecond(), 0, "/s");
      report.count(s, "calls", "calls measured", raw.calls());
      report.number(s, "seconds", "measured for", raw.seconds(), 1, "s");
      report.number(s, "p50Ms", "p50 call latency", raw.p50Millis(), 2, "ms");
      report.number(s, "p99Ms", "p99 call latency", raw.p99Millis(), 2, "ms");
      report.count(s, "errors", "errors", raw.errors());
      CpuLines.report(report, s, cpu, seesDatabase, raw.calls(), "call");
    }
  }

  /** {@code provider}: the daemon's provider settings, whose HTTP client the loop uses. */
  Result run(Vertx vertx, AppConfig.Provider provider, BenchSetup setup, long domains) throws IOException, InterruptedException {
    int warmUp = warmUpSeconds(o);
    out.printf("raw ceiling: WebClient loop (%s), %d in flight, %d s warm-up + %d s...%n",
        o.rdap() ? "RDAP lookups at each name's simulated server" : "Fastly format", o.concurrency(), warmUp, o.rawSeconds());
    setup.simulator().reset();
    WebClient client = Providers.webClient(vertx, provider);
    try {
      RawCeiling.Endpoint endpoint = o.rdap()
          ? RawCeiling.rdap(RdapBootstrap.parse(setup.simulator().rdapBootstrap()))
          : RawCeiling.fastly(setup.simulator().baseUrl());
      Future<RawCeiling.Result> running = new RawCeiling(vertx, client, endpoint, o.concurrency(), domains)
          .run(Duration.ofSeconds(warmUp), Duration.ofSeconds(o.rawSeconds()));
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmUp));
      CpuUsage.Sample measuredFrom = setup.cpu().sample();
      RawCeiling.Result raw = await(running, Duration.ofMinutes(5));
      return new Result(raw, setup.cpu().between(measuredFrom, setup.cpu().sample()));
    } finally {
      client.close();
    }
  }

  private static int warmUpSeconds(BenchOptions o) {
    return o.quick() ? 2 : 5;
  }
}
