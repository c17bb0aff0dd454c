package org.domainguard.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Flyway migrations from {@code classpath:db/migration}. Blocking (JDBC): call on a worker thread. */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static int migrate(DbTarget target) {
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .schemas(target.schema())
        .defaultSchema(target.schema())
        .createSchemas(true)
        .locations("classpath:db/migration")
        .loggers("slf4j")
        .load();
    MigrateResult result = flyway.migrate();
    log.info("migrations applied count={} schemaVersion={} schema={}", result.migrationsExecuted, result.targetSchemaVersion, target.schema());
    return result.migrationsExecuted;
  }
}
