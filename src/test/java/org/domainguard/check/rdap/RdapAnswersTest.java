package org.domainguard.check.rdap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Outcome;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.check.RegistryRecord;
import org.junit.jupiter.api.Test;

/** The SPEC §8 RDAP table, one test per row, and the parsing traps registries set. */
class RdapAnswersTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final String SERVER = "https://rdap.example/";

  private static ProviderAnswer answer(int code, String body) {
    return RdapAnswers.answer(SERVER, code, body == null ? null : Buffer.buffer(body), NOW);
  }

  private static ProviderAnswer answer(JsonObject body) {
    return answer(200, body.encode());
  }

  private static RegistryRecord record(ProviderAnswer a) {
    return assertInstanceOf(ProviderAnswer.Statuses.class, a).registry();
  }

  private static Phase phaseOf(String... statuses) {
    return record(answer(FakeRdapServer.domain("example.com", List.of(statuses)))).phase();
  }

  @Test
  void notFoundFromTheNamesServerIsReleased() {
    RegistryRecord r = record(answer(404, null));
    assertEquals(Phase.RELEASED, r.phase());
    assertEquals(404, r.httpStatus());
    assertEquals(SERVER, r.server());
  }

  @Test
  void notFoundWithAnExpiryAccessPeriodNoticeIsReleasedAndKeepsTheNotice() {
    JsonObject body = new JsonObject().put("errorCode", 404).put("title", "Not Found")
        .put("notices", new JsonArray().add(new JsonObject().put("title", "Expiry Access Period")
            .put("description", new JsonArray().add("This domain is currently available for registration in the Expiry Access Period"))));
    RegistryRecord r = record(answer(404, body.encode()));
    assertEquals(Phase.RELEASED, r.phase());
    assertEquals(List.of("Expiry Access Period"), r.notices());
  }

  @Test
  void redemptionPeriodIsRedemptionEvenWithPendingDelete() {
    assertEquals(Phase.REDEMPTION, phaseOf("pending delete", "redemption period"));
    assertEquals(Phase.REDEMPTION, phaseOf("redemption period"));
  }

  @Test
  void pendingRestoreIsRedemption() {
    assertEquals(Phase.REDEMPTION, phaseOf("pending restore", "pending delete"));
  }

  @Test
  void pendingDeleteAloneIsPendingDelete() {
    assertEquals(Phase.PENDING_DELETE, phaseOf("pending delete", "server hold"));
  }

  @Test
  void autoRenewPeriodIsGrace() {
    assertEquals(Phase.GRACE, phaseOf("active", "auto renew period"));
  }

  @Test
  void anExpirationEventInThePastIsGrace() {
    JsonObject body = FakeRdapServer.domain("example.com", List.of("active"));
    body.getJsonArray("events").add(FakeRdapServer.event("expiration", "2026-11-30T00:00:00Z"));
    assertEquals(Phase.GRACE, record(answer(body)).phase());
  }

  @Test
  void anyOtherDomainObjectIsActive() {
    assertEquals(Phase.ACTIVE, phaseOf("client transfer prohibited", "inactive"));
    assertEquals(Phase.ACTIVE, phaseOf());
  }

  @Test
  void badRequestForbiddenAndNotImplementedAreFailedChecksNotPhases() {
    for (int code : new int[] {400, 403, 501, 500, 503}) {
      ProviderAnswer.Failure f = assertInstanceOf(ProviderAnswer.Failure.class, answer(code, "{\"errorCode\":" + code + "}"));
      assertEquals(Outcome.ERROR, f.outcome());
      assertEquals("HTTP " + code, f.detail());
    }
  }

  @Test
  void aBodyThatIsNotADomainObjectIsMalformed() {
    JsonObject entity = new JsonObject().put("objectClassName", "entity").put("handle", "X");
    assertEquals(Outcome.MALFORMED, assertInstanceOf(ProviderAnswer.Failure.class, answer(entity)).outcome());
    assertEquals(Outcome.MALFORMED, assertInstanceOf(ProviderAnswer.Failure.class, answer(200, "<html>")).outcome());
    assertEquals(Outcome.MALFORMED, assertInstanceOf(ProviderAnswer.Failure.class, answer(200, "[]")).outcome());
    assertEquals(Outcome.MALFORMED, assertInstanceOf(ProviderAnswer.Failure.class, answer(200, "")).outcome());
  }

  @Test
  void aFailedCheckHasNoPhase() {
    CheckResult failed = new CheckResult("example.com", "rdap", NOW, NOW, answer(403, null), 1);
    assertNull(failed.classified());
  }

  @Test
  void statusesAreNormalised() {
    JsonObject body = FakeRdapServer.domain("example.com",
        List.of("redemptionPeriod", "clientTransferProhibited https://icann.org/epp#clientTransferProhibited", "Pending  DELETE",
            "server_hold", "ACTIVE"));
    ProviderAnswer.Statuses s = assertInstanceOf(ProviderAnswer.Statuses.class, answer(body));
    assertEquals(List.of("redemption period", "client transfer prohibited", "pending delete", "server hold", "active"), s.tokens());
    assertEquals(Phase.REDEMPTION, s.registry().phase());
    assertEquals(Phase.PENDING_DELETE, phaseOf("pendingDelete"));
    assertEquals(Phase.GRACE, phaseOf("autoRenewPeriod"));
  }

  @Test
  void eventsAreReadLenientlyOneByOne() {
    JsonObject body = FakeRdapServer.domain("example.app", List.of("active"));
    body.getJsonArray("events")
        .add(FakeRdapServer.event("registration", "2019-05-01T10:00:00Z"))
        .add(FakeRdapServer.event("reregistration", "2025-06-02T03:04:05.123456789Z"))
        .add(FakeRdapServer.event("expiration", "294247-01-10T04:00:54.775Z"))
        .add(FakeRdapServer.event("transfer", "2024-01-01T02:00:00+02:00"))
        .add(FakeRdapServer.event("last changed", "2026-10-10T10:10:10.1Z"))
        .add(FakeRdapServer.event("registration", "yesterday-ish"))
        .add(new JsonObject().put("eventAction", "registration"))
        .add(new JsonObject().put("eventAction", 7).put("eventDate", "2030-01-01T00:00:00Z"))
        .add("not an event")
        .add(FakeRdapServer.event("registrar expiration", "2020-01-01T00:00:00Z"));
    RegistryRecord r = record(answer(body));
    assertEquals(Instant.parse("2025-06-02T03:04:05.123456789Z"), r.registeredAt(), "latest of registration and reregistration");
    assertEquals(Instant.parse("+294247-01-10T04:00:54.775Z"), r.expiresAt());
    assertEquals(Instant.parse("2024-01-01T00:00:00Z"), r.transferredAt());
    assertEquals(Instant.parse("2026-10-10T10:10:10.100Z"), r.lastChangedAt());
    assertEquals(Phase.ACTIVE, r.phase(), "a registrar expiration in the past is not the registry's expiration");
  }

  @Test
  void registrarExpirationIsNotExpiration() {
    JsonObject body = FakeRdapServer.domain("example.com", List.of("active"));
    body.getJsonArray("events").add(FakeRdapServer.event("registrar expiration", "2020-01-01T00:00:00Z"))
        .add(FakeRdapServer.event("expiration", "2027-01-01T00:00:00Z"));
    RegistryRecord r = record(answer(body));
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), r.expiresAt());
    assertEquals(Phase.ACTIVE, r.phase());
  }

  @Test
  void datesInTheShapesServersSend() {
    assertEquals(Instant.parse("+294247-01-10T04:00:54.775Z"), RdapDates.parse("294247-01-10T04:00:54.775Z"));
    assertEquals(Instant.parse("2003-10-10T01:55:12Z"), RdapDates.parse("2003-10-10T01:55:12Z"));
    assertEquals(Instant.parse("2003-10-10T01:55:12Z"), RdapDates.parse("2003-10-10T01:55:12.0Z"));
    assertEquals(Instant.parse("2003-10-10T01:55:12.120Z"), RdapDates.parse("2003-10-10T01:55:12.12Z"));
    assertEquals(Instant.parse("2003-10-10T01:55:12.123456789Z"), RdapDates.parse("2003-10-10T01:55:12.123456789Z"));
    assertEquals(Instant.parse("2003-10-10T06:55:12Z"), RdapDates.parse("2003-10-10T01:55:12-05:00"));
    assertEquals(Instant.parse("2003-10-09T23:55:12Z"), RdapDates.parse("2003-10-10T01:55:12+0200"));
    assertEquals(Instant.parse("2003-10-10T01:55:12Z"), RdapDates.parse("2003-10-10T01:55:12"));
    assertEquals(Instant.parse("2003-10-10T00:00:00Z"), RdapDates.parse("2003-10-10"));
    assertNull(RdapDates.parse("2003-13-40T01:55:12Z"));
    assertNull(RdapDates.parse("soon"));
    assertNull(RdapDates.parse(""));
    assertEquals(Instant.parse("2016-12-31T23:59:59Z"), RdapDates.parse("2016-12-31T23:59:60Z"), "a leap second");
    assertEquals(Instant.parse("2003-10-10T01:55:12.123456789Z"), RdapDates.parse("2003-10-10T01:55:12.1234567891234Z"));
    assertEquals(Instant.parse("2003-10-10T01:55:12Z"), RdapDates.parse(" 2003-10-10T01:55:12Z "));
    assertNull(RdapDates.parse("2003-10-10T24:00:00Z"));
    assertNull(RdapDates.parse("2003-10-10T01:55:12.Z"));
  }

  @Test
  void statusesAlreadyInTheirSpellingAreKeptAndOthersRewritten() {
    assertEquals("client transfer prohibited", RdapStatuses.normalise("client transfer prohibited"));
    assertEquals("client hold", RdapStatuses.normalise("client  hold"));
    assertEquals("active", RdapStatuses.normalise(" active"));
    assertEquals("inactive", RdapStatuses.normalise("inactive https://icann.org/epp#inactive"));
    assertNull(RdapStatuses.normalise(""));
  }
}
