package org.domainguard.events;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Urls;

/**
 * A configured webhook as the dispatcher sends to it: its row id in {@code webhook_endpoints}, the
 * URL without credentials (user-info in the configured URL is sent as HTTP basic authentication),
 * the signing key, and its limits. {@link #toString} shows only the URL's origin (its path may be a token).
 */
record Endpoint(long id, String url, String user, String password, byte[] key, Duration maxAge, Duration timeout, String shown) {

  static Endpoint of(long id, AppConfig.Webhook hook) {
    URI uri = URI.create(hook.url());
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null) {
      int colon = info.indexOf(':');
      user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
      password = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
    }
    String bare = uri.getScheme() + "://" + uri.getRawAuthority().substring(info == null ? 0 : info.length() + 1)
        + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new Endpoint(id, bare, user, password, hook.signingKey(), hook.maxAge(), hook.timeout(), Urls.origin(hook.url()));
  }

  @Override
  public String toString() {
    return "endpoint " + id + " (" + shown + ")";
  }
}
