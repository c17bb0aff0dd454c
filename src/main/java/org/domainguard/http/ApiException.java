package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.domainguard.sweep.LeaseLostException;
import org.domainguard.check.CheckDeferredException;
import org.domainguard.check.CheckAbandonedException;
import org.domainguard.sweep.DomainBusyException;
import org.domainguard.sweep.SweepConflictException;

/**
 * An error answered to an API client as {@code {"error": code, "message": message}} with an HTTP
 * status. Messages are written for the client and never carry a token, a key or a stack trace.
 */
public class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, String> headers;

  public ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public ApiException(int status, String code, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.headers = Map.copyOf(headers);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message, Map.of("WWW-Authenticate", "Bearer realm=\"domain-guard\""));
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public static ApiException tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiException(429, "too_many_requests", message, Map.of("Retry-After", Long.toString(retryAfterSeconds)));
  }

  /** An unexpected failure: the client learns nothing but that it happened. */
  public static ApiException internal() {
    return new ApiException(500, "internal", "internal error");
  }

  /** What a known failure of a service means to a client; null for an unexpected one. */
  public static ApiException translate(Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof SweepConflictException conflict) {
      return new SweepConflict(conflict);
    }
    if (failure instanceof DomainBusyException busy) {
      return conflict(busy.getMessage());
    }
    if (failure instanceof LeaseLostException lost) {
      return conflict(lost.getMessage());
    }
    if (failure instanceof CheckDeferredException deferred) {
      return new ApiException(503, "unavailable", deferred.getMessage() + "; try again later");
    }
    if (failure instanceof CheckAbandonedException) {
      // Nobody reads the answer; the status is for the audit (nginx's "client closed request").
      return new ApiException(499, "client_closed", "the client closed the connection before the check started");
    }
    if (failure instanceof HttpException http) {
      return forStatus(http.getStatusCode());
    }
    if (databaseUnreachable(failure)) {
      return new ApiException(503, "unavailable", "database unreachable or busy; try again shortly");
    }
    return null;
  }

  /** The database cannot be reached right now (refused, dropped, or no connection within the pool's timeout). */
  private static boolean databaseUnreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The error for a status vertx-web reports without an exception of ours (no route, body too large, ...). */
  public static ApiException forStatus(int status) {
    return switch (status) {
      case 400 -> badRequest("malformed request");
      case 401 -> unauthorized("missing or invalid bearer token");
      case 403 -> forbidden("not allowed");
      case 404 -> notFound("no such resource");
      case 405 -> new ApiException(405, "method_not_allowed", "method not allowed on this resource");
      case 413 -> new ApiException(413, "payload_too_large", "request body larger than " + AdminApi.BODY_LIMIT + " bytes");
      case 415 -> new ApiException(415, "unsupported_media_type", "unsupported media type");
      case 503 -> new ApiException(503, "unavailable", "service unavailable");
      default -> status >= 400 && status < 500 ? new ApiException(status, "bad_request", "request rejected") : internal();
    };
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** Extra members of the error body, beside error and message. */
  public JsonObject details() {
    return new JsonObject();
  }

  /** A sweep already runs: the 409 names it, so a client can follow it instead. */
  static final class SweepConflict extends ApiException {
    private final long runningId;

    SweepConflict(SweepConflictException cause) {
      super(409, "conflict", cause.getMessage());
      this.runningId = cause.runningId();
    }

    @Override
    public JsonObject details() {
      return new JsonObject().put("id", runningId);
    }
  }
}
