package org.domainguard.cli;

/** The demo's generated population, built inside PostgreSQL so seeding 100k addresses takes a moment. */
final class DemoSql {
  private DemoSql() {}

  /**
   * $1 addresses over about $2 custom domains: 40% on eight big mail providers, the rest on a long
   * tail of small registrable domains across common TLDs, 5% of those on a mail subdomain.
   * Verification times are spread over the past six weeks.
   */
  static final String SEED = """
      INSERT INTO email_addresses (user_id, address, verified, verified_at)
      SELECT 'user' || i,
             'user' || i || '@' || CASE
               WHEN i % 100 < 40 THEN (ARRAY['gmail.com','outlook.com','yahoo.com','hotmail.com','icloud.com',
                                             'proton.me','gmx.de','yandex.ru'])[1 + i % 8]
               ELSE CASE WHEN i % 100 >= 95 THEN 'mail.' ELSE '' END
                    || 'site' || k || (ARRAY['.com','.net','.org','.io','.co.uk','.de','.dev','.app'])[1 + k % 8]
             END,
             true,
             now() - (i % 1000) * interval '1 hour'
      FROM generate_series(1, $1::int) AS i,
           LATERAL (SELECT (i::bigint * 7919 % 1000003) % $2::int AS k) AS tail""";

  static final String PHASE_SUMMARY = """
      SELECT COALESCE(phase, 'UNCHECKED') AS phase, count(*) AS domains FROM domains GROUP BY 1 ORDER BY 2 DESC""";

  static final String CHANGE_SUMMARY = """
      SELECT reason, count(*) AS addresses FROM verification_events WHERE sweep_id = $1 GROUP BY 1 ORDER BY 2 DESC""";

  static final String SKIPPED = "SELECT count(*) FROM watched_addresses WHERE skip_reason IS NOT NULL";
}
