package org.domainguard.check;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Maps Fastly / Domainr status tokens to a lifecycle phase. The table is ordered and the first
 * matching row wins, so the most telling tokens ({@code deleting}, {@code expiring}) are looked at
 * before the ones that merely say the name is registered.
 */
public final class PhaseClassifier {
  private static final Set<String> REGISTERED = Set.of("active", "parked", "marketed", "priced", "transferable");
  /** The name is a zone, TLD or public suffix, not a registrable domain: its other tokens describe something else. */
  private static final Set<String> NOT_REGISTRABLE = Set.of("zone", "tld", "suffix");

  private record Row(Predicate<Set<String>> when, Phase phase) {}

  private static final List<Row> TABLE = List.of(
      new Row(t -> t.contains("deleting"), Phase.PENDING_DELETE),
      new Row(t -> t.contains("expiring"), Phase.REDEMPTION),
      // Domainr's "inactive" means available for registration (RDAP's means "no nameservers").
      new Row(t -> t.contains("inactive"), Phase.RELEASED),
      // Registered but out of DNS: ERRP requires DNS interruption near the end of the renewal window.
      new Row(t -> registered(t) && t.contains("undelegated"), Phase.GRACE),
      new Row(PhaseClassifier::registered, Phase.ACTIVE));

  private PhaseClassifier() {}

  private static boolean registered(Set<String> tokens) {
    return anyOf(tokens, REGISTERED);
  }

  private static boolean anyOf(Set<String> tokens, Set<String> wanted) {
    for (String token : tokens) {
      if (wanted.contains(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Unknown, undelegated alone, reserved, claimed and anything unrecognised: {@link Phase#UNKNOWN};
   * so is any answer carrying zone, tld or suffix, whatever else it says.
   */
  public static Phase classify(List<String> tokens) {
    // Loops, not streams: every Fastly or Domainr answer of a sweep passes here.
    Set<String> set = new HashSet<>();
    for (String token : tokens) {
      set.add(token.toLowerCase(Locale.ROOT));
    }
    if (anyOf(set, NOT_REGISTRABLE)) {
      return Phase.UNKNOWN;
    }
    for (Row row : TABLE) {
      if (row.when().test(set)) {
        return row.phase();
      }
    }
    return Phase.UNKNOWN;
  }
}
