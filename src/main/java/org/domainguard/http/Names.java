package org.domainguard.http;

import java.util.function.Supplier;
import org.domainguard.discovery.AddressParser;
import org.domainguard.discovery.ParsedAddress;
import org.domainguard.discovery.PublicSuffixList;

/**
 * Domains and addresses as clients type them, normalised exactly as discovery normalises them,
 * with the Public Suffix List discovery uses now: domains to lower-case A-labels (UTS #46) that must
 * be registrable domains, addresses to their registrable domain. Rejections are 400s.
 */
final class Names {
  static final int MAX_DOMAIN_LENGTH = 253;

  private final Supplier<PublicSuffixList> suffixes;

  Names(Supplier<PublicSuffixList> suffixes) {
    this.suffixes = suffixes;
  }

  private AddressParser parser() {
    return new AddressParser(suffixes.get());
  }

  /** A registrable domain ({@code Bücher.DE} → {@code xn--bcher-kva.de}); subdomains and public suffixes are refused. */
  String domain(String input) {
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
    ParsedAddress parsed = parser().parse("x@" + input);
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
  String domainOfAddress(String input) {
    ParsedAddress parsed = address(input);
    if (!parsed.isWatched()) {
      throw ApiException.badRequest("address has no watchable domain (" + parsed.skipReason() + ")");
    }
    return parsed.domain();
  }

  /** An address to look up: bounded and with an '@'; it may still be one discovery does not watch. */
  ParsedAddress address(String input) {
    if (input == null || input.isBlank()) {
      throw ApiException.badRequest("email is empty");
    }
    if (input.length() > AddressParser.MAX_ADDRESS_LENGTH) {
      throw ApiException.badRequest("email is longer than " + AddressParser.MAX_ADDRESS_LENGTH + " characters");
    }
    if (input.indexOf('@') < 0) {
      throw ApiException.badRequest("email has no '@'");
    }
    if (input.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.badRequest("email contains control characters");
    }
    return parser().parse(input);
  }
}
