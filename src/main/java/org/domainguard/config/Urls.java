package org.domainguard.config;

import java.util.regex.Pattern;

/** URLs as they may be printed: credentials in the user-info part ({@code http://user:secret@host/}) are masked. */
public final class Urls {
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

  private Urls() {}

  public static String redact(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1***@");
  }

  /** A PostgreSQL URL in the form the client parses: {@code postgres://} is accepted as {@code postgresql://}. */
  public static String postgresql(String url) {
    return url.replaceFirst("^postgres://", "postgresql://");
  }
}
