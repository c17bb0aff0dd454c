package org.domainguard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressParserTest {
  private final AddressParser parser = new AddressParser();

  @ParameterizedTest(name = "{0} is watched as {1}")
  @CsvSource(delimiter = '|', value = {
    "a@example.com                 | example.com",
    "A.B@Example.COM               | example.com",
    "a@mail.eng.example.co.uk      | example.co.uk",
    "a@example.co.uk               | example.co.uk",
    "a@deep.sub.domain.example.org | example.org",
    "a@Bücher.DE                   | xn--bcher-kva.de",
    "a@mail.bücher.de              | xn--bcher-kva.de",
    "a@xn--bcher-kva.de            | xn--bcher-kva.de",
    "a@例え.jp                      | xn--r8jz45g.jp",
    "a@example.com.                | example.com",
    "a@foo.github.io               | github.io",
    "a@x.example.com.au            | example.com.au",
    "first.last+tag@gmail.com      | gmail.com",
    "\"quoted@local\"@example.net  | example.net",
    "a@sub.example.k12.ca.us       | example.k12.ca.us",
    "a@example.ORG                 | example.org",
  })
  void watchesTheRegistrableDomain(String address, String domain) {
    ParsedAddress parsed = parser.parse(address);
    assertTrue(parsed.isWatched(), () -> "skipped: " + parsed.skipReason());
    assertEquals(domain, parsed.domain());
    assertNull(parsed.skipReason());
  }

  @ParameterizedTest(name = "{0} is skipped: {1}")
  @CsvSource(delimiter = '|', value = {
    "no-at-sign.example.com         | no '@' in address",
    "@example.com                   | empty local part",
    "a@                             | empty host",
    "a@[192.168.0.1]                | IP literal host",
    "a@10.0.0.1                     | IP literal host",
    "a@localhost                    | localhost",
    "a@co.uk                        | host is a public suffix",
    "a@com                          | host is a public suffix",
    "a@example.notarealtld          | host has no public suffix",
    "a b@example.com                | address contains spaces or control characters",
    "a@exa mple.com                 | address contains spaces or control characters",
    "a@under_score.com              | invalid host name",
    "a@-leadinghyphen.com           | invalid host name",
    "a@example..com                 | invalid host name",
  })
  void skipsInvalidAddressesWithAReason(String address, String reason) {
    ParsedAddress parsed = parser.parse(address);
    assertFalse(parsed.isWatched());
    assertEquals(reason, parsed.skipReason());
  }

  @Test
  void skipsLabelsLongerThan63Octets() {
    ParsedAddress parsed = parser.parse("a@" + "x".repeat(64) + ".com");
    assertEquals("invalid host name", parsed.skipReason());
  }

  @Test
  void skipsMissingAndHugeAddresses() {
    assertEquals("missing address", parser.parse(null).skipReason());
    assertEquals("missing address", parser.parse("   ").skipReason());
    assertEquals("address longer than 320 characters", parser.parse("a@" + "b".repeat(10_000) + ".com").skipReason());
  }

  @Test
  void skipsControlCharacters() {
    assertEquals("address contains spaces or control characters", parser.parse("a@exam\u0000ple.com").skipReason());
    assertEquals("address contains spaces or control characters", parser.parse("a\u0007@example.com").skipReason());
    assertEquals("address contains spaces or control characters", parser.parse("a@exam\u200Bple.com").skipReason(), "zero-width space");
    assertEquals("address contains spaces or control characters", parser.parse("\u202Eevil@example.com").skipReason(), "bidi override");
  }

  @Test
  void normalisesLocalPartAndHost() {
    assertEquals("first.last@xn--bcher-kva.de", parser.parse("First.Last@BÜCHER.de").normalized());
  }
}
