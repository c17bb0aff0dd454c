package org.domainguard.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The list's algorithm over the bundled snapshot (2026-08-19). Cases follow the PSL's own
 * test_psl.txt (registrable domain of a host; empty = none) and probe rules of every kind.
 */
class PublicSuffixListTest {
  private static final PublicSuffixList LIST = PublicSuffixList.bundled();

  /** The bundled list with {@code rules} added at the end of its ICANN section. */
  static String withIcannRules(String... rules) {
    return PublicSuffixList.bundledText().replace("// ===END ICANN DOMAINS===", String.join("\n", rules) + "\n// ===END ICANN DOMAINS===");
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', value = {
    // normal rules (test_psl.txt)
    "com                        |",
    "example.com                | example.com",
    "b.example.com              | example.com",
    "a.b.example.com            | example.com",
    "uk.com                     | uk.com",
    "example.uk.com             | uk.com",
    "biz                        |",
    "domain.biz                 | domain.biz",
    "b.domain.biz               | domain.biz",
    "a.b.domain.biz             | domain.biz",
    "c.com.cn                   | c.com.cn",
    "b.c.com.cn                 | c.com.cn",
    "a.b.c.com.cn               | c.com.cn",
    "jp                         |",
    "test.jp                    | test.jp",
    "www.test.jp                | test.jp",
    "ac.jp                      |",
    "test.ac.jp                 | test.ac.jp",
    "www.test.ac.jp             | test.ac.jp",
    "kyoto.jp                   |",
    "test.kyoto.jp              | test.kyoto.jp",
    "ide.kyoto.jp               |",
    "b.ide.kyoto.jp             | b.ide.kyoto.jp",
    "a.b.ide.kyoto.jp           | b.ide.kyoto.jp",
    "us                         |",
    "test.us                    | test.us",
    "www.test.us                | test.us",
    "ak.us                      |",
    "test.ak.us                 | test.ak.us",
    "www.test.ak.us             | test.ak.us",
    "k12.ak.us                  |",
    "test.k12.ak.us             | test.k12.ak.us",
    "www.test.k12.ak.us         | test.k12.ak.us",
    // wildcard and exception rules (*.kobe.jp, !city.kobe.jp; *.ck, !www.ck)
    "c.kobe.jp                  |",
    "b.c.kobe.jp                | b.c.kobe.jp",
    "a.b.c.kobe.jp              | b.c.kobe.jp",
    "city.kobe.jp               | city.kobe.jp",
    "www.city.kobe.jp           | city.kobe.jp",
    "ck                         |",
    "test.ck                    |",
    "b.test.ck                  | b.test.ck",
    "a.b.test.ck                | b.test.ck",
    "www.ck                     | www.ck",
    "www.www.ck                 | www.ck",
    // the default rule: a TLD missing from the list is a public suffix
    "example                    |",
    "example.example            | example.example",
    "b.example.example          | example.example",
    "a.b.example.example        | example.example",
    // IDN rules, looked up as A-labels (食狮.com.cn, 公司.cn, 中国)
    "xn--85x722f.com.cn         | xn--85x722f.com.cn",
    "xn--85x722f.xn--55qx5d.cn  | xn--85x722f.xn--55qx5d.cn",
    "www.xn--85x722f.xn--55qx5d.cn | xn--85x722f.xn--55qx5d.cn",
    "shishi.xn--55qx5d.cn       | shishi.xn--55qx5d.cn",
    "xn--55qx5d.cn              |",
    "xn--85x722f.xn--fiqs8s     | xn--85x722f.xn--fiqs8s",
    "www.xn--85x722f.xn--fiqs8s | xn--85x722f.xn--fiqs8s",
    "xn--fiqs8s                 |",
    // an IDN rule in a script newer than IDNA2003 (Balinese ᬩᬮᬶ.id)
    "probe.xn--9tfky.id         | probe.xn--9tfky.id",
    "xn--9tfky.id               |",
    // private rules are ignored: registration status is a registry fact
    "foo.github.io              | github.io",
    "a.b.blogspot.com           | blogspot.com",
    // rules newer than Guava 33.5's list, and a dropped one
    "www.example.web            | example.web",
    "web                        |",
    "mail.example.bd            | example.bd",
    "example.kh                 | example.kh",
    "www.example.bank.in        | example.bank.in",
    "bank.in                    |",
    "example.gov.cz             | example.gov.cz",
    "example.org.sk             | example.org.sk",
    "example.ai.id              | example.ai.id",
    "x.ac.tj                    | ac.tj",
  })
  void findsTheRegistrableDomain(String host, String expected) {
    assertEquals(expected, LIST.registrableDomain(host));
  }

  @Test
  void keepsOnlyTheIcannSection() {
    assertEquals(6949, LIST.ruleCount());
    assertEquals(PublicSuffixList.BUNDLED_AS_OF, LIST.asOf());
  }

  @Test
  void refusesABodyThatIsNotAPlausibleList() {
    Instant now = Instant.now();
    assertTrue(assertThrows(InvalidSuffixListException.class, () -> PublicSuffixList.parse("<html>maintenance</html>", now))
        .getMessage().startsWith("no complete ICANN section"));
    String truncated = PublicSuffixList.bundledText().substring(0, 20_000);
    assertTrue(assertThrows(InvalidSuffixListException.class, () -> PublicSuffixList.parse(truncated, now))
        .getMessage().startsWith("no complete ICANN section"));
    String few = "// ===BEGIN ICANN DOMAINS===\ncom\nnet\n// ===END ICANN DOMAINS===\n";
    assertTrue(assertThrows(InvalidSuffixListException.class, () -> PublicSuffixList.parse(few, now))
        .getMessage().startsWith("only 2 ICANN rules"));
    assertTrue(assertThrows(InvalidSuffixListException.class, () -> PublicSuffixList.parse(withIcannRules("a.*.example"), now))
        .getMessage().contains("unsupported rule 'a.*.example'"));
    assertTrue(assertThrows(InvalidSuffixListException.class, () -> PublicSuffixList.parse(withIcannRules("bad..example"), now))
        .getMessage().contains("invalid rule 'bad..example'"));
  }

  @Test
  void digestFollowsIcannRulesOnly() {
    String text = PublicSuffixList.bundledText();
    Instant now = Instant.now();
    assertEquals(LIST.digest(), PublicSuffixList.parse(text.replace("// ac : http://nic.ac/rules.htm", "// a comment"), now).digest());
    assertEquals(LIST.digest(), PublicSuffixList.parse(text.replace("// ===END PRIVATE DOMAINS===", "extra.example\n// ===END PRIVATE DOMAINS==="), now).digest());
    assertNotEquals(LIST.digest(), PublicSuffixList.parse(withIcannRules("shop.example"), now).digest());
  }

  @Test
  void isDatedByItsVersionLineWhenItHasOne() {
    String text = "// VERSION: 2026-09-01_08-30-00_UTC\n// COMMIT: abc\n" + PublicSuffixList.bundledText();
    assertEquals(Instant.parse("2026-09-01T08:30:00Z"), PublicSuffixList.parse(text, Instant.EPOCH).asOf());
    assertEquals(Instant.EPOCH, PublicSuffixList.parse(PublicSuffixList.bundledText(), Instant.EPOCH).asOf());
  }

  @Test
  void rulesAddedOrRemovedChangeTheAnswer() {
    PublicSuffixList changed = PublicSuffixList.parse(
        withIcannRules("shop.example", "*.wild.example", "!keep.wild.example").replace("\ngov.cz\n", "\n"), Instant.now());
    assertEquals("mail.shop.example", changed.registrableDomain("x.mail.shop.example"));
    assertNull(changed.registrableDomain("shop.example"));
    assertEquals("a.b.wild.example", changed.registrableDomain("x.a.b.wild.example"));
    assertEquals("keep.wild.example", changed.registrableDomain("x.keep.wild.example"));
    assertEquals("gov.cz", changed.registrableDomain("example.gov.cz"));
  }
}
