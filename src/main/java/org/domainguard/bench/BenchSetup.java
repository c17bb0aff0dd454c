package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.EmbeddedDatabase;

/**
 * What the bench runs beside the daemon: the simulator in a process of its own, and PostgreSQL
 * (embedded with its data in {@code data/bench-pg}, wiped first; or {@code DOMAINGUARD_DB_URL} with
 * the schema {@code domainguard_bench}, dropped first). {@link #cpu()} tells their CPU time apart.
 */
record BenchSetup(SimulatorProcess simulator, EmbeddedDatabase embedded, DbTarget target, String dbUrl, CpuUsage cpu)
    implements AutoCloseable {
  static final Path DATA_DIR = Path.of("data/bench-pg");
  static final String EXTERNAL_SCHEMA = "domainguard_bench";

  static BenchSetup start(Vertx vertx, BenchOptions o, String externalUrl, Path workDir, PrintStream out)
      throws IOException, InterruptedException {
    return start(vertx, o.latency(), o.expectedDomains(), externalUrl, workDir, out);
  }

  /** The simulator (answering after {@code latency}, sized for {@code domains}) and PostgreSQL. */
  static BenchSetup start(Vertx vertx, java.time.Duration latency, long domains, String externalUrl, Path workDir, PrintStream out)
      throws IOException, InterruptedException {
    out.printf("starting the simulator process (latency %d ms) and PostgreSQL...%n", latency.toMillis());
    SimulatorProcess sim = SimulatorProcess.start(latency, workDir, domains <= 250_000 ? 256 : 1024);
    try {
      BenchSetup setup = externalUrl.isEmpty() ? embedded(sim) : external(vertx, sim, externalUrl);
      out.printf("simulator pid %d at %s; database %s%n", sim.pid(), sim.baseUrl(), setup.target());
      return setup;
    } catch (IOException | RuntimeException e) {
      sim.close();
      throw e;
    }
  }

  private static BenchSetup embedded(SimulatorProcess sim) throws IOException {
    EmbeddedDatabase.wipe(DATA_DIR);
    EmbeddedDatabase db = EmbeddedDatabase.start(DATA_DIR);
    DbTarget target = db.target("public");
    String url = "postgresql://postgres:postgres@127.0.0.1:" + target.port() + "/postgres";
    return new BenchSetup(sim, db, target, url, new CpuUsage(sim.pid(), CpuUsage.findPostmaster(DATA_DIR)));
  }

  private static BenchSetup external(Vertx vertx, SimulatorProcess sim, String url) {
    DbTarget target = DbTarget.fromUrl(url, EXTERNAL_SCHEMA);
    Database dropper = Database.attach(vertx, target, 1);
    try {
      await(dropper.pool().query(BenchSql.DROP_SCHEMA).execute(), Duration.ofMinutes(5));
    } finally {
      await(dropper.close(), Duration.ofSeconds(30));
    }
    return new BenchSetup(sim, null, target, url, new CpuUsage(sim.pid(), -1));
  }

  /** Stops PostgreSQL (when embedded), then the simulator. Call once Vert.x is closed. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (embedded != null) {
        embedded.close();
      }
    } finally {
      simulator.close();
    }
  }
}
