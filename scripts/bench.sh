#!/usr/bin/env bash
# domain-guard benchmark: sweep throughput next to the raw ceiling, limiter accuracy and memory.
# Builds the jar if it is missing, then runs `bench` with the heap the README recommends.
#   scripts/bench.sh --quick                      # ~50k addresses, well under 2 minutes (CI)
#   scripts/bench.sh                              # 1,000,000 addresses over ~200,000 domains
#   scripts/bench.sh --addresses 5M --domains 1M  # scale it
# Other options: --concurrency N (128), --rate R (500/s), --burst B (rate/10), --limiter-seconds S,
# --raw-seconds S, --latency MS (simulator latency, 2), --json FILE (target/bench/result.json).
#   scripts/bench.sh --daemons 3                  # three daemon processes on one database, one simulator process:
#                                                 # busiest second at the provider, rate achieved, each domain once, guard total
#     (with --rate R (100), --burst B (rate/10), --domains N (30 s at the rate), --latency MS (20), --max-changes N (50))
# BENCH_JAVA_OPTS adds JVM options (e.g. -XX:StartFlightRecording=filename=/tmp/bench.jfr).
# DOMAINGUARD_DB_URL: use that PostgreSQL (schema domainguard_bench, dropped first) instead of an embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/domain-guard.jar
if [[ ! -f "$JAR" ]]; then
  mvn -B -q package -DskipTests
fi
# shellcheck disable=SC2086
exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -jar "$JAR" bench "$@"
