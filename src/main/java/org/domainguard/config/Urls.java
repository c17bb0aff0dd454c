package org.domainguard.config;

import java.net.URI;
import java.util.regex.Pattern;

/** URLs as they may be printed: credentials in the user-info part ({@code http://user:secret@host/}) are masked. */
public final class Urls {
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@");

  private Urls() {}

  public static String redact(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceFirst("$1***@");
  }

  /**
   * A URL whose path or query may itself be a credential (a webhook's {@code /services/T/B/secret},
   * {@code ?token=}) as it may be shown: scheme, host and port, then {@code /…} if anything followed.
   */
  public static String origin(String url) {
    try {
      URI u = URI.create(url);
      String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
      String path = u.getRawPath();
      boolean more = (path != null && !path.isEmpty() && !path.equals("/")) || u.getRawQuery() != null || u.getRawFragment() != null;
      return more ? origin + "/…" : origin;
    } catch (IllegalArgumentException e) {
      return "(not a URL)";
    }
  }

  /** A PostgreSQL URL in the form the client parses: {@code postgres://} is accepted as {@code postgresql://}. */
  public static String postgresql(String url) {
    return url.replaceFirst("^postgres://", "postgresql://");
  }
}
