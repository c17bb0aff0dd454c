package org.domainguard.events;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import org.domainguard.db.Unnest;

/**
 * Writes events (SPEC §10) into the outbox, always inside the statement or transaction of the change
 * they describe, each with one pending delivery per active webhook endpoint that takes its type.
 * The statements that change addresses embed {@link #ctes}; a batch with nothing to tell writes no
 * event row and runs no extra statement.
 */
public final class EventOutbox {
  public static final String DOMAIN_LAPSING = "domain.lapsing";
  public static final String ADDRESS_UNVERIFIED = "address.unverified";
  public static final String DOMAIN_LAPSED = "domain.lapsed";
  public static final String DOMAIN_REREGISTERED = "domain.reregistered";
  public static final String CHANGE_HELD = "change.held";
  public static final String ADDRESS_REVERIFIED = "address.reverified";

  /**
   * A {@code domain.lapsing} event lists at most this many verified addresses (lowest ids first),
   * with {@code addressesTruncated} true when the domain has more: an event body stays bounded.
   */
  public static final int MAX_LISTED_ADDRESSES = 1_000;

  private EventOutbox() {}

  /**
   * Two common table expressions, {@code outbox} and {@code outbox_deliveries}, for a data-modifying
   * {@code WITH}: insert the events {@code select} yields (columns: type, domain, data as jsonb) and
   * a delivery of each to every active endpoint taking its type. They run whether or not the main
   * query reads them, and cost nothing when {@code select} yields no row.
   */
  public static String ctes(String select) {
    return "outbox AS (\n    INSERT INTO events (type, domain, data)\n    " + select.strip().replace("\n", "\n    ")
        + "\n    RETURNING id, type, domain),\n"
        + """
        outbox_deliveries AS (
            INSERT INTO webhook_deliveries (event_id, endpoint_id, domain)
            SELECT o.id, ep.id, o.domain FROM outbox o
            JOIN webhook_endpoints ep ON ep.active AND (ep.events IS NULL OR o.type = ANY (ep.events))
            ORDER BY o.id)""";
  }

  /**
   * The id the host knows an address by, as JSON, from its {@code email_addresses} row {@code m}:
   * the host table's id (text, any type) when one is configured, otherwise the row's own id.
   */
  static String hostId(String m) {
    return "COALESCE(to_jsonb(" + m + ".host_id), to_jsonb(" + m + ".id))";
  }

  /**
   * {@link #ctes} for one {@code address.unverified} event per row of {@code rows}, a relation
   * aliased {@code u} with columns id, address, domain_id, reason, phase, check_id, sweep_id.
   */
  public static String addressUnverified(String rows) {
    return ctes("""
        SELECT '%s', d.name, jsonb_build_object('id', %s, 'address', u.address, 'domain', d.name, 'reason', u.reason,
            'phase', u.phase, 'checkId', u.check_id, 'sweepId', u.sweep_id)
        FROM %s JOIN domains d ON d.id = u.domain_id JOIN email_addresses m ON m.id = u.id
        ORDER BY u.id""".formatted(ADDRESS_UNVERIFIED, hostId("m"), rows));
  }

  /**
   * {@link #ctes} for one {@code change.held} event per row of {@code rows}, a relation aliased
   * {@code h} with columns domain_id, phase, addresses.
   */
  public static String changeHeld(String rows) {
    return ctes("""
        SELECT '%s', d.name, jsonb_build_object('domain', d.name, 'phase', h.phase, 'addresses', h.addresses)
        FROM %s JOIN domains d ON d.id = h.domain_id""".formatted(CHANGE_HELD, rows));
  }

  /**
   * {@link #ctes} for one {@code address.reverified} event per row of {@code rows}, a relation
   * aliased {@code r} with columns id, address, domain_id, reason (the unverification undone);
   * {@code revertOf} is the SQL of the reverted sweep's id.
   */
  public static String addressReverified(String rows, String revertOf) {
    return ctes("""
        SELECT '%s', COALESCE(d.name, ''), jsonb_build_object('id', %s, 'address', r.address, 'domain', d.name,
            'reason', r.reason, 'revertOf', %s)
        FROM %s JOIN email_addresses m ON m.id = r.id LEFT JOIN domains d ON d.id = r.domain_id
        ORDER BY r.id""".formatted(ADDRESS_REVERIFIED, hostId("m"), revertOf, rows));
  }

  /** A domain's move into another phase of its lifecycle, with the evidence its event carries. */
  public record DomainEvent(long domainId, String type, String phase, String statuses, Instant expiresAt, Instant registeredAt) {}

  private static final Unnest<DomainEvent> DOMAIN_EVENTS = Unnest.<DomainEvent>of()
      .column("domain_id", BIGINT, DomainEvent::domainId)
      .column("type", TEXT, DomainEvent::type)
      .column("phase", TEXT, DomainEvent::phase)
      .column("statuses", TEXT, DomainEvent::statuses)
      .column("expires_at", TEXT, e -> iso(e.expiresAt()))
      .column("registered_at", TEXT, e -> iso(e.registeredAt()));

  /** Domain events of one batch; {@code domain.lapsing} lists the domain's verified addresses, bounded. */
  static final String INSERT_DOMAIN_EVENTS = "WITH t AS (SELECT * FROM " + DOMAIN_EVENTS.from("t") + "),\n" + ctes("""
      SELECT t.type, d.name, CASE t.type
          WHEN '%1$s' THEN jsonb_build_object('domain', d.name, 'phase', t.phase, 'statuses', t.statuses, 'expiresAt', t.expires_at,
              'addresses', COALESCE(v.addresses, '[]'::jsonb), 'addressesTruncated', COALESCE(v.truncated, false))
          WHEN '%2$s' THEN jsonb_build_object('domain', d.name, 'registeredAt', t.registered_at)
          ELSE jsonb_build_object('domain', d.name, 'phase', t.phase, 'statuses', t.statuses) END
      FROM t JOIN domains d ON d.id = t.domain_id
      LEFT JOIN LATERAL (
          SELECT jsonb_agg(jsonb_build_object('id', a.host_id, 'address', a.address) ORDER BY a.id) FILTER (WHERE a.n <= %3$d) AS addresses,
                 count(*) > %3$d AS truncated
          FROM (SELECT e.id, %4$s AS host_id, e.address, row_number() OVER (ORDER BY e.id) AS n
                FROM watched_addresses w JOIN email_addresses e ON e.id = w.email_id
                WHERE t.type = '%1$s' AND w.domain_id = t.domain_id AND e.verified
                ORDER BY e.id LIMIT %3$d + 1) a) v ON true
      ORDER BY t.domain_id""".formatted(DOMAIN_LAPSING, DOMAIN_REREGISTERED, MAX_LISTED_ADDRESSES, hostId("e"))) + "\nSELECT count(*) FROM outbox";

  /** Writes {@code events} in the caller's transaction; no statement at all when there are none (the common case). */
  public static Future<Void> write(SqlConnection conn, List<DomainEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(INSERT_DOMAIN_EVENTS).execute(DOMAIN_EVENTS.bind(events)).mapEmpty();
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }
}
