package org.domainguard.check.rdap;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads RDAP event dates leniently. RFC 3339 is what RFC 9083 asks for, but servers send years
 * above 9999 without the {@code +} ISO wants (nomulus' end of time, {@code 294247-01-10T04:00:54.775Z}),
 * no fraction or 1 to 9 fraction digits (or more), offsets with or without a colon, or no zone at all
 * (read as UTC). {@code java.time}'s own parsers refuse several of these.
 */
final class RdapDates {
  private static final Pattern DATE = Pattern.compile(
      "([+-]?\\d{4,9})-(\\d{1,2})-(\\d{1,2})"
          + "(?:[Tt ](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9})\\d*)?)?)?"
          + "\\s*(Z|z|UTC|[+-]\\d{2}(?::?\\d{2})?)?");

  private RdapDates() {}

  /** The instant, or null when the text is not a date this reader understands. */
  static Instant parse(String text) {
    if (text == null) {
      return null;
    }
    Instant plain = plainUtc(text);
    if (plain != null) {
      return plain;
    }
    Matcher m = DATE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      int year = Integer.parseInt(m.group(1));
      int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
      int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      return at(year, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), hour, minute, second, m.group(7), offset(m.group(8)));
    } catch (DateTimeException | NumberFormatException e) {
      return null;
    }
  }

  /**
   * The form nearly every server sends, {@code 2024-05-06T07:08:09Z} with or without a fraction,
   * read without the regex; null for anything else (the general reader decides).
   */
  private static Instant plainUtc(String text) {
    int n = text.length();
    if (n < 20 || n > 30 || text.charAt(n - 1) != 'Z' || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || !digits(text, 0, 4) || !digits(text, 5, 7) || !digits(text, 8, 10)
        || !digits(text, 11, 13) || !digits(text, 14, 16) || !digits(text, 17, 19)) {
      return null;
    }
    if (n > 20 && (text.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1 || !digits(text, 20, n - 1))) {
      return null;
    }
    try {
      return at(number(text, 0, 4), number(text, 5, 7), number(text, 8, 10), number(text, 11, 13), number(text, 14, 16),
          number(text, 17, 19), n > 20 ? text.substring(20, n - 1) : null, ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The instant of a date read by either reader: a leap second is read as the second before it; {@code fraction}'s digits (null: none) are its nanos. */
  private static Instant at(int year, int month, int day, int hour, int minute, int second, String fraction, ZoneOffset offset) {
    int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
    return LocalDateTime.of(year, month, day, hour, minute, second == 60 ? 59 : second, nanos).toInstant(offset);
  }

  private static boolean digits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static int number(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      value = value * 10 + (text.charAt(i) - '0');
    }
    return value;
  }

  private static ZoneOffset offset(String zone) {
    if (zone == null || zone.equalsIgnoreCase("Z") || zone.equals("UTC")) {
      return ZoneOffset.UTC;
    }
    String digits = zone.substring(1).replace(":", "");
    int hours = Integer.parseInt(digits.substring(0, 2));
    int minutes = digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0;
    int sign = zone.charAt(0) == '-' ? -1 : 1;
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
