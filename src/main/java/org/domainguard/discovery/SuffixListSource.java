package org.domainguard.discovery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.domainguard.config.Urls;

/**
 * Where the Public Suffix List comes from: an {@code http(s)} URL (vertx-web-client), a
 * {@code file:} URL (read on a worker thread), or {@code bundled} (only the snapshot in the jar,
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
    Future<String> body = location.startsWith("file:") ? readFile() : download();
    return body.compose(text -> vertx.executeBlocking(() -> new Fetched(PublicSuffixList.parse(text, clock.instant()), text), false));
  }

  private Future<String> readFile() {
    return vertx.executeBlocking(() -> {
      Path path = Path.of(URI.create(location));
      if (Files.size(path) > MAX_BYTES) {
        throw new InvalidSuffixListException(path + " is larger than " + MAX_BYTES + " bytes");
      }
      return Files.readString(path, StandardCharsets.UTF_8);
    }, false);
  }

  private Future<String> download() {
    if (client == null) {
      client = WebClient.create(vertx, new WebClientOptions()
          .setUserAgent("domain-guard")
          .setConnectTimeout((int) TIMEOUT.toMillis())
          .setFollowRedirects(true)
          .setMaxRedirects(3));
    }
    return client.getAbs(location).timeout(TIMEOUT.toMillis()).send().compose(this::body);
  }

  private Future<String> body(HttpResponse<Buffer> response) {
    if (response.statusCode() != 200) {
      return Future.failedFuture(new IllegalStateException("HTTP " + response.statusCode() + " from " + location()));
    }
    Buffer body = response.body();
    if (body == null || body.length() > MAX_BYTES) {
      return Future.failedFuture(new InvalidSuffixListException("empty or oversized body from " + location()));
    }
    return Future.succeededFuture(body.toString(StandardCharsets.UTF_8));
  }

  public void close() {
    if (client != null) {
      client.close();
    }
  }

  /** A parsed list and the text it came from (kept in the database). */
  public record Fetched(PublicSuffixList list, String text) {}
}
