package org.domainguard.check.rdap;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;

/**
 * Turns one RDAP domain lookup's answer (status code and body) into a {@link ProviderAnswer}: the
 * SPEC §8 table. A 404 from the name's own server is {@code RELEASED} (an "Expiry Access Period"
 * notice included); a domain object maps by its statuses and expiration event; 400, 403, 501, other
 * non-2xx codes and bodies that are not a domain object are failed checks, never a phase. 429 is
 * the caller's (it pauses the server).
 */
final class RdapAnswers {
  static final int MAX_STATUSES = 50;
  static final int MAX_NOTICES = 20;
  static final int MAX_NOTICE_LENGTH = 200;

  private RdapAnswers() {}

  static ProviderAnswer answer(String server, int code, Buffer body, Instant now) {
    if (code == 404) {
      JsonObject json = body == null ? null : decode(body) instanceof JsonObject o ? o : null;
      List<String> notices = json == null ? List.of() : notices(json);
      return ProviderAnswer.Statuses.of(List.of(), new RegistryRecord(server, code, Phase.RELEASED, null, null, null, null, notices));
    }
    if (code < 200 || code > 299) {
      return new ProviderAnswer.Failure(Outcome.ERROR, "HTTP " + code, null);
    }
    if (!(decode(body) instanceof JsonObject json)) {
      return malformed("body is not a JSON object");
    }
    if (json.containsKey("errorCode")) {
      return new ProviderAnswer.Failure(Outcome.ERROR, "error object in a " + code + " body", null);
    }
    if (!"domain".equals(json.getValue("objectClassName"))) {
      return malformed("body is not an RDAP domain object");
    }
    return domain(server, code, json, now);
  }

  private static ProviderAnswer domain(String server, int code, JsonObject json, Instant now) {
    List<String> statuses = statuses(json.getValue("status"));
    Instant registered = null;
    Instant expires = null;
    Instant transferred = null;
    Instant changed = null;
    if (json.getValue("events") instanceof JsonArray events) {
      for (Object e : events) {
        // One event at a time: a bad one is skipped, the others still count.
        if (!(e instanceof JsonObject event) || !(event.getValue("eventAction") instanceof String action)
            || !(event.getValue("eventDate") instanceof String date)) {
          continue;
        }
        Instant at = RdapDates.parse(date);
        if (at == null) {
          continue;
        }
        switch (action.trim().toLowerCase(Locale.ROOT)) {
          case "registration", "reregistration" -> registered = latest(registered, at);
          case "expiration" -> expires = latest(expires, at);
          case "transfer" -> transferred = latest(transferred, at);
          case "last changed" -> changed = latest(changed, at);
          default -> { } // "registrar expiration" is the registrar's contract, not the registry's expiry.
        }
      }
    }
    Phase phase = phase(statuses, expires, now);
    return ProviderAnswer.Statuses.of(statuses,
        new RegistryRecord(server, code, phase, registered, expires, transferred, changed, notices(json)));
  }

  /** The SPEC §8 table, first matching row. */
  static Phase phase(List<String> statuses, Instant expires, Instant now) {
    if (statuses.contains("redemption period") || statuses.contains("pending restore")) {
      return Phase.REDEMPTION;
    }
    if (statuses.contains("pending delete")) {
      return Phase.PENDING_DELETE;
    }
    if (statuses.contains("auto renew period") || (expires != null && expires.isBefore(now))) {
      return Phase.GRACE;
    }
    return Phase.ACTIVE;
  }

  private static List<String> statuses(Object value) {
    Set<String> out = new LinkedHashSet<>();
    if (value instanceof JsonArray list) {
      for (Object s : list) {
        String normalised = s instanceof String raw ? RdapStatuses.normalise(raw) : null;
        if (normalised != null && out.size() < MAX_STATUSES) {
          out.add(normalised);
        }
      }
    }
    return List.copyOf(out);
  }

  private static List<String> notices(JsonObject json) {
    List<String> titles = new ArrayList<>();
    for (String member : List.of("notices", "remarks")) {
      if (json.getValue(member) instanceof JsonArray notices) {
        for (Object n : notices) {
          if (n instanceof JsonObject notice && notice.getValue("title") instanceof String title && titles.size() < MAX_NOTICES) {
            String clean = title.replaceAll("\\p{Cntrl}", " ").strip();
            if (!clean.isEmpty()) {
              titles.add(clean.length() > MAX_NOTICE_LENGTH ? clean.substring(0, MAX_NOTICE_LENGTH) : clean);
            }
          }
        }
      }
    }
    return titles;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static ProviderAnswer.Failure malformed(String detail) {
    return new ProviderAnswer.Failure(Outcome.MALFORMED, detail, null);
  }

  private static Object decode(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : Json.decodeValue(body);
    } catch (DecodeException e) {
      return null;
    }
  }
}
