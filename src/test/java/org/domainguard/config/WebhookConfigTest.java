package org.domainguard.config;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.domainguard.events.EventOutbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code webhooks: [...]} and DOMAINGUARD_WEBHOOK_URL / _SECRET: what starts, and what refuses to, naming the key. */
@ExtendWith(VertxExtension.class)
class WebhookConfigTest {
  @TempDir Path dir;
  private static final String KEY_B64 = Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));

  private AppConfig load(Vertx vertx, String yaml, Map<String, String> env) throws IOException {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return await(ConfigLoader.load(vertx, file, true, env));
  }

  private String failure(Vertx vertx, String yaml, Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> load(vertx, yaml, env)).getMessage();
  }

  @Test
  void oneEndpointFromTheEnvironmentTakesEveryEventWithDefaults(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "https://host.example/hooks/domain-guard",
        "DOMAINGUARD_WEBHOOK_SECRET", "whsec_" + KEY_B64));
    assertEquals(1, c.webhooks().size());
    AppConfig.Webhook hook = c.webhooks().get(0);
    assertEquals("https://host.example/hooks/domain-guard", hook.url());
    assertNull(hook.events(), "every type");
    assertEquals(Duration.ofDays(3), hook.maxAge());
    assertEquals(Duration.ofSeconds(10), hook.timeout());
    assertArrayEquals("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8), hook.signingKey(), "whsec_ is the base64-decoded key");
    assertFalse(c.toString().contains(KEY_B64), "the secret never appears in a dump");
  }

  @Test
  void severalEndpointsEachWithTheirEventsMaxAgeAndTimeout(Vertx vertx) throws IOException {
    AppConfig c = load(vertx, """
        webhooks:
          - url: https://a.example/hooks
            secret: a shared secret, long enough
            events: [domain.lapsing, address.unverified]
            max-age: 12h
            timeout: 3s
          - url: https://user:pa%%40ss@b.example/hooks
            secret: whsec_%s
        """.formatted(KEY_B64), Map.of());
    assertEquals(2, c.webhooks().size());
    AppConfig.Webhook a = c.webhooks().get(0);
    assertEquals(Set.of("domain.lapsing", "address.unverified"), a.events());
    assertEquals(Duration.ofHours(12), a.maxAge());
    assertEquals(Duration.ofSeconds(3), a.timeout());
    assertArrayEquals("a shared secret, long enough".getBytes(StandardCharsets.UTF_8), a.signingKey(), "any other secret: its UTF-8 bytes");
  }

  @Test
  void noWebhookIsFine(Vertx vertx) throws IOException {
    assertTrue(load(vertx, "", Map.of()).webhooks().isEmpty());
  }

  @Test
  void anInvalidEndpointRefusesToStartNamingTheKeyAndNeverTheSecret(Vertx vertx) {
    String secret = "whsec_" + KEY_B64;
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "ftp://host/x", "DOMAINGUARD_WEBHOOK_SECRET", secret))
        .startsWith("webhook.url: expected an http:// or https:// URL"));
    String masked = failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "gopher://me:hunter2@host/x", "DOMAINGUARD_WEBHOOK_SECRET", secret));
    assertFalse(masked.contains("hunter2"), masked);
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "https://host/x")).startsWith("webhook.secret: must be at least 16 bytes"));
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_SECRET", secret)).startsWith("webhook.url:"));
    String notBase64 = failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "https://host/x", "DOMAINGUARD_WEBHOOK_SECRET", "whsec_not*base64!"));
    assertTrue(notBase64.startsWith("webhook.secret: starts with whsec_ but the rest is not base64"), notBase64);
    assertFalse(notBase64.contains("not*base64"), "the secret is never quoted");
    assertTrue(failure(vertx, "", Map.of("DOMAINGUARD_WEBHOOK_URL", "https://host/x", "DOMAINGUARD_WEBHOOK_SECRET", "short"))
        .startsWith("webhook.secret: must be at least 16 bytes"));
    assertTrue(failure(vertx, "webhooks:\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n    event: [domain.lapsed]\n", Map.of())
        .startsWith("webhooks[0].event: unknown setting"), "a misspelled key");
    assertTrue(failure(vertx, "webhooks:\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n    events: [domain.expired]\n", Map.of())
        .startsWith("webhooks[0].events: expected event types among"));
    assertTrue(failure(vertx, "webhooks:\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n    events: []\n", Map.of())
        .startsWith("webhooks[0].events: lists no event type"));
    assertTrue(failure(vertx, "webhooks:\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n    max-age: 3 days\n", Map.of())
        .startsWith("webhooks[0].max-age: expected a duration"));
    assertTrue(failure(vertx, "webhooks:\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n  - url: https://a/x\n    secret: whsec_" + KEY_B64 + "\n",
        Map.of()).startsWith("webhooks[1].url: names an endpoint already configured"));
    assertTrue(failure(vertx, "webhooks:\n  url: https://a/x\n", Map.of()).startsWith("webhooks: expected a list"));
    assertTrue(failure(vertx, "webhook:\n  max-age: 1d\n", Map.of()).startsWith("webhook.url: is required"));
  }

  @Test
  void theConfigurableEventTypesAreExactlyTheOnesWritten() {
    assertEquals(AppConfig.EVENT_TYPES, Set.of(EventOutbox.DOMAIN_LAPSING, EventOutbox.ADDRESS_UNVERIFIED, EventOutbox.DOMAIN_LAPSED,
        EventOutbox.DOMAIN_REREGISTERED, EventOutbox.CHANGE_HELD, EventOutbox.ADDRESS_REVERIFIED));
  }
}
