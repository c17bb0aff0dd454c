package org.domainguard.discovery;

import com.google.common.net.InetAddresses;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.IDNA;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reduces an email address to the registrable domain whose registration decides who receives its
 * mail: hosts are mapped to A-labels by UTS #46 (non-transitional, CheckHyphens, CheckBidi,
 * CheckJoiners) and cut at the registry suffix of the Public Suffix List, so
 * {@code a@mail.eng.example.co.uk} is watched as {@code example.co.uk} and {@code a@Bücher.DE} as
 * {@code xn--bcher-kva.de}. An address that cannot be watched gets a reason starting with
 * {@code invalid:} (not a usable address) or {@code unsupported:} (a real address with no
 * registrable domain to watch, such as an IP literal).
 */
public final class AddressParser {
  public static final int MAX_ADDRESS_LENGTH = 320;
  private static final int ZWNJ = 0x200C;
  private static final int ZWJ = 0x200D;
  private static final IDNA IDNA_UTS46 = IDNA.getUTS46Instance(
      IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.USE_STD3_RULES);
  private static final Map<IDNA.Error, String> IDNA_ERRORS = idnaErrors();

  private final PublicSuffixList suffixes;

  /** With the Public Suffix List snapshot shipped in the jar. */
  public AddressParser() {
    this(PublicSuffixList.bundled());
  }

  public AddressParser(PublicSuffixList suffixes) {
    this.suffixes = suffixes;
  }

  public ParsedAddress parse(String address) {
    if (address == null || address.isBlank()) {
      return ParsedAddress.invalid("missing address");
    }
    if (address.length() > MAX_ADDRESS_LENGTH) {
      return ParsedAddress.invalid("address longer than " + MAX_ADDRESS_LENGTH + " characters");
    }
    String trimmed = address.strip();
    String refused = refusedCharacter(trimmed);
    if (refused != null) {
      return ParsedAddress.invalid(refused);
    }
    int at = trimmed.lastIndexOf('@');
    if (at < 0) {
      return ParsedAddress.invalid("no '@' in address");
    }
    if (at == 0) {
      return ParsedAddress.invalid("empty local part");
    }
    String local = trimmed.substring(0, at).toLowerCase(Locale.ROOT);
    String host = trimmed.substring(at + 1);
    if (host.isEmpty()) {
      return ParsedAddress.invalid("empty host");
    }
    if (host.startsWith("[") || InetAddresses.isInetAddress(host.endsWith(".") ? host.substring(0, host.length() - 1) : host)) {
      return ParsedAddress.unsupported("IP literal host");
    }
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = new StringBuilder();
    IDNA_UTS46.nameToASCII(host, out, info);
    if (info.hasErrors()) {
      return ParsedAddress.invalid("host name: " + describe(info.getErrors()));
    }
    // One trailing dot (the DNS root) is dropped; a second one is an empty label.
    if (out.length() > 0 && out.charAt(out.length() - 1) == '.') {
      out.setLength(out.length() - 1);
    }
    String ascii = out.toString();
    if (ascii.isEmpty()) {
      return ParsedAddress.invalid("empty host");
    }
    if (ascii.endsWith(".")) {
      return ParsedAddress.invalid("host name: empty label");
    }
    if (ascii.equals("localhost") || ascii.endsWith(".localhost")) {
      return ParsedAddress.unsupported("localhost");
    }
    int lastDot = ascii.lastIndexOf('.');
    if (lastDot < 0) {
      return ParsedAddress.invalid("single-label host");
    }
    if (ascii.substring(lastDot + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return ParsedAddress.invalid("host name: numeric top-level label");
    }
    String domain = suffixes.registrableDomain(ascii);
    if (domain == null) {
      return ParsedAddress.unsupported("host is a public suffix");
    }
    return ParsedAddress.watched(local + "@" + ascii, domain);
  }

  /**
   * Spaces and control characters, and invisible characters (default-ignorable code points: bidi
   * controls, U+200B, U+2060, U+FEFF, variation selectors…) other than ZWNJ and ZWJ, which UTS #46
   * validates in the host by their context (CheckJoiners). Such characters hide lookalike
   * addresses, and UTS #46 would silently drop some of them.
   */
  private static String refusedCharacter(String s) {
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        return "address contains spaces or control characters";
      }
      if (c != ZWNJ && c != ZWJ && UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT)) {
        return String.format(Locale.ROOT, "address contains an invisible character (U+%04X)", c);
      }
      i += Character.charCount(c);
    }
    return null;
  }

  private static String describe(Set<IDNA.Error> errors) {
    return errors.stream().sorted()
        .map(e -> IDNA_ERRORS.getOrDefault(e, e.name().toLowerCase(Locale.ROOT).replace('_', ' ')))
        .distinct()
        .collect(Collectors.joining(", "));
  }

  private static Map<IDNA.Error, String> idnaErrors() {
    Map<IDNA.Error, String> m = new EnumMap<>(IDNA.Error.class);
    m.put(IDNA.Error.EMPTY_LABEL, "empty label");
    m.put(IDNA.Error.LABEL_TOO_LONG, "label longer than 63 octets");
    m.put(IDNA.Error.DOMAIN_NAME_TOO_LONG, "name longer than 253 octets");
    m.put(IDNA.Error.LEADING_HYPHEN, "label starts with a hyphen");
    m.put(IDNA.Error.TRAILING_HYPHEN, "label ends with a hyphen");
    m.put(IDNA.Error.HYPHEN_3_4, "hyphens in the third and fourth positions");
    m.put(IDNA.Error.LEADING_COMBINING_MARK, "label starts with a combining mark");
    m.put(IDNA.Error.DISALLOWED, "character not allowed in host names");
    m.put(IDNA.Error.PUNYCODE, "invalid punycode label");
    m.put(IDNA.Error.LABEL_HAS_DOT, "label contains a dot");
    m.put(IDNA.Error.INVALID_ACE_LABEL, "invalid xn-- label");
    m.put(IDNA.Error.BIDI, "right-to-left label breaks the bidi rule");
    m.put(IDNA.Error.CONTEXTJ, "zero-width joiner or non-joiner where its context does not allow it");
    return m;
  }
}
