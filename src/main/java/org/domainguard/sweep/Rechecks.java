package org.domainguard.sweep;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.domainguard.apply.CheckRecord;

/**
 * An operator's immediate check of one domain: leased like a swept domain, checked through the
 * same limiter, decided by the same policy and written by the same writer, outside any sweep.
 */
public final class Rechecks {
  private final SweepWork work;

  public Rechecks(SweepWork work) {
    this.work = work;
  }

  /**
   * Checks one domain now, bypassing its schedule but not the rate limit; null when the domain is
   * not watched. {@code wanted} is asked right before the provider is called: if the requester has
   * gone by then, the domain's lease is given back, nothing is written, and the future fails with
   * {@link org.domainguard.check.CheckAbandonedException}.
   */
  public Future<RecheckOutcome> recheck(String domain, BooleanSupplier wanted) {
    return work.source().claimOne(domain).compose(state -> {
      if (state == null) {
        return Future.succeededFuture(null);
      }
      // A check that fails (abandoned, deferred, or a bug) gives its lease back, as does a failed write.
      return work.checker().check(domain, wanted).compose(result -> {
        var decision = work.policy().decide(state, result);
        Future<Integer> changed = work.writer().submit(new CheckRecord(state, result, decision, null));
        work.writer().flushSoon();
        return changed.map(n -> new RecheckOutcome(domain, decision.phase(), result, n));
      }).recover(e -> work.source().release(List.of(state.id())).transform(released -> Future.failedFuture(e)));
    });
  }
}
