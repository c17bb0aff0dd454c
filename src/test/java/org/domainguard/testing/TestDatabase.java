package org.domainguard.testing;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.Migrations;

/**
 * One real PostgreSQL for the whole test run, started on first use and stopped when the JVM exits.
 * Each test gets its own freshly migrated schema, so tests never see each other's rows.
 */
public final class TestDatabase {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres server;

  private TestDatabase() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder()
            .setDataDirectory(Files.createTempDirectory("domain-guard-test-pg"))
            .setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start embedded PostgreSQL for tests", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          server.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the temp directory goes with it
        }
      }));
    }
    return server;
  }

  /** A new, empty schema (not migrated). */
  public static DbTarget emptySchema() {
    String schema = "t" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
    EmbeddedPostgres pg = server();
    return new DbTarget("127.0.0.1", pg.getPort(), "postgres", "postgres", "postgres", schema);
  }

  /** A new schema with every migration applied. */
  public static DbTarget migratedSchema() {
    DbTarget target = emptySchema();
    Migrations.migrate(target);
    return target;
  }

  /** The URL form that DOMAINGUARD_DB_URL takes. */
  public static String url(DbTarget target) {
    return "postgresql://postgres:postgres@127.0.0.1:" + target.port() + "/postgres";
  }

  public static Pool pool(Vertx vertx, DbTarget target) {
    return Database.attach(vertx, target, 4).pool();
  }

  /** Runs plain SQL through JDBC, for set-up that must not depend on the code under test. */
  public static void jdbc(DbTarget target, String sql) {
    try (Connection c = server().getDatabase("postgres", "postgres").getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + target.schema());
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
