package org.domainguard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SimulatorMixTest {
  private static final int NAMES = 100_000;

  @Test
  void mixMatchesTheDocumentedShares() {
    DomainStatuses statuses = new DomainStatuses(42);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < NAMES; i++) {
      counts.merge(statuses.tokens("d" + i + ".com"), 1, Integer::sum);
    }
    Map<String, Double> documented = Map.of(
        "active", 75.0, "parked", 7.0, "marketed", 3.0, "active priced", 3.0, "active undelegated", 2.0,
        "active expiring", 2.0, "undelegated deleting", 1.0, "undelegated inactive", 2.0, "unknown", 3.0, "undelegated", 2.0);
    assertEquals(documented.keySet(), counts.keySet());
    documented.forEach((tokens, percent) -> {
      double seen = 100.0 * counts.get(tokens) / NAMES;
      assertEquals(percent, seen, 0.5, tokens);
    });
    int registered = List.of("active", "parked", "marketed", "active priced").stream().mapToInt(counts::get).sum();
    assertTrue(registered >= 0.8 * NAMES, "registered without expiry signal: " + registered);
  }

  @Test
  void sameSeedSameTokensOtherSeedOtherTokens() {
    DomainStatuses a = new DomainStatuses(7);
    DomainStatuses b = new DomainStatuses(7);
    DomainStatuses other = new DomainStatuses(8);
    List<String> names = IntStream.range(0, 1000).mapToObj(i -> "n" + i + ".org").toList();
    assertEquals(names.stream().map(a::tokens).toList(), names.stream().map(b::tokens).toList());
    assertNotEquals(names.stream().map(a::tokens).toList(), names.stream().map(other::tokens).toList());
  }

  @Test
  void wellKnownMailboxProvidersAreAlwaysActive() {
    for (long seed = 0; seed < 200; seed++) {
      DomainStatuses statuses = new DomainStatuses(seed);
      for (String name : List.of("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "proton.me")) {
        assertEquals("active", statuses.tokens(name), name + " with seed " + seed);
      }
    }
  }
}
