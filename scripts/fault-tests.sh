#!/usr/bin/env bash
# Fault tests only (unit tests skipped): builds target/domain-guard.jar, then runs the fault ITs
# (SIGTERM mid-sweep, kill -9 and restart, database outage) against the packaged jar as a child
# process. Each run's configuration, daemon logs and PostgreSQL data/log are under
# target/faults/<class>/<method>/. Extra arguments go to Maven, e.g.
#   scripts/fault-tests.sh -Dit.test=SigtermIT

set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B verify -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='org.domainguard.faults.*IT' "$@"
