package org.domainguard.discovery;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import com.ibm.icu.text.IDNA;
import java.util.Locale;

/**
 * Reduces an email address to the registrable domain whose registration decides who receives its
 * mail: hosts are mapped to A-labels (UTS #46) and cut at the registry suffix of the Public Suffix
 * List, so {@code a@mail.eng.example.co.uk} is watched as {@code example.co.uk} and
 * {@code a@Bücher.DE} as {@code xn--bcher-kva.de}. Registry suffixes (not private ones such as
 * {@code github.io}) are used because registration status is a registry fact.
 */
public final class AddressParser {
  static final int MAX_ADDRESS_LENGTH = 320;
  private static final IDNA IDNA_UTS46 = IDNA.getUTS46Instance(
      IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.USE_STD3_RULES);

  public ParsedAddress parse(String address) {
    if (address == null || address.isBlank()) {
      return ParsedAddress.skipped("missing address");
    }
    if (address.length() > MAX_ADDRESS_LENGTH) {
      return ParsedAddress.skipped("address longer than " + MAX_ADDRESS_LENGTH + " characters");
    }
    String trimmed = address.strip();
    // Invisible formatting characters (zero-width, bidi overrides) are how lookalike addresses hide.
    if (trimmed.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
      return ParsedAddress.skipped("address contains spaces or control characters");
    }
    int at = trimmed.lastIndexOf('@');
    if (at < 0) {
      return ParsedAddress.skipped("no '@' in address");
    }
    if (at == 0) {
      return ParsedAddress.skipped("empty local part");
    }
    String local = trimmed.substring(0, at).toLowerCase(Locale.ROOT);
    String host = trimmed.substring(at + 1);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      return ParsedAddress.skipped("empty host");
    }
    if (host.startsWith("[") || InetAddresses.isInetAddress(host)) {
      return ParsedAddress.skipped("IP literal host");
    }
    String ascii = toAscii(host);
    if (ascii == null) {
      return ParsedAddress.skipped("invalid host name");
    }
    if (ascii.equals("localhost") || ascii.endsWith(".localhost")) {
      return ParsedAddress.skipped("localhost");
    }
    if (!InternetDomainName.isValid(ascii)) {
      return ParsedAddress.skipped("invalid host name");
    }
    InternetDomainName name = InternetDomainName.from(ascii);
    if (!name.isUnderRegistrySuffix()) {
      return ParsedAddress.skipped(name.isRegistrySuffix() ? "host is a public suffix" : "host has no public suffix");
    }
    return ParsedAddress.watched(local + "@" + ascii, name.topDomainUnderRegistrySuffix().toString());
  }

  private static String toAscii(String host) {
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = new StringBuilder();
    IDNA_UTS46.nameToASCII(host, out, info);
    if (info.hasErrors() || out.isEmpty()) {
      return null;
    }
    return out.toString();
  }
}
