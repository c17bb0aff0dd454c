package org.domainguard.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated RDAP servers {@code srv0} ... {@code srv(N-1)} under {@code /rdap/srvK/} (each on a
 * port of its own, as well as the simulator's), and which TLDs each serves. The TLDs come in fixed groups, group {@code i}
 * on {@code srv(i mod N)}; with the default four servers:
 * <pre>
 *   srv0  com net                      (Verisign-like: the most names)
 *   srv1  org io me info xyz           (Identity Digital-like)
 *   srv2  app dev page                 (nomulus-like: far-future sentinel dates, Expiry Access Period notices)
 *   srv3  uk de ru fr nl shop eu       (ccTLD-like: EPP camelCase status strings with trailing URLs)
 * </pre>
 * A server answers 404 for a name whose TLD is not its own, as a real registry would.
 */
final class RdapServers {
  /** How a server writes its answers; the daemon must read them all the same. */
  enum Dialect {
    /** RFC 8056 strings: {@code "redemption period"}. */
    PLAIN,
    /** Like Google's nomulus: RGP as {@code ["pending delete","redemption period"]}, END_OF_TIME expirations, XAP notices. */
    NOMULUS,
    /** EPP camelCase with a trailing URL: {@code "redemptionPeriod https://icann.org/epp#redemptionPeriod"}. */
    EPP;

    /** RFC 8056 status strings as this dialect writes them. */
    java.util.List<String> statuses(java.util.List<String> rfc8056) {
      if (this != EPP) {
        return rfc8056;
      }
      return rfc8056.stream().map(s -> {
        String[] words = s.split(" ");
        StringBuilder camel = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
          camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return camel + " https://icann.org/epp#" + camel;
      }).toList();
    }
  }

  private record Group(Dialect dialect, List<String> tlds) {}

  private static final List<Group> GROUPS = List.of(
      new Group(Dialect.PLAIN, List.of("com", "net")),
      new Group(Dialect.PLAIN, List.of("org", "io", "me", "info", "xyz")),
      new Group(Dialect.NOMULUS, List.of("app", "dev", "page")),
      new Group(Dialect.EPP, List.of("uk", "de", "ru", "fr", "nl", "shop", "eu")));

  /** When the bootstrap document says it was published: fixed, so the document is the same every run. */
  static final Instant PUBLICATION = Instant.parse("2026-11-01T00:00:00Z");

  private final int count;
  private final Map<String, Integer> serverOfTld = new LinkedHashMap<>();

  RdapServers(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("at least one simulated RDAP server");
    }
    this.count = count;
    for (int i = 0; i < GROUPS.size(); i++) {
      for (String tld : GROUPS.get(i).tlds()) {
        serverOfTld.put(tld, i % count);
      }
    }
  }

  int count() {
    return count;
  }

  static String name(int index) {
    return "srv" + index;
  }

  /** The index of a server named {@code srvK}, if there is one. */
  Optional<Integer> index(String name) {
    if (name == null || !name.matches("srv\\d{1,2}")) {
      return Optional.empty();
    }
    int k = Integer.parseInt(name.substring(3));
    return k < count ? Optional.of(k) : Optional.empty();
  }

  /** Whether server {@code index} holds names under {@code tld}. */
  boolean serves(int index, String tld) {
    Integer owner = serverOfTld.get(tld);
    return owner != null && owner == index;
  }

  /**
   * The dialect of a server: that of the first group it serves (a server with no group speaks
   * plainly).
   */
  Dialect dialect(int index) {
    return index < GROUPS.size() ? GROUPS.get(index).dialect() : Dialect.PLAIN;
  }

  /** The TLDs of server {@code index}, in the groups' order. */
  List<String> tlds(int index) {
    List<String> tlds = new ArrayList<>();
    serverOfTld.forEach((tld, owner) -> {
      if (owner == index) {
        tlds.add(tld);
      }
    });
    return tlds;
  }

  /** The RFC 9224 bootstrap for these servers, server {@code i} at {@code origin(i)}; base URLs end with {@code /}. */
  JsonObject bootstrap(java.util.function.IntFunction<String> origin) {
    JsonArray services = new JsonArray();
    for (int i = 0; i < count; i++) {
      List<String> tlds = tlds(i);
      if (!tlds.isEmpty()) {
        services.add(new JsonArray().add(new JsonArray(tlds)).add(new JsonArray().add(origin.apply(i) + "/rdap/" + name(i) + "/")));
      }
    }
    return new JsonObject()
        .put("version", "1.0")
        .put("publication", PUBLICATION.toString())
        .put("description", "RDAP bootstrap file for the domain-guard simulator's RDAP servers")
        .put("services", services);
  }
}
