package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.discovery.DiscoveryService;

/**
 * The population: generated addresses inserted as the host application would, discovered into
 * registrable domains by the product's discovery (a one-off backfill, not part of the sweep), then
 * the database settled so the measurements that follow do not pay for it.
 */
final class PopulationPhase {
  private final PrintStream out;
  private final BenchOptions o;

  PopulationPhase(PrintStream out, BenchOptions o) {
    this.out = out;
    this.o = o;
  }

  record Result(long addresses, long watched, long skipped, long domains, long expectedDomains, long largestDomain, long top10,
      long singletons, long discovered, double seedSeconds, double discoverySeconds, double settleSeconds) {

    void report(Report report) {
      String s = "population";
      report.count(s, "addresses", "addresses", addresses);
      report.count(s, "watchedAddresses", "addresses under watch", watched);
      report.count(s, "skippedAddresses", "addresses skipped (invalid)", skipped);
      report.count(s, "domains", "registrable domains (distinct)", domains);
      report.put(s, "expectedDomains", expectedDomains);
      report.count(s, "largestDomain", "addresses on the largest domain", largestDomain);
      report.number(s, "top10Share", "share on the 10 largest domains", 100.0 * top10 / Math.max(1, watched), 1, "%");
      report.count(s, "singletonDomains", "domains with one address", singletons);
      report.number(s, "seedSeconds", "seed time (INSERT ... SELECT)", seedSeconds, 1, "s");
      report.number(s, "discoverySeconds", "discovery time (one-off backfill)", discoverySeconds, 1, "s");
      report.number(s, "settleSeconds", "VACUUM ANALYZE + CHECKPOINT", settleSeconds, 1, "s");
      report.number(s, "discoveryAddressesPerSecond", "discovery rate", discovered / Math.max(0.001, discoverySeconds), 0, "addr/s");
    }
  }

  /** Seeds, discovers and settles through {@code pool}, the bench's own (the daemon's schema, already migrated). */
  Result run(Vertx vertx, Pool pool) {
    Population population = new Population(o.addresses(), o.domains(), o.bigAddresses());
    out.printf(Locale.ROOT, "seeding %,d addresses...%n", o.addresses());
    long start = System.nanoTime();
    await(population.seed(pool, done -> {
      if (done % 1_000_000 == 0 || done == o.addresses()) {
        out.printf(Locale.ROOT, "  %,d addresses in %.1f s%n", done, (System.nanoTime() - start) / 1e9);
      }
    }), Duration.ofMinutes(60));
    double seedSeconds = (System.nanoTime() - start) / 1e9;

    out.println("discovering registrable domains (a one-off backfill, not part of the sweep)...");
    long discoveryStart = System.nanoTime();
    long discovered = await(new DiscoveryService(vertx, pool, DaemonVerticle.DISCOVERY_CHUNK).discover(), Duration.ofMinutes(60));
    double discoverySeconds = (System.nanoTime() - discoveryStart) / 1e9;

    double settleSeconds = settle(out, pool);

    long addresses = count(pool, BenchSql.COUNT_ADDRESSES);
    long domains = count(pool, BenchSql.COUNT_DOMAINS);
    Row watched = one(pool, BenchSql.WATCHED_SUMMARY);
    Row skew = one(pool, BenchSql.SKEW);
    out.printf(Locale.ROOT, "  %,d addresses discovered in %.1f s: %,d registrable domains%n", discovered, discoverySeconds, domains);
    if (domains != o.expectedDomains()) {
      out.printf(Locale.ROOT, "warning: %,d registrable domains, expected %,d%n", domains, o.expectedDomains());
    }
    return new Result(addresses, watched.getLong("watched"), watched.getLong("skipped"), domains, o.expectedDomains(),
        skew.getLong("largest"), skew.getLong("top10"), skew.getLong("singletons"), discovered, seedSeconds, discoverySeconds,
        settleSeconds);
  }

  /** VACUUM ANALYZE and CHECKPOINT, so the measurement that follows does not pay for earlier writes; seconds taken. */
  static double settle(PrintStream out, Pool pool) {
    out.println("settling the database (VACUUM ANALYZE, CHECKPOINT)...");
    long start = System.nanoTime();
    await(pool.query(BenchSql.SETTLE).execute(), Duration.ofMinutes(30));
    await(pool.query(BenchSql.CHECKPOINT).execute(), Duration.ofMinutes(10));
    return (System.nanoTime() - start) / 1e9;
  }

  private static Row one(Pool pool, String sql) {
    return await(pool.query(sql).execute(), Duration.ofMinutes(5)).iterator().next();
  }

  private static long count(Pool pool, String sql) {
    return one(pool, sql).getLong(0);
  }
}
