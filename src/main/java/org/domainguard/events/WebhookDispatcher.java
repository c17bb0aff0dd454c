package org.domainguard.events;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.INT;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Timestamps;
import org.domainguard.db.Unnest;
import org.domainguard.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox to the configured webhooks, at least once, in rounds: lease a page of due
 * deliveries (skipping rows another daemon holds, and any delivery of a domain whose earlier one to
 * the same endpoint is still pending), POST them all at once, then record every outcome in one
 * statement. A 2xx delivers; anything else is retried with {@link Backoff} until {@code max-age},
 * then dead. A failure pushes the domain's later deliveries back with it, so the due ones stay the
 * ones that can be sent; a success or a death lets them go at once. Memory is bounded by one page
 * whatever the backlog; a round that sent anything starts the next at once, an empty one waits a
 * poll interval.
 */
public final class WebhookDispatcher {
  private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

  /** Deliveries per round (and so in flight at most), and how long an idle dispatcher waits before looking again. */
  public record Settings(int page, Duration poll) {
    public static final Settings DEFAULT = new Settings(64, Duration.ofSeconds(1));
  }

  static final String CLAIM = """
      WITH due AS (
          SELECT d.id FROM webhook_deliveries d
          WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND d.endpoint_id = ANY ($2::bigint[])
            AND (d.lease_expires_at IS NULL OR d.lease_expires_at < $1)
            AND NOT EXISTS (
                SELECT 1 FROM webhook_deliveries p
                WHERE p.endpoint_id = d.endpoint_id AND p.domain = d.domain AND p.state = 'pending' AND p.event_id < d.event_id)
          ORDER BY d.next_attempt_at, d.event_id
          LIMIT $3
          FOR UPDATE SKIP LOCKED)
      UPDATE webhook_deliveries d SET lease_owner = $4, lease_expires_at = $5
      FROM due, events e
      WHERE d.id = due.id AND e.id = d.event_id
      RETURNING d.id, d.endpoint_id, d.attempts, d.since, e.webhook_id, e.type, e.created_at, e.data::text AS data""";

  /** One attempt's outcome: the new state, when to try again (pending only), and what answered. */
  private record Outcome(long id, String state, Instant nextAttemptAt, Integer status, String error) {}

  private static final Unnest<Outcome> OUTCOMES = Unnest.<Outcome>of()
      .column("id", BIGINT, Outcome::id)
      .column("state", TEXT, Outcome::state)
      .time("next_attempt_at", Outcome::nextAttemptAt)
      .column("status", INT, Outcome::status)
      .column("error", TEXT, Outcome::error);

  /**
   * Records a round's outcomes (only for deliveries still leased here) and moves the same domain's
   * later, never-attempted deliveries to the same endpoint: back to the retry time after a failure,
   * forward to now after a delivery or a death. $1..$5 are the outcomes, $6 now, $7 this daemon.
   */
  static final String RECORD = "WITH t AS (SELECT * FROM " + OUTCOMES.from("t") + "),\n" + """
      done AS (
          UPDATE webhook_deliveries d SET state = t.state, attempts = d.attempts + 1,
              next_attempt_at = COALESCE(t.next_attempt_at, d.next_attempt_at), last_attempt_at = $6,
              last_status = t.status, last_error = t.error,
              delivered_at = CASE WHEN t.state = 'delivered' THEN $6 END,
              lease_owner = NULL, lease_expires_at = NULL
          FROM t WHERE d.id = t.id AND d.lease_owner = $7
          RETURNING d.endpoint_id, d.domain, d.event_id, d.state, d.next_attempt_at)
      UPDATE webhook_deliveries s
      SET next_attempt_at = CASE WHEN done.state = 'pending' THEN GREATEST(s.next_attempt_at, done.next_attempt_at)
                                 ELSE LEAST(s.next_attempt_at, $6) END
      FROM done
      WHERE s.endpoint_id = done.endpoint_id AND s.domain = done.domain AND s.state = 'pending'
        AND s.event_id > done.event_id AND s.attempts = 0""";

  /** A leased delivery and its event. */
  private record Claimed(long id, Endpoint endpoint, int attempts, Instant since, String webhookId, String body) {}

  private final Vertx vertx;
  private final Pool pool;
  private final List<AppConfig.Webhook> hooks;
  private final Metrics metrics;
  private final Clock clock;
  private final String owner;
  private final Settings settings;
  private WebClient client;
  private Map<Long, Endpoint> endpoints = Map.of();
  private Duration lease;
  private boolean stopped;
  private long timer = -1;
  private Future<Void> round = Future.succeededFuture();

  public WebhookDispatcher(Vertx vertx, Pool pool, List<AppConfig.Webhook> hooks, Metrics metrics, Clock clock, String owner, Settings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.hooks = hooks;
    this.metrics = metrics;
    this.clock = clock;
    this.owner = owner;
    this.settings = settings;
  }

