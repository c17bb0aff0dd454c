package org.domainguard.sim;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * The simulator's world: the status tokens of every domain, a pure function of (seed, domain name)
 * so that runs, restarts and separate processes agree.
 *
 * <p>The mix, per mille of domain names (murmur3 of seed + name, modulo 1000):
 * <pre>
 *   750  active                  registered                         (ACTIVE)
 *    70  parked                  registered, parked                 (ACTIVE)
 *    30  marketed                registered, for sale               (ACTIVE)
 *    30  active priced           registered, priced aftermarket     (ACTIVE)
 *    20  active undelegated      expired, out of DNS, renewable     (GRACE)
 *    20  active expiring         redemption period                  (REDEMPTION)
 *    10  undelegated deleting    pending delete                     (PENDING_DELETE)
 *    20  undelegated inactive    deleted, available                 (RELEASED)
 *    30  unknown                 registry could not tell            (UNKNOWN)
 *    20  undelegated             not in DNS, nothing else known     (UNKNOWN)
 * </pre>
 * so 88% are registered with no expiry signal. Well-known mailbox providers are always {@code active},
 * whatever the seed, so a demo never unverifies gmail.com.
 */
final class DomainStatuses {
  private static final Set<String> ALWAYS_ACTIVE = Set.of(
      "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
      "ymail.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com",
      "gmx.com", "gmx.de", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "zoho.com", "fastmail.com");

  private record Band(int perMille, String tokens) {}

  private static final List<Band> MIX = List.of(
      new Band(750, "active"),
      new Band(70, "parked"),
      new Band(30, "marketed"),
      new Band(30, "active priced"),
      new Band(20, "active undelegated"),
      new Band(20, "active expiring"),
      new Band(10, "undelegated deleting"),
      new Band(20, "undelegated inactive"),
      new Band(30, "unknown"),
      new Band(20, "undelegated"));

  private static final HashFunction HASH = Hashing.murmur3_128();

  private final long seed;

  DomainStatuses(long seed) {
    this.seed = seed;
  }

  /** The space-separated tokens for a normalised (lower-case) domain name. */
  String tokens(String domain) {
    if (ALWAYS_ACTIVE.contains(domain)) {
      return "active";
    }
    long hash = HASH.newHasher().putLong(seed).putString(domain, StandardCharsets.UTF_8).hash().asLong();
    int slot = (int) Math.floorMod(hash, 1000L);
    for (Band band : MIX) {
      slot -= band.perMille();
      if (slot < 0) {
        return band.tokens();
      }
    }
    throw new IllegalStateException("the mix must add up to 1000 per mille");
  }
}
