package org.domainguard.apply;

import java.util.ArrayList;
import java.util.List;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.domainguard.events.EventOutbox;
import org.domainguard.events.EventOutbox.DomainEvent;

/**
 * Which checks move a domain to a phase the host application hears about (SPEC §10), judged from
 * the state before the check and the decision. The lapse remembered between checks decides, not the
 * previous phase alone, so a failed or UNKNOWN check in between never repeats an event:
 * {@code domain.lapsing} when a lapse starts in GRACE, {@code domain.lapsed} each time the lapse
 * reaches a worse phase of REDEMPTION, PENDING_DELETE and RELEASED, {@code domain.reregistered}
 * when the domain is found registered anew.
 */
final class PhaseEvents {
  private PhaseEvents() {}

  static List<DomainEvent> of(List<CheckRecord> batch) {
    List<DomainEvent> events = new ArrayList<>();
    for (CheckRecord r : batch) {
      String type = type(r.state(), r.decision());
      if (type != null) {
        ProviderAnswer.Statuses answer = r.result().answer() instanceof ProviderAnswer.Statuses s ? s : null;
        RegistryRecord registry = answer == null ? null : answer.registry();
        events.add(new DomainEvent(r.state().id(), type, r.decision().phase().name(), answer == null ? null : answer.raw(),
            registry == null ? null : registry.expiresAt(), registry == null ? null : registry.registeredAt()));
      }
    }
    return events;
  }

  /** The event type a decision raises, or null for none (the common case). */
  static String type(DomainState before, Decision decision) {
    Phase phase = decision.phase();
    if (phase == Phase.GRACE && before.lapseSeenAt() == null) {
      return EventOutbox.DOMAIN_LAPSING;
    }
    if (phase != null && phase.isLapsed() && (before.lapsePhase() == null || phase.severity() > before.lapsePhase().severity())) {
      return EventOutbox.DOMAIN_LAPSED;
    }
    if (phase == Phase.REREGISTERED && before.phase() != Phase.REREGISTERED) {
      return EventOutbox.DOMAIN_REREGISTERED;
    }
    return null;
  }
}
