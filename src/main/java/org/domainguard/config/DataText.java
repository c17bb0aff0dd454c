package org.domainguard.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The text of a data file the daemon keeps current (the Public Suffix List, the RDAP bootstrap):
 * the snapshot shipped in the jar, or a fresh copy read from a {@code file:} URL (by Vert.x's file
 * system, off the event loop) or fetched from an {@code http(s)} URL, refused past a size.
 */
public final class DataText {
  private DataText() {}

  /** The text of {@code resource}, shipped in the jar beside {@code owner}. */
  public static String bundled(Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The text at {@code url}, asked for as {@code accept} (over HTTP); a failed future (an {@link IOException} naming the problem, the URL's
   * credentials masked) for an unreadable file, a status other than 200, or more than {@code maxBytes}.
   */
  public static Future<String> read(Vertx vertx, WebClient client, String url, String accept, int maxBytes, Duration timeout) {
    Future<Buffer> body;
    try {
      URI uri = new URI(url);
      body = "file".equals(uri.getScheme())
          ? vertx.fileSystem().readFile(Path.of(uri).toString())
          : client.getAbs(url).putHeader("Accept", accept).timeout(timeout.toMillis()).send().compose(r -> r.statusCode() == 200
              ? Future.succeededFuture(r.body() == null ? Buffer.buffer() : r.body())
              : Future.failedFuture(new IOException("HTTP " + r.statusCode() + " from " + Urls.redact(url))));
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
    return body.compose(b -> b.length() > maxBytes
        ? Future.failedFuture(new IOException(Urls.redact(url) + " is larger than " + maxBytes + " bytes"))
        : Future.succeededFuture(b.toString(StandardCharsets.UTF_8)));
  }
}
