package org.domainguard.discovery;

import com.ibm.icu.text.IDNA;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.domainguard.config.DataText;

/**
 * The ICANN section of the Public Suffix List (https://publicsuffix.org/list/), immutable, with the
 * list's algorithm: exception rules win, then the longest matching rule (a wildcard {@code *.x}
 * matches one label under {@code x}), and when nothing matches the default rule {@code *} makes
 * the top-level label the suffix. Private rules ({@code github.io}) are ignored: registration
 * status is a registry fact. Rules are kept as A-labels, as hosts are looked up after UTS #46.
 */
public final class PublicSuffixList {
  /** The snapshot shipped in the jar (publicsuffix/list at commit e8c9a2b2, 2026-08-19). */
  static final String BUNDLED_RESOURCE = "/public_suffix_list.dat";
  /** When the bundled snapshot was taken: a stored or fetched list dated later wins over it. */
  static final Instant BUNDLED_AS_OF = Instant.parse("2026-08-19T00:00:00Z");
  /** The ICANN section has about 7,000 rules; far fewer means a truncated or wrong file. */
  static final int MIN_RULES = 1_000;

  private static final byte NORMAL = 1;
  private static final byte WILDCARD = 2;
  private static final byte EXCEPTION = 4;
  private static final String BEGIN_ICANN = "===BEGIN ICANN DOMAINS===";
  private static final String END_ICANN = "===END ICANN DOMAINS===";
  private static final Pattern VERSION = Pattern.compile("^// VERSION: (\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2})_UTC");
  private static final DateTimeFormatter VERSION_FORMAT = DateTimeFormatter.ofPattern("uuuu-MM-dd_HH-mm-ss", Locale.ROOT);
  private static final IDNA RULE_IDNA = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

  /** Suffix (for a wildcard, the part after {@code *.}) → the kinds of rules on it. */
  private final Map<String, Byte> rules;
  private final int ruleCount;
  private final String digest;
  private final Instant asOf;

  private PublicSuffixList(Map<String, Byte> rules, int ruleCount, String digest, Instant asOf) {
    this.rules = rules;
    this.ruleCount = ruleCount;
    this.digest = digest;
    this.asOf = asOf;
  }

  /** The snapshot shipped in the jar, parsed once. */
  public static PublicSuffixList bundled() {
    return Bundled.LIST;
  }

  /** Read from the jar and parsed once, on first use. */
  private static final class Bundled {
    static final String TEXT = DataText.bundled(PublicSuffixList.class, BUNDLED_RESOURCE);
    static final PublicSuffixList LIST = parse(TEXT, BUNDLED_AS_OF);
  }

  /** The text of the snapshot shipped in the jar. */
  public static String bundledText() {
    return Bundled.TEXT;
  }

  /**
   * Parses the list's text ({@code public_suffix_list.dat} format), keeping the ICANN section.
   * Its date is the file's {@code // VERSION:} line if it has one, else {@code fallbackAsOf}.
   *
   * @throws InvalidSuffixListException when the text is not a plausible list: no complete ICANN
   *     section, fewer than {@value #MIN_RULES} rules, or a rule that is not a valid name
   */
  public static PublicSuffixList parse(String text, Instant fallbackAsOf) {
    Map<String, Byte> rules = new HashMap<>();
    TreeSet<String> canonical = new TreeSet<>();
    Instant version = null;
    boolean inIcann = false;
    boolean sawBegin = false;
    boolean sawEnd = false;
    int lineNumber = 0;
    for (String raw : text.split("\r?\n", -1)) {
      lineNumber++;
      String line = raw.strip();
      if (line.startsWith("//")) {
        if (line.contains(BEGIN_ICANN)) {
          inIcann = sawBegin = true;
        } else if (line.contains(END_ICANN)) {
          inIcann = false;
          sawEnd = sawBegin;
        } else if (version == null) {
          version = version(line);
        }
        continue;
      }
      if (!inIcann || line.isEmpty()) {
        continue;
      }
      // A rule is the line up to its first whitespace.
      String rule = line.split("\\s", 2)[0].toLowerCase(Locale.ROOT);
      if (!canonical.add(rule)) {
        continue;
      }
      add(rules, rule, lineNumber);
    }
    if (!sawBegin || !sawEnd) {
      throw new InvalidSuffixListException("no complete ICANN section (" + BEGIN_ICANN + " … " + END_ICANN + ")");
    }
    if (canonical.size() < MIN_RULES) {
      throw new InvalidSuffixListException("only " + canonical.size() + " ICANN rules (at least " + MIN_RULES + " expected)");
    }
    return new PublicSuffixList(Map.copyOf(rules), canonical.size(), digest(canonical), version != null ? version : fallbackAsOf);
  }

