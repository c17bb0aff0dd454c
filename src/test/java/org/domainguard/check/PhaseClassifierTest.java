package org.domainguard.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per row of the token → phase table (SPEC §2), in table order. */
class PhaseClassifierTest {
  private static Phase classify(String tokens) {
    return PhaseClassifier.classify(ProviderAnswer.Statuses.parse(tokens).tokens());
  }

  @ParameterizedTest
  @ValueSource(strings = {"deleting", "undelegated deleting", "active expiring deleting", "inactive deleting"})
  void deletingIsPendingDelete(String tokens) {
    assertEquals(Phase.PENDING_DELETE, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"expiring", "active expiring", "undelegated expiring", "parked expiring"})
  void expiringIsRedemption(String tokens) {
    assertEquals(Phase.REDEMPTION, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"inactive", "undelegated inactive", "premium inactive", "undelegated inactive premium"})
  void inactiveMeansAvailableSoReleased(String tokens) {
    assertEquals(Phase.RELEASED, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"active undelegated", "undelegated active", "parked undelegated", "marketed undelegated", "undelegated priced", "transferable undelegated"})
  void registeredButUndelegatedIsGrace(String tokens) {
    assertEquals(Phase.GRACE, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"active", "parked", "marketed", "active priced", "active transferable", "ACTIVE"})
  void registeredIsActive(String tokens) {
    assertEquals(Phase.ACTIVE, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"unknown", "undelegated", "reserved", "claimed", "disallowed", "dpml", "invalid", "pending", "suffix", "zone", "tld", "zone tld", "frobnicated", ""})
  void anythingElseIsUnknown(String tokens) {
    assertEquals(Phase.UNKNOWN, classify(tokens));
  }

  @ParameterizedTest
  @ValueSource(strings = {"active zone tld", "active zone", "active suffix", "marketed tld", "inactive zone", "expiring suffix",
      "deleting tld", "active undelegated zone"})
  void zoneTldOrSuffixAnywhereMeansNotARegistrableDomain(String tokens) {
    assertEquals(Phase.UNKNOWN, classify(tokens));
  }

  @Test
  void firstMatchingRowWinsOverLaterRows() {
    assertEquals(Phase.PENDING_DELETE, PhaseClassifier.classify(List.of("active", "expiring", "deleting")));
  }
}
