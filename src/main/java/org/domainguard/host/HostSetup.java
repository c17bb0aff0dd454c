package org.domainguard.host;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.db.DbTarget;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares the host's own table at {@code migrate} and start-up (blocking JDBC: call on a worker
 * thread): finds it and its columns, checks that domain-guard's role holds the privileges the
 * chosen modes need, checks that every value it may write fits the reason column, and with
 * {@code capture: trigger} installs the triggers that queue changed ids. A problem is a
 * {@link ConfigException} naming the setting and, for a privilege, the GRANT that fixes it.
 */
public final class HostSetup {
  private static final Logger log = LoggerFactory.getLogger(HostSetup.class);

  /** Id types a keyset can walk in the host's own index order. */
  private static final Set<String> INTEGER_IDS = Set.of("smallint", "integer", "bigint");

  static final String[] TRIGGERS = {"domainguard_capture_insert", "domainguard_capture_update", "domainguard_capture_delete"};

  /**
   * The host table's columns and their types. A type of the host's own (an enum, a domain) is named
   * with its schema: domain-guard's pool runs with its own schema as search_path, where an
   * unqualified {@code unverifyreasons} from {@code public} would not resolve.
   */
  private static final String COLUMNS = """
      SELECT a.attname,
             CASE WHEN n.nspname = 'pg_catalog' THEN format_type(a.atttypid, a.atttypmod)
                  ELSE quote_ident(n.nspname) || '.' || quote_ident(t.typname) END AS type,
             t.typcategory
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped""";

  private HostSetup() {}

  /** {@link #prepare(DbTarget, AppConfig.Host)} on a worker thread; null (the default table) when {@code host} is null. */
  public static Future<HostTable> prepare(Vertx vertx, DbTarget target, AppConfig.Host host) {
    return host == null ? Future.succeededFuture(null) : vertx.executeBlocking(() -> prepare(target, host), false);
  }

