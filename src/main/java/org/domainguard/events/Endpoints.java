package org.domainguard.events;

import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Tokens;
import org.domainguard.config.Urls;
import org.domainguard.db.Unnest;

/**
 * Registers the configured webhooks in {@code webhook_endpoints}, identified by the SHA-256 of their
 * URL without its user-info: the same URL keeps its deliveries across restarts, secret, password or
 * event-list changes; a new URL is a new endpoint that receives events from then on. Registering
 * never retires another endpoint: daemons may be configured differently for a while (a rolling
 * change, a host missing its environment), and each delivers only to the endpoints it knows, so
 * an endpoint's events wait, still pending, for a daemon that holds its secret. An endpoint is
 * retired for good by setting {@code active = false} on its row (see the README).
 */
final class Endpoints {
  /** A configured webhook as registered: the digest that identifies it, the origin shown, its event types (null: all). */
  private record Registration(String digest, String shown, String events) {}

  private static final Unnest<Registration> REGISTRATIONS = Unnest.<Registration>of()
      .column("url_sha256", TEXT, Registration::digest)
      .column("url", TEXT, Registration::shown)
      .column("events", TEXT, Registration::events);

  static final String SYNC = "WITH cfg AS (SELECT * FROM " + REGISTRATIONS.from("c") + ")\n" + """
      INSERT INTO webhook_endpoints (url_sha256, url, events, active, updated_at)
      SELECT url_sha256, url, string_to_array(events, ','), true, now() FROM cfg
      ON CONFLICT (url_sha256) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, active = true, updated_at = now()
      RETURNING id, url_sha256""";

  private Endpoints() {}

  /** Registers {@code hooks}; completes with each configured endpoint by its row id. */
  static Future<Map<Long, Endpoint>> sync(Pool pool, List<AppConfig.Webhook> hooks) {
    List<Registration> registrations = new ArrayList<>();
    Map<String, AppConfig.Webhook> byDigest = new HashMap<>();
    for (AppConfig.Webhook hook : hooks) {
      String digest = HexFormat.of().formatHex(Tokens.sha256(Urls.redact(hook.url())));
      registrations.add(new Registration(digest, Urls.origin(hook.url()), hook.events() == null ? null : String.join(",", hook.events())));
      byDigest.put(digest, hook);
    }
    return pool.preparedQuery(SYNC).execute(REGISTRATIONS.bind(registrations)).map(rows -> {
      Map<Long, Endpoint> byId = new HashMap<>();
      for (Row r : rows) {
        byId.put(r.getLong("id"), Endpoint.of(r.getLong("id"), byDigest.get(r.getString("url_sha256"))));
      }
      return byId;
    });
  }
}
