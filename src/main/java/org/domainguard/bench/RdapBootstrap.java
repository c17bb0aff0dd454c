package org.domainguard.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The TLD to base URL map of an RFC 9224 bootstrap document, as the raw ceiling needs it to call
 * each name's RDAP server directly (the simulator's {@code /_sim/rdap/dns.json}).
 */
final class RdapBootstrap {
  private final Map<String, String> baseOf;

  private RdapBootstrap(Map<String, String> baseOf) {
    this.baseOf = baseOf;
  }

  static RdapBootstrap parse(JsonObject document) {
    Map<String, String> baseOf = new HashMap<>();
    JsonArray services = document.getJsonArray("services");
    if (services == null) {
      throw new IllegalArgumentException("not an RDAP bootstrap document: no services");
    }
    for (Object s : services) {
      JsonArray service = (JsonArray) s;
      String base = service.getJsonArray(1).getString(0);
      String slashed = base.endsWith("/") ? base : base + "/";
      service.getJsonArray(0).forEach(tld -> baseOf.putIfAbsent(((String) tld).toLowerCase(Locale.ROOT), slashed));
    }
    return new RdapBootstrap(baseOf);
  }

  /** The base URL (ending with {@code /}) of the server of {@code domain}: longest label-suffix match; null if none. */
  String baseFor(String domain) {
    String name = domain.toLowerCase(Locale.ROOT);
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      String base = baseOf.get(name.substring(dot + 1));
      if (base != null) {
        return base;
      }
    }
    return null;
  }

  /** {@code GET {base}domain/{name}} for {@code domain}, or null when no server holds its TLD. */
  String lookupUrl(String domain) {
    String base = baseFor(domain);
    return base == null ? null : base + "domain/" + domain;
  }
}
