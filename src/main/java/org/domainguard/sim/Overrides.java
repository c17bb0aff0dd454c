package org.domainguard.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-domain behaviour set by tests: fixed status tokens and/or a fault for the next N requests.
 * A domain with an override never gets random faults. Confined to the server's event loop.
 */
final class Overrides {
  /** {@code status} null means the deterministic tokens; {@code remaining} counts down the fault. */
  private record Override(String status, Fault fault, int remaining) {}

  private final Map<String, Override> byDomain = new HashMap<>();

  void put(String domain, String status, Fault fault, int times) {
    byDomain.put(domain, new Override(status, fault, fault == Fault.NONE ? 0 : times));
  }

  void clear() {
    byDomain.clear();
  }

  boolean has(String domain) {
    return byDomain.containsKey(domain);
  }

  /** The fault for this request, consuming one of its remaining uses; NONE once they are used up. */
  Fault takeFault(String domain) {
    Override o = byDomain.get(domain);
    if (o == null || o.remaining() == 0) {
      return Fault.NONE;
    }
    byDomain.put(domain, new Override(o.status(), o.fault(), o.remaining() - 1));
    return o.fault();
  }

  /** The fixed tokens for the domain, or null to use the deterministic ones. */
  String status(String domain) {
    Override o = byDomain.get(domain);
    return o == null ? null : o.status();
  }
}
