package org.domainguard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hosts are cut with the bundled Public Suffix List and mapped by UTS #46 (non-transitional,
 * CheckHyphens, CheckBidi, CheckJoiners). IDN cases are taken from Unicode's IdnaTestV2 (16.0.0)
 * and the PSL's own examples; the expected A-labels are theirs.
 */
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
    "a@example.com。               | example.com",
    "a@foo.github.io               | github.io",
    "a@x.example.com.au            | example.com.au",
    "first.last+tag@gmail.com      | gmail.com",
    "\"quoted@local\"@example.net  | example.net",
    "a@sub.example.k12.ca.us       | example.k12.ca.us",
    "a@example.ORG                 | example.org",
    "a@b.example.example           | example.example",
    "a@mail.shop.web               | shop.web",
    "a@mail.example.bd             | example.bd",
    "a@example.kh                  | example.kh",
    "a@www.example.bank.in         | example.bank.in",
    "a@example.gov.cz              | example.gov.cz",
    "a@example.org.sk              | example.org.sk",
    "a@example.ai.id               | example.ai.id",
    "a@mail.example.ac.tj          | ac.tj",
  })
  void watchesTheRegistrableDomain(String address, String domain) {
    ParsedAddress parsed = parser.parse(address);
    assertTrue(parsed.isWatched(), () -> "skipped: " + parsed.skipReason());
    assertEquals(domain, parsed.domain());
    assertNull(parsed.skipReason());
  }

  @ParameterizedTest(name = "{0} is skipped: {1}")
  @CsvSource(delimiter = '|', value = {
    "no-at-sign.example.com         | invalid: no '@' in address",
    "@example.com                   | invalid: empty local part",
    "a@                             | invalid: empty host",
    "a@.                            | invalid: host name: empty label",
    "a@[192.168.0.1]                | unsupported: IP literal host",
    "a@10.0.0.1                     | unsupported: IP literal host",
    "a@10.0.0.1.                    | unsupported: IP literal host",
    "a@localhost                    | unsupported: localhost",
    "a@mail.localhost               | unsupported: localhost",
    "a@co.uk                        | unsupported: host is a public suffix",
    "a@bank.in                      | unsupported: host is a public suffix",
    "a@example                      | invalid: single-label host",
    "a@com                          | invalid: single-label host",
    "a@example.123                  | invalid: host name: numeric top-level label",
    "a b@example.com                | invalid: address contains spaces or control characters",
    "a@exa mple.com                 | invalid: address contains spaces or control characters",
    "a@under_score.com              | invalid: host name: character not allowed in host names",
    "a@-leadinghyphen.com           | invalid: host name: label starts with a hyphen",
    "a@trailinghyphen-.com          | invalid: host name: label ends with a hyphen",
    "a@ab--cd.com                   | invalid: host name: hyphens in the third and fourth positions",
    "a@xn--a.com                    | invalid: host name: invalid xn-- label",
    "a@example..com                 | invalid: host name: empty label",
    "u@example.com..                | invalid: host name: empty label",
  })
  void skipsWithAReasonThatTellsInvalidFromUnsupported(String address, String reason) {
    ParsedAddress parsed = parser.parse(address);
    assertFalse(parsed.isWatched());
    assertEquals(reason, parsed.skipReason());
  }

  @Test
  void dropsOneTrailingDotFromTheNormalisedAddress() {
    assertEquals("u@example.com", parser.parse("u@example.com.").normalized());
    assertEquals("u@example.com", parser.parse("u@EXAMPLE.com。").normalized());
    assertEquals("invalid: host name: empty label", parser.parse("u@example.com..").skipReason());
  }

  @Test
  void skipsLabelsLongerThan63Octets() {
    ParsedAddress parsed = parser.parse("a@" + "x".repeat(64) + ".com");
    assertEquals("invalid: host name: label longer than 63 octets", parsed.skipReason());
  }

  @Test
  void skipsMissingAndHugeAddresses() {
    assertEquals("invalid: missing address", parser.parse(null).skipReason());
    assertEquals("invalid: missing address", parser.parse("   ").skipReason());
    assertEquals("invalid: address longer than 320 characters", parser.parse("a@" + "b".repeat(10_000) + ".com").skipReason());
  }

  @Test
  void skipsControlCharacters() {
    assertEquals("invalid: address contains spaces or control characters", parser.parse("a@exam\u0000ple.com").skipReason());
    assertEquals("invalid: address contains spaces or control characters", parser.parse("a\u0007@example.com").skipReason());
    assertEquals("invalid: address contains spaces or control characters", parser.parse("a@exam\u00A0ple.com").skipReason(), "no-break space");
  }

  @ParameterizedTest(name = "U+{1} is refused")
  @CsvSource(delimiter = '|', value = {
    "a@exam\u200Bple.com  | 200B",
    "\u202Eevil@example.com | 202E",
    "a@\u202Dexample.com  | 202D",
    "a@exa\u2060mple.com  | 2060",
    "a@\uFEFFexample.com  | FEFF",
    "a@exam\u00ADple.com  | 00AD",
    "a@exam\u200Eple.com  | 200E",
    "a@example\uFE0F.com  | FE0F",
    "a@exa\u2066mple.com  | 2066",
  })
  void refusesInvisibleCharactersThatUts46WouldDropOrDisallow(String address, String codePoint) {
    assertEquals("invalid: address contains an invisible character (U+" + codePoint + ")", parser.parse(address).skipReason());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
    // Sinhala: ZWJ after the virama (al-lakuna), as in ශ්‍රී (the PSL's and UTS #46's example)
    "u@www.ශ්\u200Dරී.com                         | u@www.xn--10cl1a0b660p.com        | xn--10cl1a0b660p.com",
    // IdnaTestV2: ZWNJ and ZWJ after a virama (Devanagari ्)
    "u@a\u094D\u200Cb.com                          | u@xn--ab-fsf604u.com              | xn--ab-fsf604u.com",
    "u@A\u094D\u200DB.com                          | u@xn--ab-fsf014u.com              | xn--ab-fsf014u.com",
    // Persian: ZWNJ between two joining letters (می‌خواهم)
    "u@\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.com | u@xn--mgbn2ecje63gr19l.com | xn--mgbn2ecje63gr19l.com",
    // IdnaTestV2: right-to-left labels that keep the bidi rule
    "u@\u05D0\u05EA.com                            | u@xn--4db6c.com                   | xn--4db6c.com",
    "u@\u05D07\u05EA.com                           | u@xn--7-zhc3f.com                 | xn--7-zhc3f.com",
  })
  void acceptsJoinersAndRightToLeftLabelsWhereUts46Allows(String address, String normalized, String domain) {
    ParsedAddress parsed = parser.parse(address);
    assertTrue(parsed.isWatched(), () -> "skipped: " + parsed.skipReason());
    assertEquals(normalized, parsed.normalized());
    assertEquals(domain, parsed.domain());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
    // IdnaTestV2 C1/C2: a joiner with no virama before it and no joining context around it
    "u@a\u200Cb.com              | invalid: host name: zero-width joiner or non-joiner where its context does not allow it",
    "u@a\u200Db.com              | invalid: host name: zero-width joiner or non-joiner where its context does not allow it",
    "u@xn--ab-j1t.com            | invalid: host name: zero-width joiner or non-joiner where its context does not allow it",
    // IdnaTestV2 B2/B3, B1, B5: the bidi rule
    "u@\u05D0t\u05EA.com         | invalid: host name: right-to-left label breaks the bidi rule",
    "u@\u05D0a\u05C7.com         | invalid: host name: right-to-left label breaks the bidi rule",
    "u@0à.\u05D0                 | invalid: host name: right-to-left label breaks the bidi rule",
    "u@a\u0628\u0308\u200C\u0308\u0628b.com | invalid: host name: right-to-left label breaks the bidi rule",
  })
  void refusesJoinersAndBidiThatUts46Refuses(String address, String reason) {
    assertEquals(reason, parser.parse(address).skipReason());
  }

  @Test
  void normalisesLocalPartAndHost() {
    assertEquals("first.last@xn--bcher-kva.de", parser.parse("First.Last@BÜCHER.de").normalized());
  }

  @Test
  void cutsWithTheListItIsGiven() {
    PublicSuffixList withShop = PublicSuffixList.parse(PublicSuffixListTest.withIcannRules("shop.example"), PublicSuffixList.BUNDLED_AS_OF);
    assertEquals("mail.shop.example", new AddressParser(withShop).parse("a@x.mail.shop.example").domain());
    assertEquals("shop.example", parser.parse("a@x.mail.shop.example").domain());
  }
}
