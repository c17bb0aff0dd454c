package org.domainguard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.domainguard.db.DbTarget;
import org.domainguard.db.Migrations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * What every fault scenario shares: a PostgreSQL of its own (fixed data directory and port, so it
 * can be stopped and started again), migrated and seeded with {@value #ADDRESSES} verified addresses
 * over {@value #DOMAINS} registrable domains; the packaged daemon as a child process with the
 * in-process simulator as its provider (20 ms latency, 250 calls/s: a sweep takes about 8 s);
 * JDBC probes; and the invariants that must hold after any fault.
 *
 * <p>Everything of a run is under {@code target/faults/<class>/<method>/}: the configuration, the
 * daemons' stdout and stderr, PostgreSQL's log and data.
 */
abstract class FaultScenario {
  static final Path BASEDIR = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  static final String SCHEMA = "faults";
  static final int DOMAINS = 2_000;
  /** Domain d gets 1 + d % 4 addresses: 5,000 in all. */
  static final int ADDRESSES = 5_000;
  /** How long a taken domain stays leased (and how long a dead daemon's sweep keeps its heartbeat fresh). */
  static final Duration LEASE = Duration.ofSeconds(10);

  Path dir;
  RestartablePostgres pg;
  int httpPort;
  int simulatorPort;
  private final List<DaemonProcess> daemons = new ArrayList<>();
  private int launched;

  @BeforeEach
  void setUpDatabase(TestInfo info) throws IOException {
    dir = BASEDIR.resolve("target/faults")
        .resolve(info.getTestClass().orElseThrow().getSimpleName())
        .resolve(info.getTestMethod().orElseThrow().getName());
    deleteRecursively(dir);
    Files.createDirectories(dir);
    int[] ports = freePorts(3);
    pg = new RestartablePostgres(dir.resolve("pgdata"), dir.resolve("postgres.log"), ports[0]);
    httpPort = ports[1];
    simulatorPort = ports[2];
    pg.start();
    Migrations.migrate(new DbTarget("127.0.0.1", pg.port(), "postgres", "postgres", "postgres", SCHEMA));
    seed();
  }

  @AfterEach
  void tearDown() {
    RuntimeException first = null;
    for (DaemonProcess d : daemons) {
      try {
        d.close();
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    try {
      pg.close();
    } catch (RuntimeException e) {
      first = first == null ? e : first;
    }
    if (first != null) {
      throw first;
    }
  }

  /** The host application's addresses, inserted the way it would: plain INSERTs, all verified. */
  private void seed() {
    exec("""
        INSERT INTO email_addresses (user_id, address, verified)
        SELECT 'u' || d || '_' || a,
               'user' || a || '@' || CASE WHEN a = 2 THEN 'mail.' ELSE '' END || 'fault' || d || '.'
                   || (ARRAY['com', 'org', 'net', 'co.uk'])[1 + d %% 4],
               true
        FROM generate_series(1, %d) AS d, generate_series(1, 1 + d %% 4) AS a""".formatted(DOMAINS));
    assertEquals(ADDRESSES, count("SELECT count(*) FROM email_addresses"), "seeded addresses");
  }

  String yaml() {
    return """
        provider:
          name: simulator
          rate-per-second: 250
          burst: 25
          max-in-flight: 16
          connect-timeout: 1s
          response-timeout: 2s
          retries: 1
          retry-backoff: 50ms
          max-check-wait: 2s
          breaker:
            cool-down: 2s
          simulator:
            allow-external-db: true
            port: %d
            latency: 20ms
            seed: 42
        schedule:
          sweep-interval: 2s
          discovery-interval: 1s
          lease: %ds
        writer:
          batch-size: 100
          max-delay: 100ms
        guard:
          max-changes: 1000000
          max-change-ratio: 1.0
        http:
          host: 127.0.0.1
          admin:
            insecure: true
        metrics:
          refresh-interval: 1s
        """.formatted(simulatorPort, LEASE.toSeconds());
  }

  /** Launches the packaged daemon against this scenario's database and waits until it is ready. */
  DaemonProcess startDaemon() {
    return startDaemon(httpPort);
  }

  /** As {@link #startDaemon()}, serving on {@code port}: for several daemons at once. */
  DaemonProcess startDaemon(int port) {
    String label = "daemon-" + (++launched);
    Path config = dir.resolve(label + ".yaml");
    try {
      Files.writeString(config, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DaemonProcess d = DaemonProcess.start(dir, label, config, Map.of(
        "DOMAINGUARD_DB_URL", pg.url(),
        "DOMAINGUARD_DB_SCHEMA", SCHEMA,
        "DOMAINGUARD_HTTP_PORT", String.valueOf(port)), port, simulatorPort);
    daemons.add(d);
    d.awaitReady(Duration.ofSeconds(40));
    return d;
  }

  // ---- observing the database ----

  /** One row of the sweeps table. */
  record SweepRow(long id, String trigger, String state, int total, int done, int failed, int changed, String error) {}

  private static final String SWEEP_COLUMNS = "id, trigger, state, total, done, failed, changed, error";

  private static SweepRow sweepRow(ResultSet rs) throws SQLException {
    return new SweepRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getString(8));
  }

  SweepRow sweep(long id) {
    return sweeps("WHERE id = " + id).get(0);
  }

  List<SweepRow> sweeps(String where) {
    List<SweepRow> list = new ArrayList<>();
    query("SELECT " + SWEEP_COLUMNS + " FROM sweeps " + where + " ORDER BY id", rs -> list.add(sweepRow(rs)));
    return list;
  }

  Optional<SweepRow> runningSweep() {
    List<SweepRow> running = sweeps("WHERE state = 'running'");
    return running.isEmpty() ? Optional.empty() : Optional.of(running.get(running.size() - 1));
  }

  /**
   * Waits until a sweep runs with at least {@code minDone} results committed and well short of its
   * total, so the fault hits it in the middle. Returns it as seen then.
   */
  SweepRow awaitMidSweep(DaemonProcess daemon, int minDone) {
    SweepRow s = Waits.until("a running sweep with at least " + minDone + " domains done", Duration.ofSeconds(30), Duration.ofMillis(50),
        () -> runningSweep().orElse(null), r -> r != null && r.done() >= minDone, daemon);
    assertTrue(s.total() >= DOMAINS && s.done() < s.total() - 500,
        "the fault must hit the sweep well before its end, but it was at " + s);
    return s;
  }

  /** Domains never checked at all: no phase, no failure. */
  long unchecked() {
    return count("SELECT count(*) FROM domains WHERE last_checked_at IS NULL OR (phase IS NULL AND failure_count = 0)");
  }

  /** Waits until discovery has seen every address and every domain has been checked. */
  void awaitAllChecked(Duration timeout, DaemonProcess daemon) {
    Waits.until("every domain checked", timeout, Duration.ofMillis(250),
        () -> count("SELECT count(*) FROM domains") + " domains, " + unchecked() + " unchecked",
        s -> s.equals(DOMAINS + " domains, 0 unchecked"), daemon);
  }

  /** Domains whose lease is held by anyone (expired or not). */
  long leased() {
    return count("SELECT count(*) FROM domains WHERE lease_owner IS NOT NULL");
  }

  long leasedUnexpired() {
    return count("SELECT count(*) FROM domains WHERE lease_owner IS NOT NULL AND lease_expires_at > now()");
  }

  // ---- invariants ----

  /**
   * What must hold after any fault: every unverified address has exactly one audit row for its
   * unverification, the audit rows and the unverified addresses match one to one, each audit row
   * names the check behind it (a check of the same domain that saw the phase it reports), no
   * verified address sits on a domain last seen lapsed after it was verified (nothing committed
   * was lost), nothing was held by the guard, and each sweep's counters equal what it committed.
   */
  void assertInvariants() {
    Map<String, String> violations = new LinkedHashMap<>();
    check(violations, "unverified addresses without exactly one unverification event", """
        SELECT e.id, e.address, e.unverify_reason,
               (SELECT count(*) FROM verification_events v WHERE v.email_id = e.id AND NOT v.new_verified) AS events
        FROM email_addresses e
        WHERE NOT e.verified
          AND (SELECT count(*) FROM verification_events v WHERE v.email_id = e.id AND NOT v.new_verified) <> 1""");
    check(violations, "unverification events not matching the address's current state", """
        SELECT v.id, v.email_id, v.reason, e.verified, e.unverify_reason
        FROM verification_events v LEFT JOIN email_addresses e ON e.id = v.email_id
        WHERE NOT v.new_verified AND (e.id IS NULL OR e.verified OR e.unverify_reason IS DISTINCT FROM v.reason)""");
    check(violations, "events without a check, or with a check of another domain or phase", """
        SELECT v.id, v.email_id, v.domain_id, v.phase, v.check_id, c.domain_id AS check_domain, c.phase AS check_phase
        FROM verification_events v LEFT JOIN domain_checks c ON c.id = v.check_id
        WHERE v.check_id IS NULL OR c.id IS NULL OR c.domain_id <> v.domain_id OR c.phase IS DISTINCT FROM v.phase""");
    check(violations, "verified addresses on a domain seen lapsed after they were verified (lost unverification)", """
        SELECT e.id, e.address, e.verified_at, d.name, d.phase, d.last_success_at
        FROM email_addresses e
        JOIN watched_addresses w ON w.email_id = e.id
        JOIN domains d ON d.id = w.domain_id
        WHERE e.verified AND d.phase IN ('REDEMPTION', 'PENDING_DELETE', 'RELEASED')
          AND d.last_success_at > e.verified_at""");
    check(violations, "held changes (the guard must not hold anything with these limits)",
        "SELECT id, domain_id, reason, addresses FROM held_changes");
    check(violations, "sweeps whose counters differ from what they committed", """
        SELECT s.id, s.state, s.done, s.changed,
               (SELECT count(*) FROM domain_checks c WHERE c.sweep_id = s.id) AS checks,
               (SELECT count(*) FROM verification_events v WHERE v.sweep_id = s.id) AS events
        FROM sweeps s
        WHERE s.done <> (SELECT count(*) FROM domain_checks c WHERE c.sweep_id = s.id)
           OR s.changed <> (SELECT count(*) FROM verification_events v WHERE v.sweep_id = s.id)""");
    long unverified = count("SELECT count(*) FROM email_addresses WHERE NOT verified");
    long events = count("SELECT count(*) FROM verification_events WHERE NOT new_verified");
    if (unverified != events) {
      violations.put("unverified addresses vs unverification events", unverified + " vs " + events);
    }
    assertTrue(violations.isEmpty(), "invariants violated: " + violations);
  }

  private void check(Map<String, String> violations, String what, String sql) {
    List<String> rows = new ArrayList<>();
    query(sql + " LIMIT 5", rs -> rows.add(describe(rs)));
    if (!rows.isEmpty()) {
      violations.put(what, String.join("; ", rows));
    }
  }

  /**
   * Domains of the lapsing phases, their addresses and how many of those are unverified: after a
   * complete pass every address on a lapsing domain must be unverified.
   */
  void assertLapsingDomainsUnverified() {
    long lapsing = count("SELECT count(*) FROM domains WHERE phase IN ('REDEMPTION', 'PENDING_DELETE', 'RELEASED')");
    long stillVerified = count("""
        SELECT count(*) FROM email_addresses e JOIN watched_addresses w ON w.email_id = e.id JOIN domains d ON d.id = w.domain_id
        WHERE e.verified AND d.phase IN ('REDEMPTION', 'PENDING_DELETE', 'RELEASED')""");
    long wrongly = count("""
        SELECT count(*) FROM email_addresses e JOIN watched_addresses w ON w.email_id = e.id JOIN domains d ON d.id = w.domain_id
        WHERE NOT e.verified AND d.phase NOT IN ('REDEMPTION', 'PENDING_DELETE', 'RELEASED')""");
    assertTrue(lapsing > 40, "the simulator's mix should make about 5% of domains lapse, got " + lapsing);
    assertEquals(0, stillVerified, "addresses still verified on lapsing domains");
    assertEquals(0, wrongly, "addresses unverified on domains that are not lapsing");
  }

  /** Every domain was checked exactly once: nothing committed was checked again, nothing lost was skipped. */
  void assertEachDomainCheckedOnce() {
    assertEquals(DOMAINS, count("SELECT count(DISTINCT domain_id) FROM domain_checks"), "domains with a recorded check");
    List<String> twice = new ArrayList<>();
    query("SELECT d.name, count(*) FROM domain_checks c JOIN domains d ON d.id = c.domain_id GROUP BY d.name HAVING count(*) > 1 LIMIT 5",
        rs -> twice.add(describe(rs)));
    assertTrue(twice.isEmpty(), "domains checked more than once: " + twice);
  }

  // ---- JDBC ----

  interface RowHandler {
    void row(ResultSet rs) throws SQLException;
  }

  void query(String sql, RowHandler handler) {
    try (Connection c = pg.connect(SCHEMA); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        handler.row(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("query failed: " + sql, e);
    }
  }

  long count(String sql) {
    long[] n = new long[1];
    query(sql, rs -> n[0] = rs.getLong(1));
    return n[0];
  }

  void exec(String sql) {
    try (Connection c = pg.connect(SCHEMA); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("statement failed: " + sql, e);
    }
  }

  private static String describe(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    StringBuilder b = new StringBuilder("{");
    for (int i = 1; i <= md.getColumnCount(); i++) {
      b.append(i > 1 ? ", " : "").append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
    }
    return b.append('}').toString();
  }

  // ---- plumbing ----

  /** Distinct free ports on 127.0.0.1 (free when asked; the OS does not hand them out again soon). */
  static int[] freePorts(int n) {
    Set<Integer> seen = new HashSet<>();
    int[] ports = new int[n];
    try {
      for (int i = 0; i < n; i++) {
        int p;
        do {
          try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            p = s.getLocalPort();
          }
        } while (!seen.add(p));
        ports[i] = p;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ports;
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
