package org.domainguard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.junit.jupiter.api.Test;

class EndpointTest {
  private static Endpoint of(String url) {
    return Endpoint.of(7, new AppConfig.Webhook(url, Secret.of("a secret of sixteen+"), null, Duration.ofDays(3), Duration.ofSeconds(10)));
  }

  @Test
  void credentialsInTheUrlBecomeBasicAuthenticationAndNeverShow() {
    Endpoint e = of("https://hook:pa%40ss@app.example:8443/hooks/dg?tenant=a%20b");
    assertEquals("https://app.example:8443/hooks/dg?tenant=a%20b", e.url(), "sent to the URL without its user-info");
    assertEquals("hook", e.user());
    assertEquals("pa@ss", e.password());
    assertFalse(e.toString().contains("pa%40ss") || e.toString().contains("pa@ss"), e.toString());
  }

  @Test
  void aUrlWithoutCredentialsIsSentAsConfigured() {
    Endpoint e = of("http://127.0.0.1:8000");
    assertEquals("http://127.0.0.1:8000/", e.url());
    assertNull(e.user());
  }

  @Test
  void aTokenInThePathOrQueryIsNeverShown() {
    assertEquals("endpoint 7 (https://hooks.example/…)", of("https://hooks.example/services/T0/B0/s3cr3tPathToken").toString());
    assertEquals("endpoint 7 (https://app.example:8443/…)", of("https://u:p@app.example:8443/h?token=s3cr3t").toString());
    assertEquals("endpoint 7 (http://127.0.0.1:8000)", of("http://127.0.0.1:8000/").toString());
  }
}
