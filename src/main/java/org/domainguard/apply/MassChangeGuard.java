package org.domainguard.apply;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.domainguard.config.AppConfig;

/**
 * Caps how much one sweep started by an operator (or one hour of continuous checking: scheduled
 * sweeps and rechecks) may unverify: at most
 * {@code guard.max-changes} addresses and at most {@code guard.max-change-ratio} of the domains it
 * checks. What is past either limit is held for an operator instead of applied, so a provider that
 * suddenly calls everything "inactive" cannot unverify a whole user base. Used from one event loop.
 */
public final class MassChangeGuard {
  private final int maxChanges;
  private final double maxRatio;
  private final Clock clock;
  private final Map<String, Window> windows = new HashMap<>();

  /** What one sweep or hour has applied so far. */
  private static final class Window {
    long total;
    long checked;
    long addresses;
    long domains;
    boolean holding;
  }

  /** One acting record and the number of addresses it would change. */
  public record Candidate(CheckRecord record, int addresses) {}

  /** {@code startedHolding}: this batch is the first in its window to hold anything (worth one warning). */
  public record Split(List<Candidate> apply, List<Candidate> hold, boolean startedHolding) {}

  public MassChangeGuard(AppConfig.Guard config, Clock clock) {
    this.maxChanges = config.maxChanges();
    this.maxRatio = config.maxChangeRatio();
    this.clock = clock;
  }

  /**
   * Gives an operator's sweep a window of its own, sized from the start so its ratio limit does
   * not grow as it goes. Scheduled sweeps share the hourly window.
   */
  public void sweepStarted(long sweepId, long total) {
    windows.computeIfAbsent("sweep:" + sweepId, k -> new Window()).total = total;
  }

  public void sweepEnded(long sweepId) {
    windows.remove("sweep:" + sweepId);
  }

  /** Counts checked domains and splits the acting records into what may be applied now and what is held. */
  Split split(List<CheckRecord> batch, List<Candidate> candidates) {
    windows.keySet().removeIf(k -> k.startsWith("hour:") && !k.equals(hourKey()));
    batch.forEach(r -> window(r).checked++);
    List<Candidate> apply = new ArrayList<>();
    List<Candidate> hold = new ArrayList<>();
    boolean startedHolding = false;
    for (Candidate c : candidates) {
      Window w = window(c.record());
      // At least one domain per window, or a lone recheck of a lapsed domain could never act.
      long domainLimit = Math.max(1, (long) Math.floor(maxRatio * Math.max(w.total, w.checked)));
      if (w.addresses + c.addresses() > maxChanges || w.domains + 1 > domainLimit) {
        hold.add(c);
        startedHolding |= !w.holding;
        w.holding = true;
      } else {
        w.addresses += c.addresses();
        w.domains++;
        apply.add(c);
      }
    }
    return new Split(apply, hold, startedHolding);
  }

  /** Gives back what a batch had reserved when its transaction did not commit. */
  void release(List<CheckRecord> batch, List<Candidate> applied) {
    batch.forEach(r -> window(r).checked--);
    applied.forEach(c -> {
      Window w = window(c.record());
      w.addresses -= c.addresses();
      w.domains--;
    });
  }

  private Window window(CheckRecord r) {
    Window own = r.sweepId() == null ? null : windows.get("sweep:" + r.sweepId());
    return own != null ? own : windows.computeIfAbsent(hourKey(), k -> new Window());
  }

  private String hourKey() {
    return "hour:" + clock.instant().getEpochSecond() / 3600;
  }
}
