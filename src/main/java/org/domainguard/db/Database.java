package org.domainguard.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;
import org.domainguard.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The database: the embedded server when no URL is configured, migrations, and the one reactive pool. */
public final class Database {
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private final Vertx vertx;
  private final Pool pool;
  private final DbTarget target;
  private final EmbeddedDatabase embedded;

  private Database(Vertx vertx, Pool pool, DbTarget target, EmbeddedDatabase embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.target = target;
    this.embedded = embedded;
  }

  /** Starts the embedded server if needed, applies migrations (on a worker thread), then builds the pool. */
  public static Future<Database> open(Vertx vertx, AppConfig.Db config) {
    Future<EmbeddedDatabase> embedded = config.embedded()
        ? vertx.executeBlocking(() -> EmbeddedDatabase.start(config.embeddedDataDir()), false)
        : Future.succeededFuture(null);
    return embedded.compose(emb -> {
      DbTarget target = emb != null ? emb.target(config.schema()) : DbTarget.fromUrl(config.url(), config.schema());
      return vertx.executeBlocking(() -> Migrations.migrate(target), false)
          .map(applied -> new Database(vertx, buildPool(vertx, target, config.poolSize()), target, emb))
          .recover(e -> stopEmbedded(vertx, emb).transform(ignored -> Future.failedFuture(e)));
    });
  }

  /** Opens a pool on an already migrated target (tests, tools). */
  public static Database attach(Vertx vertx, DbTarget target, int poolSize) {
    return new Database(vertx, buildPool(vertx, target, poolSize), target, null);
  }

  private static Pool buildPool(Vertx vertx, DbTarget target, int size) {
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(10)
        .setConnectionTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(5)
        .setIdleTimeoutUnit(TimeUnit.MINUTES)
        .setName("domain-guard");
    log.info("database pool target={} maxSize={}", target, size);
    return PgBuilder.pool().with(options).connectingTo(target.connectOptions()).using(vertx).build();
  }

  public Pool pool() {
    return pool;
  }

  public DbTarget target() {
    return target;
  }

  /** Ready means reachable and migrated: the schema history table answers. */
  public Future<Void> ping() {
    return pool.query("SELECT 1 FROM flyway_schema_history LIMIT 1").execute().mapEmpty();
  }

  public Future<Void> close() {
    return pool.close().eventually(() -> stopEmbedded(vertx, embedded));
  }

  private static Future<Void> stopEmbedded(Vertx vertx, EmbeddedDatabase emb) {
    if (emb == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      emb.close();
      return null;
    }, false);
  }
}
