package org.domainguard.sim;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.domainguard.check.Phase;
import org.domainguard.check.PhaseClassifier;
import org.domainguard.sim.RdapServers.Dialect;

/**
 * RFC 9083 answers for the simulated RDAP servers, derived from the same per-domain status tokens
 * as the Fastly format ({@link DomainStatuses}, or a {@code PUT /_sim/domains} override), so both
 * formats tell of the same phase:
 * <pre>
 *   tokens' phase    RDAP answer
 *   ACTIVE           200 ["active"]; 1 in 8 registered within the last year (re-registration)
 *   GRACE            200 ["active","auto renew period"], expiration already pushed a year on;
 *                    1 in 4 instead ["client hold"] with an expiration event in the past
 *   REDEMPTION       200 ["pending delete","redemption period"] (RGP as nomulus writes it);
 *                    on a plain server 1 in 10 ["pending delete","pending restore"]
 *   PENDING_DELETE   200 ["pending delete"], a deletion event within 5 days
 *   RELEASED         404 with an RFC 9083 error body; on a nomulus-like server half of them
 *                    carry the "Expiry Access Period" notice
 *   UNKNOWN          200 ["inactive"] (a registry always knows; no nameservers)
 * </pre>
 * Dates are offsets from the current UTC day, so an answer is a function of (seed, name, server,
 * day). Nomulus-like servers write dates with milliseconds and give half of their RGP names the
 * END_OF_TIME expiration {@value #END_OF_TIME}; EPP-style servers write camelCase statuses with a
 * trailing URL and dates with a {@code +00:00} offset.
 */
final class RdapAnswers {
  /** nomulus END_OF_TIME: a year above 9999, which {@code Instant.parse} refuses. */
  static final String END_OF_TIME = "294247-01-10T04:00:54.775Z";
  static final String EXPIRY_ACCESS_PERIOD = "Expiry Access Period";

  private static final HashFunction HASH = Hashing.murmur3_128();
  private static final JsonArray CONFORMANCE = new JsonArray()
      .add("rdap_level_0").add("icann_rdap_response_profile_1").add("icann_rdap_technical_implementation_guide_1");

  private final long seed;

  RdapAnswers(long seed) {
    this.seed = seed;
  }

  /** An answer: HTTP status and body. */
  record Answer(int status, JsonObject body) {}

  /** The answer of a server speaking {@code dialect} about {@code domain}, whose status tokens are {@code tokens}. */
  Answer answer(String domain, String tokens, Dialect dialect, LocalDate today, String selfUrl) {
    long bits = HASH.newHasher().putLong(seed).putString("rdap:", StandardCharsets.UTF_8)
        .putString(domain, StandardCharsets.UTF_8).hash().asLong();
    Phase phase = PhaseClassifier.classify(Arrays.asList(tokens.trim().split("\\s+")));
    if (phase == Phase.RELEASED) {
      boolean xap = dialect == Dialect.NOMULUS && (bits & 1) == 0;
      return new Answer(404, xap ? expiryAccessPeriod(domain) : notFound(domain));
    }
    Dates d = new Dates(dialect, today, bits);
    int yearsHeld = 2 + (int) Math.floorMod(bits >>> 8, 18L);
    List<String> status = new ArrayList<>();
    JsonArray events = new JsonArray();
    boolean delegated = true;
    switch (phase) {
      case GRACE -> {
        int into = 1 + (int) Math.floorMod(bits >>> 16, 40L);
        LocalDate lapsed = today.minusDays(into);
        events.add(event("registration", d.at(lapsed.minusYears(yearsHeld))));
        if (((bits >>> 24) & 3) == 0) {
          status.add("client hold");
          events.add(event("expiration", d.at(lapsed)));
          delegated = false;
        } else {
          status.add("active");
          status.add("auto renew period");
          events.add(event("expiration", d.at(lapsed.plusYears(1))));
        }
        events.add(event("last changed", d.at(lapsed)));
      }
      case REDEMPTION -> {
        int into = 1 + (int) Math.floorMod(bits >>> 16, 29L);
        LocalDate deleted = today.minusDays(into);
        status.add("pending delete");
        status.add(dialect == Dialect.PLAIN && Math.floorMod(bits >>> 24, 10L) == 0 ? "pending restore" : "redemption period");
        events.add(event("registration", d.at(deleted.minusYears(yearsHeld))));
        boolean endOfTime = dialect == Dialect.NOMULUS && ((bits >>> 28) & 1) == 0;
        events.add(event("expiration", endOfTime ? END_OF_TIME : d.at(deleted.minusDays(31))));
        events.add(event("deletion", d.at(deleted.plusDays(35))));
        events.add(event("last changed", d.at(deleted)));
        delegated = false;
      }
      case PENDING_DELETE -> {
        int left = (int) Math.floorMod(bits >>> 16, 5L);
        LocalDate purge = today.plusDays(left);
        status.add("pending delete");
        events.add(event("registration", d.at(purge.minusYears(yearsHeld))));
        events.add(event("expiration", d.at(purge.minusDays(75))));
        events.add(event("deletion", d.at(purge)));
        events.add(event("last changed", d.at(purge.minusDays(5))));
        delegated = false;
      }
      default -> {
        // ACTIVE, and UNKNOWN as a registered name out of DNS
        boolean recent = ((bits >>> 32) & 7) == 0;
        LocalDate registered = recent
            ? today.minusDays(30 + Math.floorMod(bits >>> 16, 300L))
            : today.minusYears(yearsHeld).minusDays(Math.floorMod(bits >>> 16, 365L));
        LocalDate expires = registered.plusYears(1);
        while (!expires.isAfter(today)) {
          expires = expires.plusYears(1);
        }
        if (phase == Phase.UNKNOWN) {
          status.add("inactive");
          delegated = false;
        } else {
          status.add("active");
          if (((bits >>> 40) & 1) == 0) {
            status.add("client transfer prohibited");
          }
        }
        events.add(event("registration", d.at(registered)));
        events.add(event("expiration", d.at(expires)));
        events.add(event("last changed", d.at(registered.plusDays(Math.floorMod(bits >>> 44, 28L)))));
      }
    }
    events.add(event("last update of RDAP database", d.at(today.minusDays(1))));
    return new Answer(200, domainObject(domain, bits, dialect.statuses(status), events, delegated, selfUrl));
  }

