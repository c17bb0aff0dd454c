package org.domainguard.check.rdap;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an RFC 9224 DNS bootstrap file ({@code {"version", "publication", "services": [[[tlds], [base
 * URLs]], ...]}}) into {@code tld -> base URL}. An https base is preferred over an http one; every base
 * ends in {@code /}. A file with no usable service is refused, so a broken fetch never replaces a
 * good list with an empty one.
 */
final class Bootstrap {
  private Bootstrap() {}

  static Map<String, String> parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("bootstrap is not a JSON object");
    }
    if (!(json.getValue("services") instanceof JsonArray services)) {
      throw new IllegalArgumentException("bootstrap has no services list");
    }
    Map<String, String> servers = new HashMap<>();
    for (Object s : services) {
      if (!(s instanceof JsonArray service) || service.size() < 2
          || !(service.getValue(0) instanceof JsonArray tlds) || !(service.getValue(1) instanceof JsonArray urls)) {
        continue;
      }
      String base = preferred(urls);
      if (base == null) {
        continue;
      }
      for (Object t : tlds) {
        if (t instanceof String tld && !tld.isBlank()) {
          servers.put(tld.trim().toLowerCase(Locale.ROOT), base);
        }
      }
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("bootstrap lists no usable service");
    }
    return servers;
  }

  private static String preferred(JsonArray urls) {
    String http = null;
    for (Object u : urls) {
      String url = u instanceof String s ? base(s) : null;
      if (url != null && url.startsWith("https://")) {
        return url;
      }
      http = http == null ? url : http;
    }
    return http;
  }

  /** A valid http(s) base URL ending in /, or null. */
  static String base(String url) {
    String u = url.trim();
    try {
      URI uri = new URI(u);
      if ((!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null) {
        return null;
      }
    } catch (URISyntaxException e) {
      return null;
    }
    return u.endsWith("/") ? u : u + "/";
  }
}
