package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Strict JSON request bodies: one object (read by {@link StrictJson}: no duplicate members, no
 * comments), only the members a route knows, each of the expected type.
 */
final class JsonBody {
  private JsonBody() {}

  /** The body as an object ({} when empty); anything else, or an unknown member, is a 400. */
  static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    RequestBody body = ctx.body();
    if (body == null || !body.available() || body.buffer() == null || body.asString().isBlank()) {
      return new JsonObject();
    }
    if (!(StrictJson.decode(body.buffer()) instanceof JsonObject obj)) {
      throw ApiException.badRequest("request body must be a JSON object");
    }
    for (String name : obj.fieldNames()) {
      if (!allowed.contains(name)) {
        throw ApiException.badRequest("unknown field '" + shorten(name) + "'; expected one of " + allowed.stream().sorted().toList());
      }
    }
    return obj;
  }

  /** A string member, or null when absent; any other type (null included) is a 400. */
  static String string(JsonObject obj, String field) {
    if (!obj.containsKey(field)) {
      return null;
    }
    if (!(obj.getValue(field) instanceof String s)) {
      throw ApiException.badRequest("field '" + field + "' must be a string");
    }
    return s;
  }

  static String shorten(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
