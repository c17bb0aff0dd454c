package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.AppConfig;
import org.domainguard.db.AdminSql;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.Sql;
import org.domainguard.discovery.AddressParser;
import org.domainguard.discovery.ParsedAddress;
import org.domainguard.discovery.PublicSuffixList;
import org.domainguard.discovery.SuffixListSource;
import org.domainguard.discovery.SuffixListStore;

/**
 * {@code explain ADDRESS… | -}: how each address is watched (normalised address and registrable
 * domain) or why it is skipped, one JSON line each. With a database configured ({@code db.url}),
 * also the domain's phase and the address's verification, and the Public Suffix List the daemon
 * stored there. Changes nothing, never migrates and never starts an embedded PostgreSQL.
 */
final class ExplainCommand {
  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;

  ExplainCommand(Map<String, String> env, InputStream in, PrintStream out) {
    this.env = env;
    this.in = in;
    this.out = out;
  }

  int run(CommandLine cmd) {
    cmd.allow(Set.of("--config"), 1, Integer.MAX_VALUE);
    List<String> args = cmd.arguments();
    if (args.contains("-") && args.size() > 1) {
      throw new UsageException("'explain' takes addresses or '-' (one address per line on standard input), not both");
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = null;
    try {
      AppConfig config = Main.loadConfig(vertx, cmd, env);
      if (!config.db().embedded()) {
        pool = Database.attach(vertx, DbTarget.fromUrl(config.db().url(), config.db().schema()), 2).pool();
      }
      AddressParser parser = new AddressParser(await(suffixList(vertx, config, pool)));
      if (args.equals(List.of("-"))) {
        explainLines(parser, pool);
      } else {
        for (String address : args) {
          out.println(explain(parser, pool, address).encode());
        }
      }
      return Main.OK;
    } finally {
      if (pool != null) {
        await(pool.close());
      }
      await(vertx.close());
    }
  }

  /**
   * The list the daemon derives with: the one stored in the database when it is newer than the
   * bundled snapshot; without a database, a configured {@code file:} list; else the snapshot.
   */
  private static Future<PublicSuffixList> suffixList(Vertx vertx, AppConfig config, Pool pool) {
    String location = config.discovery().publicSuffixList();
    if (pool != null) {
      // Parsed here, on the command's thread, not in the pool's callbacks on an event loop.
      PublicSuffixList snapshot = PublicSuffixList.bundled();
      return new SuffixListStore(vertx, pool).load()
          .map(stored -> SuffixListStore.newer(stored, snapshot))
          .otherwise(e -> snapshot);
    }
    if (location.startsWith("file:")) {
      return new SuffixListSource(vertx, location, Clock.systemUTC()).fetch().map(SuffixListSource.Fetched::list);
    }
    return Future.succeededFuture(PublicSuffixList.bundled());
  }

  private void explainLines(AddressParser parser, Pool pool) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.println(explain(parser, pool, line).encode());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonObject explain(AddressParser parser, Pool pool, String input) {
    ParsedAddress parsed = parser.parse(input);
    JsonObject line = new JsonObject().put("input", input);
    if (parsed.isWatched()) {
      line.put("normalized", parsed.normalized()).put("domain", parsed.domain());
    } else {
      line.put("skipped", parsed.skipReason());
    }
    if (pool != null) {
      Row row = hostRow(pool, input, parsed);
      line.put("phase", parsed.isWatched() ? phase(pool, parsed.domain()) : null)
          .put("verified", row == null ? null : row.getBoolean("verified"))
          .put("unverifyReason", row == null ? null : row.getString("unverify_reason"));
    }
    return line;
  }

  /** The host's row for the address: through its normalised form (indexed), else by the text itself. */
  private static Row hostRow(Pool pool, String input, ParsedAddress parsed) {
    RowSet<Row> rows = null;
    if (parsed.isWatched()) {
      rows = await(pool.preparedQuery(AdminSql.EMAIL_BY_NORMALIZED).execute(Tuple.of(parsed.normalized(), 1)));
    }
    if (rows == null || rows.size() == 0) {
      rows = await(pool.preparedQuery(AdminSql.EMAIL_BY_ADDRESS).execute(Tuple.of(input.strip(), parsed.domain(), 1)));
    }
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static String phase(Pool pool, String domain) {
    RowSet<Row> rows = await(pool.preparedQuery(Sql.DOMAIN_PHASE).execute(Tuple.of(domain)));
    return rows.size() == 0 ? null : rows.iterator().next().getString("phase");
  }
}
