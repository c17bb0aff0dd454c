package org.domainguard.db;

import io.vertx.pgclient.PgConnectOptions;
import org.domainguard.config.Urls;
import java.util.Map;

/** Where the database is: one description used by both the reactive pool and Flyway's JDBC connection. */
public record DbTarget(String host, int port, String database, String user, String password, String schema) {

  public static DbTarget fromUrl(String url, String schema) {
    PgConnectOptions o = PgConnectOptions.fromUri(Urls.postgresql(url));
    return new DbTarget(o.getHost(), o.getPort(), o.getDatabase(), o.getUser(), o.getPassword(), schema);
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256)
        .setProperties(Map.of("search_path", schema, "application_name", "domain-guard"));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    // Never print the password.
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + " (schema " + schema + ")";
  }
}
