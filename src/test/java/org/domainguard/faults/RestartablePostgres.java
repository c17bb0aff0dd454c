package org.domainguard.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL the test controls: a fixed data directory and a fixed port, so it can be stopped
 * (an outage, as far as the daemon can tell) and started again on the same data and address.
 */
final class RestartablePostgres implements AutoCloseable {
  private final Path dataDir;
  private final Path log;
  private final int port;
  private EmbeddedPostgres server;

  RestartablePostgres(Path dataDir, Path log, int port) {
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
  }

  synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("already running");
    }
    try {
      Files.createDirectories(dataDir);
      server = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setServerConfig("max_connections", "100")
          .setOutputRedirector(Redirect.appendTo(log.toFile()))
          .setErrorRedirector(Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL on port " + port + " with data in " + dataDir, e);
    }
  }

  /** Stops the server (pg_ctl stop -m fast: every client connection is cut); the data stays. */
  synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
    } finally {
      server = null;
    }
  }

  synchronized boolean running() {
    return server != null;
  }

  int port() {
    return port;
  }

  /** The form DOMAINGUARD_DB_URL takes. */
  String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/postgres";
  }

  /** A new JDBC connection with {@code schema} as its search path. */
  Connection connect(String schema) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + schema);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  @Override
  public void close() {
    stop();
  }
}
