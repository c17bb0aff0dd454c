package org.domainguard.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.config.DataText;
import org.domainguard.config.Urls;

/**
 * Where the Public Suffix List comes from: an {@code http(s)} URL (vertx-web-client), a
 * {@code file:} URL (read by Vert.x's file system, off the event loop; both through {@link org.domainguard.config.DataText}), or {@code bundled} (only the snapshot in the jar,
 * never fetched). Each load is parsed and validated on a worker thread; a failed future means the
 * current list stays.
 */
public final class SuffixListSource {
  public static final String BUNDLED = "bundled";
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  /** The list is about 300 KB; anything this large is not it. */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final String location;
  private final Clock clock;
  private WebClient client;

  public SuffixListSource(Vertx vertx, String location, Clock clock) {
    this.vertx = vertx;
    this.location = location;
    this.clock = clock;
  }

  /** Where the list comes from, as it may be printed and stored: credentials in the URL masked. */
  public String location() {
    return Urls.redact(location);
  }

  /** False for {@code bundled}: nothing to fetch. */
  public boolean fetchable() {
    return !BUNDLED.equals(location);
  }

  /** Fetches, parses and validates the list; a list without a VERSION line is dated now. */
  public Future<Fetched> fetch() {
    if (!fetchable()) {
      return Future.failedFuture(new IllegalStateException("the bundled list is not fetched"));
    }
    return DataText.read(vertx, client(), location, "text/plain", MAX_BYTES, TIMEOUT)
        .compose(text -> vertx.executeBlocking(() -> new Fetched(PublicSuffixList.parse(text, clock.instant()), text), false));
  }

  private WebClient client() {
    if (client == null) {
      client = WebClient.create(vertx, new WebClientOptions()
          .setUserAgent("domain-guard")
          .setConnectTimeout((int) TIMEOUT.toMillis())
          .setFollowRedirects(true)
          .setMaxRedirects(3));
    }
    return client;
  }

  public void close() {
    if (client != null) {
      client.close();
    }
  }

  /** A parsed list and the text it came from (kept in the database). */
  public record Fetched(PublicSuffixList list, String text) {}
}