  private static JsonObject domainObject(String domain, long bits, List<String> status, JsonArray events, boolean delegated, String selfUrl) {
    String tld = DomainNames.zone(domain).toUpperCase(Locale.ROOT);
    JsonObject object = new JsonObject()
        .put("rdapConformance", CONFORMANCE.copy())
        .put("objectClassName", "domain")
        .put("handle", String.format(Locale.ROOT, "%X_DOMAIN_%s", bits & 0xFFFFFFFFL, tld))
        .put("ldhName", domain)
        .put("status", new JsonArray(status))
        .put("events", events)
        .put("entities", new JsonArray().add(new JsonObject()
            .put("objectClassName", "entity")
            .put("handle", Long.toString(1000 + Math.floorMod(bits >>> 48, 9000L)))
            .put("roles", new JsonArray().add("registrar"))))
        .put("links", new JsonArray().add(new JsonObject()
            .put("value", selfUrl).put("rel", "self").put("href", selfUrl).put("type", Replies.RDAP_JSON)))
        .put("notices", new JsonArray().add(notice("Terms of Use", "Simulated registration data for tests and benchmarks.")));
    JsonArray nameservers = new JsonArray();
    if (delegated) {
      nameservers.add(new JsonObject().put("objectClassName", "nameserver").put("ldhName", "ns1.sim-dns.net"))
          .add(new JsonObject().put("objectClassName", "nameserver").put("ldhName", "ns2.sim-dns.net"));
    }
    return object.put("nameservers", nameservers);
  }

  /** RFC 9083 §6: the error body of a lookup that found nothing. */
  static JsonObject notFound(String domain) {
    return error(404, "Not Found", "The domain " + domain + " was not found in this registry.");
  }

  /** 404 as nomulus answers a name in its Expiry Access Period (released, open to opted-in registrars). */
  private static JsonObject expiryAccessPeriod(String domain) {
    return notFound(domain).put("notices", new JsonArray()
        .add(notice(EXPIRY_ACCESS_PERIOD, "This domain is currently available for registration in the Expiry Access Period")));
  }

  static JsonObject error(int code, String title, String description) {
    return new JsonObject()
        .put("rdapConformance", new JsonArray().add("rdap_level_0"))
        .put("errorCode", code)
        .put("title", title)
        .put("description", new JsonArray().add(description));
  }

  private static JsonObject notice(String title, String description) {
    return new JsonObject().put("title", title).put("description", new JsonArray().add(description));
  }

  private static JsonObject event(String action, String date) {
    return new JsonObject().put("eventAction", action).put("eventDate", date);
  }

  /** Writes a day as an RDAP date in a server's style, at a time of day fixed per name. */
  private record Dates(Dialect dialect, LocalDate today, long bits) {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'+00:00'");

    String at(LocalDate day) {
      Instant instant = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(Math.floorMod(bits >>> 20, 86_400L));
      var time = instant.atOffset(ZoneOffset.UTC);
      return switch (dialect) {
        case PLAIN -> SECONDS.format(time);
        case NOMULUS -> MILLIS.format(time);
        case EPP -> OFFSET.format(time);
      };
    }
  }
}