  private static void add(Map<String, Byte> rules, String rule, int lineNumber) {
    byte kind = NORMAL;
    String name = rule;
    if (rule.startsWith("!")) {
      kind = EXCEPTION;
      name = rule.substring(1);
    } else if (rule.startsWith("*.")) {
      kind = WILDCARD;
      name = rule.substring(2);
    }
    if (name.contains("*") || name.contains("!")) {
      throw new InvalidSuffixListException("line " + lineNumber + ": unsupported rule '" + rule + "'");
    }
    String ascii = toAscii(name);
    if (ascii == null || (kind == EXCEPTION && ascii.indexOf('.') < 0)) {
      throw new InvalidSuffixListException("line " + lineNumber + ": invalid rule '" + rule + "'");
    }
    rules.merge(ascii, kind, (a, b) -> (byte) (a | b));
  }

  private static String toAscii(String name) {
    IDNA.Info info = new IDNA.Info();
    StringBuilder out = new StringBuilder();
    RULE_IDNA.nameToASCII(name, out, info);
    if (info.hasErrors() || out.isEmpty() || out.charAt(out.length() - 1) == '.') {
      return null;
    }
    return out.toString();
  }

  private static Instant version(String comment) {
    Matcher m = VERSION.matcher(comment);
    if (!m.find()) {
      return null;
    }
    try {
      return LocalDateTime.parse(m.group(1), VERSION_FORMAT).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String digest(TreeSet<String> canonical) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String rule : canonical) {
        sha.update(rule.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The registrable domain of {@code host} (lower-case A-labels, no trailing dot): its public
   * suffix and one more label. Null when the host is itself a public suffix.
   */
  public String registrableDomain(String host) {
    int labels = 1;
    for (int i = 0; i < host.length(); i++) {
      if (host.charAt(i) == '.') {
        labels++;
      }
    }
    int[] starts = new int[labels];
    for (int i = 0, label = 1; i < host.length(); i++) {
      if (host.charAt(i) == '.') {
        starts[label++] = i + 1;
      }
    }
    byte[] kinds = new byte[labels];
    for (int i = 0; i < labels; i++) {
      Byte kind = rules.get(i == 0 ? host : host.substring(starts[i]));
      kinds[i] = kind == null ? 0 : kind;
    }
    int suffix = suffixLabel(kinds);
    return suffix == 0 ? null : host.substring(starts[suffix - 1]);
  }

  /** The index of the first label of the public suffix, by the list's algorithm. */
  private static int suffixLabel(byte[] kinds) {
    for (int i = 0; i < kinds.length; i++) {
      if ((kinds[i] & EXCEPTION) != 0) {
        return i + 1;
      }
    }
    for (int i = 0; i < kinds.length; i++) {
      boolean normal = (kinds[i] & NORMAL) != 0;
      boolean underWildcard = i + 1 < kinds.length && (kinds[i + 1] & WILDCARD) != 0;
      if (normal || underWildcard) {
        return i;
      }
    }
    return kinds.length - 1;
  }

  /** Number of distinct ICANN rules. */
  public int ruleCount() {
    return ruleCount;
  }

  /** SHA-256 of the sorted ICANN rules: equal digests derive equal domains (comments and private rules do not count). */
  public String digest() {
    return digest;
  }

  /** The list's date: its {@code VERSION} line, or when it was obtained. */
  public Instant asOf() {
    return asOf;
  }

  @Override
  public String toString() {
    return "PublicSuffixList[rules=" + ruleCount + ", asOf=" + asOf + ", digest=" + digest.substring(0, 12) + "]";
  }
}
