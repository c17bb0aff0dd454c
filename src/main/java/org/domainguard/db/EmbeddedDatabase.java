package org.domainguard.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by domain-guard itself when no database URL is configured. Its data
 * directory survives restarts. Start and stop block: call them on a worker thread.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL with its data in {@code dataDir} (kept between runs) on a free local port. */
  public static EmbeddedDatabase start(Path dataDir) throws IOException {
    Path absolute = dataDir.toAbsolutePath();
    Files.createDirectories(absolute);
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(absolute)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "100")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
    log.info("embedded PostgreSQL started port={} dataDir={}", pg.getPort(), absolute);
    return new EmbeddedDatabase(pg);
  }

  /** Deletes a data directory so the next start begins empty (demo and bench runs). Blocking. */
  public static void wipe(Path dataDir) throws IOException {
    if (Files.exists(dataDir)) {
      try (Stream<Path> paths = Files.walk(dataDir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  public DbTarget target(String schema) {
    return new DbTarget("127.0.0.1", postgres.getPort(), "postgres", "postgres", "postgres", schema);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    log.info("embedded PostgreSQL stopped");
  }
}
