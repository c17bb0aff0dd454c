package org.domainguard.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The generated population (see {@link BenchSql#SEED}): {@code addresses} over exactly
 * {@code domains} tail domains plus ten huge providers, inserted in chunks by PostgreSQL itself.
 */
final class Population {
  /** The huge mailbox providers, in {@link BenchSql#SEED}'s order. */
  static final List<String> PROVIDERS = List.of("gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com",
      "aol.com", "gmx.de", "yandex.ru", "proton.me", "mail.ru");
  static final String[] TLDS = {".com", ".net", ".org", ".io", ".co.uk", ".de", ".dev", ".app"};
  static final long CHUNK = 250_000;

  private final long addresses;
  private final long domains;
  private final long big;

  Population(long addresses, long domains, long big) {
    if (domains > addresses - big) {
      throw new IllegalArgumentException("every tail domain needs an address");
    }
    this.addresses = addresses;
    this.domains = domains;
    this.big = big;
  }

  /** The name of tail domain {@code k}, as the seed writes it (without any subdomain). */
  static String tailDomain(long k) {
    return "site" + k + TLDS[(int) (k % TLDS.length)];
  }

  /**
   * A multiplier coprime to {@code n} near {@code n / φ}, so that {@code (i * m) mod n} is a
   * permutation of {@code [0, n)} that interleaves the slots' kinds over consecutive ids.
   */
  static long multiplier(long n) {
    if (n <= 2) {
      return 1;
    }
    long m = Math.max(1, Math.round(n * 0.6180339887));
    while (BigInteger.valueOf(m).gcd(BigInteger.valueOf(n)).longValue() != 1) {
      m++;
    }
    return m % n == 0 ? 1 : m;
  }

  /** Per mille of tail addresses on a subdomain host, so that the share of all addresses is {@code share}. */
  static int subdomainPerMille(long addresses, long big, double share) {
    long tail = addresses - big;
    return tail <= 0 ? 0 : (int) Math.min(1000, Math.round(1000.0 * share * addresses / tail));
  }

  /** Inserts every address, a chunk per statement; {@code progress} hears how many are in so far. */
  Future<Void> seed(Pool pool, LongConsumer progress) {
    return chunk(pool, 1, progress);
  }

  private Future<Void> chunk(Pool pool, long from, LongConsumer progress) {
    if (from > addresses) {
      return Future.succeededFuture();
    }
    long to = Math.min(addresses, from + CHUNK - 1);
    Tuple args = Tuple.of(from, to, addresses, multiplier(addresses), domains, big,
        subdomainPerMille(addresses, big, BenchOptions.SUBDOMAIN_SHARE));
    return pool.preparedQuery(BenchSql.SEED).execute(args).compose(rows -> {
      progress.accept(to);
      return chunk(pool, to + 1, progress);
    });
  }
}
