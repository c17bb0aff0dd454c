package org.domainguard.check;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import java.util.function.Function;

/**
 * The HTTP half shared by the Fastly and Domainr providers: sends one request and turns whatever
 * happens into a {@link ProviderAnswer}, so the returned future always succeeds.
 *
 * <p>Details are built only from status codes, error codes and exception class names, never from
 * URLs, headers or exception messages, so credentials cannot leak into them. A 2xx body with a
 * top-level {@code errors} member is an {@link Outcome#ERROR}: the provider answered coherently
 * but refused this lookup (e.g. "unknown zone"), which is not a broken body.
 */
final class ProviderHttp {
  private ProviderHttp() {}

  /**
   * {@code statusOf} reads the status out of a 2xx JSON object that carries no {@code errors}. Only
   * a failure of the call itself (connection, timeout) becomes a provider failure: an exception
   * while reading an answer is a bug and fails the returned future, loudly, instead of passing for
   * a provider error that feeds the circuit breaker. {@code clock} reads a Retry-After given as a date.
   */
  static Future<ProviderAnswer> send(HttpRequest<Buffer> request, Function<JsonObject, ProviderAnswer> statusOf, Clock clock) {
    return request.send().transform(sent -> Future.succeededFuture(
        sent.succeeded() ? answer(sent.result(), statusOf, clock) : ProviderAnswer.Failure.ofTransport(sent.cause())));
  }

  /** Longer than any real list of status tokens. */
  static final int MAX_STATUS_LENGTH = 1_000;

  /** The answer for a status value found in a body: tokens, or malformed when missing, not a string or blank. */
  static ProviderAnswer statuses(Object value) {
    if (value instanceof String raw && !raw.isBlank()) {
      // Stored with every check: a NUL (which PostgreSQL refuses) must not fail a whole batch.
      if (raw.length() > MAX_STATUS_LENGTH || raw.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
        return malformed("status has control characters or is too long");
      }
      return ProviderAnswer.Statuses.parse(raw);
    }
    return malformed(value == null ? "no status in body" : "status is not a non-empty string");
  }

  static ProviderAnswer.Failure malformed(String detail) {
    return new ProviderAnswer.Failure(Outcome.MALFORMED, detail, null);
  }

  private static ProviderAnswer answer(HttpResponse<Buffer> response, Function<JsonObject, ProviderAnswer> statusOf, Clock clock) {
    int code = response.statusCode();
    if (code == 429) {
      return new ProviderAnswer.Failure(Outcome.RATE_LIMITED, "HTTP 429",
          HttpRetryAfter.parse(response.getHeader("Retry-After"), clock.instant()));
    }
    if (code < 200 || code > 299) {
      return new ProviderAnswer.Failure(Outcome.ERROR, "HTTP " + code, null);
    }
    Object body = decode(response.body());
    if (!(body instanceof JsonObject json)) {
      return malformed("body is not a JSON object");
    }
    if (json.containsKey("errors")) {
      return new ProviderAnswer.Failure(Outcome.ERROR, "errors in body" + firstErrorCode(json.getValue("errors")), null);
    }
    return statusOf.apply(json);
  }

  private static Object decode(Buffer body) {
    try {
      return body == null ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      return null;
    }
  }

  private static String firstErrorCode(Object errors) {
    if (errors instanceof JsonArray list && !list.isEmpty() && list.getValue(0) instanceof JsonObject first
        && first.getValue("code") instanceof Number n) {
      return ", code " + n.intValue();
    }
    return "";
  }

}
