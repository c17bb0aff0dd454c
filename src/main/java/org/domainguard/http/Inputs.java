package org.domainguard.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;

/**
 * What clients type, validated: ids and limits to bounded numbers, headers that may be sent only
 * once (domains and addresses: {@link Names}). Rejections are 400s that never echo long input.
 */
final class Inputs {
  private Inputs() {}

  /** A sweep id: a positive integer. */
  static long id(String input) {
    if (!isId(input)) {
      throw ApiException.badRequest("id must be a positive integer");
    }
    return Long.parseLong(input);
  }

  static boolean isId(String input) {
    return isNumber(input) && Long.parseLong(input) != 0;
  }

  /** An optional {@code ?after=} paging cursor: {@code what} (a non-negative integer), 0 when absent. */
  static long after(List<String> values, String what) {
    if (values.isEmpty()) {
      return 0;
    }
    if (values.size() > 1 || !isNumber(values.get(0))) {
      throw ApiException.badRequest("after must be " + what + " (a non-negative integer)");
    }
    return Long.parseLong(values.get(0));
  }

  private static boolean isNumber(String input) {
    return input != null && input.matches("[0-9]{1,18}");
  }

  /** A header's value, or null when absent; sent more than once it is ambiguous (which one counts?), a 400. */
  static String singleHeader(HttpServerRequest request, String name) {
    List<String> values = request.headers().getAll(name);
    if (values.size() > 1) {
      throw ApiException.badRequest("more than one " + name + " header; send exactly one");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** An optional {@code ?limit=} within 1..{@code max}. */
  static int limit(List<String> values, int fallback, int max) {
    if (values.isEmpty()) {
      return fallback;
    }
    String v = values.get(0);
    if (values.size() > 1 || !v.matches("[0-9]{1,4}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > max) {
      throw ApiException.badRequest("limit must be an integer from 1 to " + max);
    }
    return Integer.parseInt(v);
  }
}