  /** Registers the configured endpoints and starts delivering to them. */
  public Future<Void> start() {
    return Endpoints.sync(pool, hooks).map(byId -> {
      endpoints = Map.copyOf(byId);
      if (endpoints.isEmpty()) {
        return null;
      }
      // A lease outlasts the slowest attempt of a round (connect and answer), with room for the writes around it.
      Duration slowest = endpoints.values().stream().map(Endpoint::timeout).max(Duration::compareTo).orElseThrow();
      lease = slowest.multipliedBy(2).plusSeconds(30);
      client = WebClient.create(vertx,
          new WebClientOptions().setUserAgent("domain-guard").setKeepAlive(true).setFollowRedirects(false)
              .setConnectTimeout((int) slowest.toMillis()),
          new PoolOptions().setHttp1MaxSize(settings.page()).setMaxWaitQueueSize(settings.page()));
      endpoints.values().forEach(e -> log.info("webhook endpoint registered endpoint={} url={}", e.id(), e.shown()));
      schedule(0);
      return null;
    });
  }

  /** Stops starting rounds; completes when the current one has been recorded. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return round.eventually(() -> {
      if (client != null) {
        client.close();
      }
      return Future.succeededFuture();
    });
  }

  private void schedule(long delayMs) {
    if (stopped) {
      return;
    }
    if (delayMs == 0) {
      vertx.runOnContext(v -> runRound());
    } else {
      timer = vertx.setTimer(delayMs, id -> {
        timer = -1;
        runRound();
      });
    }
  }

  private void runRound() {
    if (stopped) {
      return;
    }
    Promise<Void> done = Promise.promise();
    round = done.future();
    claim().compose(claimed -> Future.all(claimed.stream().map(this::attempt).toList())
            .compose(all -> record(all.list()))
            .map(claimed.size()))
        .onComplete(ar -> {
          done.complete();
          if (ar.failed()) {
            log.warn("webhook round failed; retrying after the poll interval", ar.cause());
            schedule(settings.poll().toMillis());
          } else {
            // Whatever a round sent may have let a domain's next event go: look again at once until nothing is due.
            schedule(ar.result() > 0 ? 0 : settings.poll().toMillis());
          }
        });
  }

  private Future<List<Claimed>> claim() {
    Instant now = clock.instant();
    Tuple params = Tuple.of(Timestamps.utc(now), endpoints.keySet().toArray(Long[]::new), settings.page(), owner,
        Timestamps.utc(now.plus(lease)));
    return pool.preparedQuery(CLAIM).execute(params).map(rows -> {
      List<Claimed> claimed = new ArrayList<>(rows.size());
      for (Row r : rows) {
        claimed.add(new Claimed(r.getLong("id"), endpoints.get(r.getLong("endpoint_id")), r.getInteger("attempts"),
            Timestamps.instant(r.getOffsetDateTime("since")), r.getString("webhook_id"), body(r)));
      }
      return claimed;
    });
  }

  /** The body of SPEC §10: type, the event's time, its data. The same bytes on every attempt. */
  private static String body(Row r) {
    return new JsonObject()
        .put("type", r.getString("type"))
        .put("timestamp", Timestamps.iso(r.getOffsetDateTime("created_at")))
        .put("data", new JsonObject(r.getString("data")))
        .encode();
  }

  /** One signed POST; never fails: a refusal, a timeout or a non-2xx answer is a failed outcome. */
  private Future<Outcome> attempt(Claimed c) {
    Endpoint e = c.endpoint();
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest<Void> request = client.postAbs(e.url())
        .timeout(e.timeout().toMillis())
        .putHeader("content-type", "application/json")
        .putHeader("webhook-id", c.webhookId())
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", WebhookSignature.sign(e.key(), c.webhookId(), timestamp, c.body()))
        .as(BodyCodec.none());
    if (e.user() != null) {
      request.basicAuthentication(e.user(), e.password());
    }
    return request.sendBuffer(Buffer.buffer(c.body()))
        .map(response -> response.statusCode() / 100 == 2
            ? new Outcome(c.id(), "delivered", null, response.statusCode(), null)
            : failed(c, response.statusCode(), "HTTP " + response.statusCode()))
        .otherwise(error -> failed(c, null, describe(error, e)));
  }

  private Outcome failed(Claimed c, Integer status, String error) {
    Instant next = Backoff.next(c.attempts() + 1, c.since(), clock.instant(), c.endpoint().maxAge());
    if (next == null) {
      log.warn("webhook delivery dead after max-age delivery={} webhookId={} {} attempts={} error={}",
          c.id(), c.webhookId(), c.endpoint(), c.attempts() + 1, error);
    }
    return new Outcome(c.id(), next == null ? "dead" : "pending", next, status, error);
  }

  /** What went wrong, without the exception's text: it may quote the URL, whose path can carry a token. */
  private static String describe(Throwable error, Endpoint e) {
    if (error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")) {
      return "no answer within " + e.timeout().toMillis() + " ms";
    }
    if (error instanceof ConnectException) {
      return "connection refused";
    }
    return "transport error: " + error.getClass().getSimpleName();
  }

  private Future<Void> record(List<Outcome> outcomes) {
    if (outcomes.isEmpty()) {
      return Future.succeededFuture();
    }
    outcomes.forEach(o -> metrics.webhookAttempt(o.state().equals("pending") ? "failed" : o.state()));
    Tuple params = OUTCOMES.bind(outcomes).addValue(Timestamps.utc(clock.instant())).addValue(owner);
    return pool.preparedQuery(RECORD).execute(params).mapEmpty();
  }
}
