#!/usr/bin/env bash
# What `host.capture: poll` costs the host's database: one full scan of a PyPI-shaped user_emails
# (1,000,000 rows by default) in an embedded PostgreSQL, with nothing changed and after changes:
# time, rows and buffers read from the host table, and EXPLAIN (ANALYZE, BUFFERS) of one page.
#   scripts/host-scan-bench.sh                    # 1,000,000 rows, pages of 5,000
#   scripts/host-scan-bench.sh --rows 100000 --page 1000
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/domain-guard.jar
if [[ ! -f "$JAR" ]]; then
  mvn -B -q package -DskipTests
fi
exec java -Xmx256m -cp "$JAR" org.domainguard.bench.HostScanBench "$@"