  /** The host table ready to watch, or a {@link ConfigException} saying what is missing. */
  public static HostTable prepare(DbTarget target, AppConfig.Host host) {
    try (Connection c = DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password())) {
      requireSchemaUsage(c, host, target.user());
      HostTable table = inspect(c, host);
      requirePrivileges(c, host, target.user());
      warnOfOwnAddresses(c, table, target.schema());
      if (host.write() == AppConfig.Write.DIRECT && table.reasonType() != null) {
        checkReasonValues(c, table);
      }
      if (host.capture() == AppConfig.Capture.TRIGGER) {
        installTriggers(c, table, target.schema());
      }
      return table;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot prepare the host table " + host.displayName() + ": " + e.getMessage(), e);
    }
  }

  private static HostTable inspect(Connection c, AppConfig.Host host) throws SQLException {
    Map<String, String[]> columns = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement(COLUMNS)) {
      s.setString(1, host.sqlName());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          columns.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
        }
      }
    }
    if (columns.isEmpty()) {
      throw new ConfigException("host.table", "no table " + host.displayName() + " in the database (or domain-guard's role cannot see its schema)");
    }
    AppConfig.HostColumns names = host.columns();
    String[] id = column(columns, host, "id", names.id());
    if (!INTEGER_IDS.contains(id[0]) && !"S".equals(id[1]) && !"uuid".equals(id[0])) {
      throw new ConfigException("host.columns.id", "column " + names.id() + " is " + id[0] + ": expected an integer, text or uuid id");
    }
    String[] address = column(columns, host, "address", names.address());
    if (!"S".equals(address[1])) {
      throw new ConfigException("host.columns.address", "column " + names.address() + " is " + address[0] + ": expected text");
    }
    String[] verified = column(columns, host, "verified", names.verified());
    if (!"boolean".equals(verified[0])) {
      throw new ConfigException("host.columns.verified", "column " + names.verified() + " is " + verified[0] + ": expected boolean");
    }
    String reasonType = names.reason() == null ? null : column(columns, host, "reason", names.reason())[0];
    return new HostTable(host, id[0], reasonType);
  }

  private static String[] column(Map<String, String[]> columns, AppConfig.Host host, String key, String name) {
    String[] found = columns.get(name);
    if (found == null) {
      throw new ConfigException("host.columns." + key, "no column " + name + " in " + host.displayName());
    }
    return found;
  }

  /** Without USAGE on its schema the table cannot even be found: say so before looking. */
  private static void requireSchemaUsage(Connection c, AppConfig.Host host, String role) throws SQLException {
    if (!privileged(c, "SELECT COALESCE((SELECT has_schema_privilege(oid, 'USAGE') FROM pg_namespace WHERE nspname = ?), true)", host.schema())) {
      throw cannotRead(host, role);
    }
  }

  /** Addresses written to email_addresses directly (the default mode's) stay watched beside the host table's: say so. */
  private static void warnOfOwnAddresses(Connection c, HostTable table, String schema) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + AppConfig.Host.quoted(schema) + ".email_addresses WHERE host_id IS NULL)")) {
      if (rs.next() && rs.getBoolean(1)) {
        log.warn("email_addresses holds addresses that are not from the host table; they stay watched beside it table={} schema={}",
            table.config().displayName(), schema);
      }
    }
  }

  private static ConfigException cannotRead(AppConfig.Host host, String role) {
    return new ConfigException("host.table", "domain-guard's role " + role + " cannot read " + host.displayName()
        + ": GRANT USAGE ON SCHEMA " + host.schema() + " TO " + role + "; GRANT SELECT ON " + host.displayName() + " TO " + role);
  }

  /** Each mode's privileges, checked before use so that the error names the GRANT rather than failing mid-way. */
  private static void requirePrivileges(Connection c, AppConfig.Host host, String role) throws SQLException {
    String table = host.displayName();
    if (!privileged(c, "SELECT has_table_privilege(?, 'SELECT')", host.sqlName())) {
      throw cannotRead(host, role);
    }
    if (host.capture() == AppConfig.Capture.TRIGGER && !privileged(c, "SELECT has_table_privilege(?, 'TRIGGER')", host.sqlName())) {
      throw new ConfigException("host.capture", "trigger needs the TRIGGER privilege on " + table + ", which domain-guard's role "
          + role + " lacks: GRANT TRIGGER ON " + table + " TO " + role + " (or use capture: poll, which needs SELECT only)");
    }
    if (host.write() == AppConfig.Write.DIRECT) {
      List<String> written = host.columns().reason() == null
          ? List.of(host.columns().verified()) : List.of(host.columns().verified(), host.columns().reason());
      String columns = String.join(", ", written);
      for (String column : written) {
        if (!privileged(c, "SELECT has_column_privilege(?, ?, 'UPDATE')", host.sqlName(), column)) {
          throw new ConfigException("host.write", "direct needs the UPDATE privilege on " + table + " (" + columns + "), which domain-guard's role "
              + role + " lacks: GRANT UPDATE (" + columns + ") ON " + table + " TO " + role + " (or use write: none)");
        }
      }
    }
  }

  private static boolean privileged(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setString(i + 1, args[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  /** Every value an unverification may write must fit the reason column (an enum's labels, a length). */
  private static void checkReasonValues(Connection c, HostTable table) throws SQLException {
    AppConfig.Host host = table.config();
    for (String reason : Metrics.UNVERIFY_REASONS) {
      String value = host.reasonValue(reason);
      try (PreparedStatement s = c.prepareStatement("SELECT ?::text::" + table.reasonType())) {
        s.setString(1, value);
        s.executeQuery().close();
      } catch (SQLException e) {
        String key = host.reasonValues().containsKey(reason) ? "host.reason-values." + reason
            : host.reasonValues().containsKey(AppConfig.Host.DEFAULT_REASON) ? "host.reason-values.default" : "host.reason-values";
        throw new ConfigException(key, "'" + value + "' cannot be written to column " + host.columns().reason() + " ("
            + table.reasonType() + "): " + e.getMessage().lines().findFirst().orElse("") + "; set a value it accepts (an enum label, say)");
      }
    }
  }

  /**
   * Installs (or refreshes) the statement-level triggers that queue the ids of inserted, changed
   * and deleted rows in domain-guard's host_changes. The first install also queues every existing
   * row, in the same transaction, so nothing inserted meanwhile is missed. The function runs as
   * its owner (domain-guard's role): the host application's role needs no grant on domain-guard's
   * schema.
   */
  private static void installTriggers(Connection c, HostTable table, String schema) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(hashtext('domainguard.host_capture'))");
      s.execute(captureFunction(table, schema));
      boolean installed;
      try (PreparedStatement q = c.prepareStatement(
          "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ANY(?)")) {
        q.setString(1, table.name());
        q.setArray(2, c.createArrayOf("text", TRIGGERS));
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          installed = rs.getInt(1) == TRIGGERS.length;
        }
      }
      if (!installed) {
        for (String trigger : TRIGGERS) {
          s.execute("DROP TRIGGER IF EXISTS " + trigger + " ON " + table.name());
        }
        String function = AppConfig.Host.quoted(schema) + ".domainguard_host_capture()";
        s.execute("CREATE TRIGGER " + TRIGGERS[0] + " AFTER INSERT ON " + table.name()
            + " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION " + function);
        s.execute("CREATE TRIGGER " + TRIGGERS[1] + " AFTER UPDATE ON " + table.name()
            + " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION " + function);
        s.execute("CREATE TRIGGER " + TRIGGERS[2] + " AFTER DELETE ON " + table.name()
            + " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION " + function);
        int queued = s.executeUpdate("INSERT INTO " + AppConfig.Host.quoted(schema) + ".host_changes (host_id) SELECT "
            + table.id("h") + "::text FROM " + table.name() + " h");
        log.info("host table triggers installed table={} rowsQueued={}", table.config().displayName(), queued);
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      if ("42501".equals(e.getSQLState())) {
        throw new ConfigException("host.capture", "trigger: installing triggers on " + table.config().displayName()
            + " was refused (" + e.getMessage().lines().findFirst().orElse("") + "); it needs the TRIGGER privilege on that table");
      }
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * One function for the three triggers: an insert or delete queues every row, an update the rows
   * whose address or verified changed, marking a turn of verified to true as a re-verification
   * unless domain-guard's own write (a revert) made it.
   */
  static String captureFunction(HostTable t, String schema) {
    String queue = AppConfig.Host.quoted(schema) + ".host_changes";
    return "CREATE OR REPLACE FUNCTION " + AppConfig.Host.quoted(schema) + ".domainguard_host_capture() RETURNS trigger\n"
        + "LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$\n"
        + "BEGIN\n"
        + "    IF TG_OP = 'INSERT' THEN\n"
        + "        INSERT INTO " + queue + " (host_id) SELECT " + t.id("n") + "::text FROM new_rows n;\n"
        + "    ELSIF TG_OP = 'UPDATE' THEN\n"
        + "        INSERT INTO " + queue + " (host_id, reverified)\n"
        + "        SELECT " + t.id("n") + "::text, " + t.verifiedOrFalse("n") + " AND NOT " + t.verifiedOrFalse("o") + "\n"
        + "            AND COALESCE(current_setting('" + HostWrite.WRITING + "', true), '') <> 'on'\n"
        + "        FROM new_rows n LEFT JOIN old_rows o ON " + t.id("o") + " = " + t.id("n") + "\n"
        + "        WHERE " + t.id("o") + " IS NULL OR " + t.address("n") + " IS DISTINCT FROM " + t.address("o")
        + " OR " + t.verified("n") + " IS DISTINCT FROM " + t.verified("o") + "\n"
        + "        UNION ALL\n"
        + "        SELECT " + t.id("o") + "::text, false FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE "
        + t.id("n") + " = " + t.id("o") + ");\n"
        + "    ELSE\n"
        + "        INSERT INTO " + queue + " (host_id) SELECT " + t.id("o") + "::text FROM old_rows o;\n"
        + "    END IF;\n"
        + "    RETURN NULL;\n"
        + "END $$";
  }
}
