package org.domainguard.check;

import java.time.Instant;

/**
 * The final answer of one check of one domain, after limiter waits and in-sweep retries.
 * {@code startedAt} is when the first attempt was made: addresses verified after it are never
 * acted on by this result.
 */
public record CheckResult(String domain, String provider, Instant startedAt, Instant finishedAt, ProviderAnswer answer, int attempts) {

  public Outcome outcome() {
    return answer instanceof ProviderAnswer.Failure f ? f.outcome() : Outcome.OK;
  }

  /** The phase the answer says (the registry's record, or the tokens), or null for a failed check (which is not a phase). */
  public Phase classified() {
    return answer instanceof ProviderAnswer.Statuses s ? s.phase() : null;
  }

  /** When the registry says the name was (re)registered, if it says: a newer date than an address's verification means a new owner may hold it. */
  public Instant registeredAt() {
    return answer instanceof ProviderAnswer.Statuses s && s.registry() != null ? s.registry().registeredAt() : null;
  }

  /**
   * What the check saw, as a number: two checks that saw the same (phase, statuses and registry
   * record, or the same kind of failure) get the same one. A 64-bit FNV-1a hash of that text.
   */
  public long seen() {
    String text = answer instanceof ProviderAnswer.Statuses s ? classified() + "|" + s.raw() + "|" + seen(s.registry()) : outcome().label();
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
    }
    return hash;
  }

  /** The registry record as text for {@link #seen}: dates as epoch seconds and nanos, cheaper than ISO text. */
  private static String seen(RegistryRecord r) {
    if (r == null) {
      return "";
    }
    return r.server() + "|" + r.httpStatus() + "|" + r.phase() + "|" + seen(r.registeredAt()) + "|" + seen(r.expiresAt()) + "|"
        + seen(r.transferredAt()) + "|" + seen(r.lastChangedAt()) + "|" + r.notices();
  }

  private static String seen(Instant t) {
    return t == null ? "-" : t.getEpochSecond() + "." + t.getNano();
  }
}
