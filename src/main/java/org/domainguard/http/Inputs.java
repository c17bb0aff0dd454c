package org.domainguard.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import org.domainguard.discovery.AddressParser;
import org.domainguard.discovery.ParsedAddress;

/**
 * What clients type, validated and normalised the way discovery normalises addresses: domains to
 * lower-case A-labels (UTS #46) that must be registrable domains, addresses to their registrable
 * domain, ids and limits to bounded numbers, headers that may be sent only once. Rejections are
 * 400s that never echo long input.
 */
final class Inputs {
  static final int MAX_DOMAIN_LENGTH = 253;
  static final int MAX_ADDRESS_LENGTH = 320;
  private static final AddressParser PARSER = new AddressParser();

  private Inputs() {}

  /** A registrable domain ({@code Bücher.DE} → {@code xn--bcher-kva.de}); subdomains and public suffixes are refused. */
  static String domain(String input) {
    if (input == null || input.isBlank()) {
      throw ApiException.badRequest("domain is empty");
    }
    if (input.length() > MAX_DOMAIN_LENGTH) {
      throw ApiException.badRequest("domain is longer than " + MAX_DOMAIN_LENGTH + " characters");
    }
    if (input.indexOf('@') >= 0) {
      throw ApiException.badRequest("a domain name has no '@' (send an address as \"email\")");
    }
    // Parsed as an address so the domain is normalised exactly as discovery normalises hosts.
    ParsedAddress parsed = PARSER.parse("x@" + input);
    if (!parsed.isWatched()) {
      throw ApiException.badRequest("invalid domain name (" + parsed.skipReason() + ")");
    }
    String host = parsed.normalized().substring(2);
    if (host.length() > MAX_DOMAIN_LENGTH) {
      throw ApiException.badRequest("domain is longer than " + MAX_DOMAIN_LENGTH + " characters");
    }
    if (!host.equals(parsed.domain())) {
      throw ApiException.badRequest("not a registrable domain; its registrable domain is " + parsed.domain());
    }
    return parsed.domain();
  }

  /** The registrable domain of an address that discovery would watch. */
  static String domainOfAddress(String input) {
    ParsedAddress parsed = address(input);
    if (!parsed.isWatched()) {
      throw ApiException.badRequest("address has no watchable domain (" + parsed.skipReason() + ")");
    }
    return parsed.domain();
  }

  /** An address to look up: bounded and with an '@'; it may still be one discovery does not watch. */
  static ParsedAddress address(String input) {
    if (input == null || input.isBlank()) {
      throw ApiException.badRequest("email is empty");
    }
    if (input.length() > MAX_ADDRESS_LENGTH) {
      throw ApiException.badRequest("email is longer than " + MAX_ADDRESS_LENGTH + " characters");
    }
    if (input.indexOf('@') < 0) {
      throw ApiException.badRequest("email has no '@'");
    }
    if (input.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("email contains control characters");
    }
    return PARSER.parse(input);
  }

  /** A sweep id: a positive integer. */
  static long id(String input) {
    if (!isId(input)) {
      throw ApiException.badRequest("id must be a positive integer");
    }
    return Long.parseLong(input);
  }

  static boolean isId(String input) {
    return input != null && input.matches("[0-9]{1,18}") && Long.parseLong(input) != 0;
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
