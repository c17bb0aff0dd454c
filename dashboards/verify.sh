#!/usr/bin/env bash
# Proves dashboards/domain-guard.json and dashboards/alerts.yml against a real Prometheus.
#
#   dashboards/verify.sh                 full run: the demo daemon scraped by Prometheus; every
#                                        dashboard query must succeed AND return data
#   dashboards/verify.sh --syntax-only   no daemon: a Prometheus with no targets; every query must
#                                        parse and evaluate (empty results allowed)
#
# Full run: needs target/domain-guard.jar (build it first: mvn -q -DskipTests package). Starts
# `java -jar target/domain-guard.jar demo` (embedded PostgreSQL, built-in simulator) on
# 127.0.0.1:18080 and Prometheus on 127.0.0.1:19090 (scrape every 2 s, job "domain-guard", the
# alert rules loaded), waits for the demo's first successful sweep, then evaluates every panel
# query of the dashboard (with $instance -> .*, $__rate_interval/$__interval -> $RATE_WINDOW) and
# every alert rule's expression through the HTTP API.
#
# Installs prometheus/promtool and jq with apt-get when missing (needs root). Touches only
# 127.0.0.1 and a temporary directory. Environment:
#   VERIFY_TIMEOUT  overall limit in seconds (default 900)
#   RATE_WINDOW     range used for $__rate_interval (default 30s)
#   VERIFY_KEEP=1   keep the temporary directory (logs, Prometheus data) for inspection
#   VERIFY_PROVIDER=rdap  run `demo --provider rdap` (the simulator's RDAP servers): the "RDAP
#                   servers" row must then return data too; by default (Fastly path) its queries
#                   must evaluate but may be empty
set -euo pipefail

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ROOT=$(dirname "$(dirname "$SELF")")
cd "$ROOT"

MODE=full
case "${1:-}" in
  "") ;;
  --syntax-only) MODE=syntax ;;
  -h|--help) sed -n '2,23p' "$SELF" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: dashboards/verify.sh [--syntax-only]" >&2; exit 2 ;;
esac

# Bound the whole run: re-execute under timeout(1) once.
if [[ -z "${DG_VERIFY_UNDER_TIMEOUT:-}" ]]; then
  export DG_VERIFY_UNDER_TIMEOUT=1
  exec timeout --signal=TERM --kill-after=90 "${VERIFY_TIMEOUT:-900}" bash "$SELF" "$@"
fi

DEMO_PORT=18080
PROM_PORT=19090
PROM="http://127.0.0.1:${PROM_PORT}"
DEMO="http://127.0.0.1:${DEMO_PORT}"
DASH=dashboards/domain-guard.json
RULES=dashboards/alerts.yml
RULES_TEST=dashboards/alerts_test.yml
JAR=target/domain-guard.jar
RATE_WINDOW=${RATE_WINDOW:-30s}
VERIFY_PROVIDER=${VERIFY_PROVIDER:-}
case "$VERIFY_PROVIDER" in ""|rdap) ;; *) echo "VERIFY_PROVIDER: expected rdap or nothing" >&2; exit 2 ;; esac
READY_WAIT=180      # s for /health/ready
SWEEP_WAIT=420      # s for the first successful sweep, after ready
SETTLE=40           # s of scrapes after the sweep before the queries are evaluated

log() { printf '[verify %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

TMP=""
DEMO_PID=""
PROM_PID=""

stop_pid() { # pid name grace-seconds
  local pid=$1 name=$2 grace=$3 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid) with SIGTERM"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 2; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "WARNING: $name did not exit ${grace} s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_pid "$DEMO_PID" "demo daemon" 60
  # An embedded PostgreSQL left behind by a demo that had to be killed: stop it by its own pid file.
  if [[ -n "$TMP" && -d "$TMP/demo" ]]; then
    local pidfile pgpid i
    while IFS= read -r -d '' pidfile; do
      pgpid=$(head -n 1 "$pidfile" 2>/dev/null || true)
      if [[ "$pgpid" =~ ^[0-9]+$ ]] && kill -0 "$pgpid" 2>/dev/null; then
        log "WARNING: the demo left its embedded PostgreSQL (pid $pgpid) running; stopping it"
        kill -TERM "$pgpid" 2>/dev/null || true
        for ((i = 0; i < 20; i++)); do kill -0 "$pgpid" 2>/dev/null || break; sleep 0.5; done
      fi
    done < <(find "$TMP/demo" -name postmaster.pid -print0 2>/dev/null)
  fi
  stop_pid "$PROM_PID" "prometheus" 15
  if [[ -n "$TMP" && -d "$TMP" ]]; then
    if ((rc != 0)); then
      for f in "$TMP/demo.log" "$TMP/prometheus.log"; do
        [[ -s "$f" ]] || continue
        log "last lines of $f:"
        tail -n 40 "$f" >&2 || true
      done
    fi
    if [[ "${VERIFY_KEEP:-}" == 1 ]]; then
      log "kept $TMP"
    else
      rm -rf "$TMP"
    fi
  fi
  if ((rc == 0)); then log "OK"; else log "exit code $rc"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------------------------------ tools
apt_install() {
  if [[ $(id -u) -ne 0 ]]; then die "need root to install: $* (or install them yourself)"; fi
  log "installing $* with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt_install prometheus
  # Debian's package enables a service on :9090 where an init system allows it. We use our own
  # instance on 127.0.0.1:19090, so stop the packaged one; failure here is harmless.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prometheus 2>/dev/null; then
    systemctl stop prometheus || true
    systemctl disable prometheus >/dev/null 2>&1 || true
  elif command -v service >/dev/null; then
    service prometheus stop >/dev/null 2>&1 || true
  fi
fi
command -v jq >/dev/null || apt_install jq
command -v curl >/dev/null || apt_install curl
log "$(prometheus --version 2>&1 | head -n 1)"

# ------------------------------------------------------------------------------------ static checks
log "promtool check rules $RULES"
promtool check rules "$RULES" >&2 || die "promtool check rules failed"
if [[ -f "$RULES_TEST" ]]; then
  log "promtool test rules $RULES_TEST"
  promtool test rules "$RULES_TEST" >&2 || die "promtool test rules failed"
fi

log "checking the structure of $DASH"
jq -e . "$DASH" >/dev/null || die "$DASH is not valid JSON"
jq -e '
  (has("id") | not)
  and .uid == "domain-guard"
  and (.schemaVersion >= 36)
  and ([.templating.list[] | select(.name == "datasource" and .type == "datasource" and .query == "prometheus")] | length == 1)
  and ([.templating.list[] | select(.name == "instance" and .includeAll == true)] | length == 1)
  and ([.panels[] | .id] | length == (unique | length))
  and all(.panels[] | .. | objects | select(has("datasource") and (.datasource | type) == "object") | .datasource;
          . == {"type": "grafana", "uid": "-- Grafana --"} or . == {"type": "prometheus", "uid": "${datasource}"})
  and all(.panels[]; .datasource == {"type": "prometheus", "uid": "${datasource}"} and (.gridPos | type) == "object")
  and all(.panels[] | select(.type != "row") | .targets[]; .datasource == {"type": "prometheus", "uid": "${datasource}"})
' "$DASH" >/dev/null || die "$DASH: structure check failed (id absent, uid, schemaVersion, variables, datasources, unique panel ids)"

mapfile -d '' -t EXPRS < <(jq -j '[.panels[] | .. | objects | select(has("expr")) | .expr] | unique | .[] | . + "\u0000"' "$DASH")
((${#EXPRS[@]} > 0)) || die "no panel queries found in $DASH"
for e in "${EXPRS[@]}"; do
  [[ "$e" == *'instance=~"$instance"'* ]] || die "panel query does not filter by instance=~\"\$instance\": $e"
done
log "${#EXPRS[@]} distinct panel queries"

# ------------------------------------------------------------------------------------ helpers
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

prom_query() { # expr -> JSON on stdout; returns 1 when the HTTP status is not 200
  local out code
  out=$(curl -sS --max-time 20 -G -o - -w '\n%{http_code}' --data-urlencode "query=$1" "$PROM/api/v1/query") || return 1
  code=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  [[ "$code" == 200 ]]
}

substitute() { # Grafana variables -> values Prometheus accepts
  local q=$1
  q=${q//'${instance}'/.*}
  q=${q//'$instance'/.*}
  q=${q//'$__rate_interval'/$RATE_WINDOW}
  q=${q//'${__rate_interval}'/$RATE_WINDOW}
  q=${q//'$__interval'/$RATE_WINDOW}
  q=${q//'${__interval}'/$RATE_WINDOW}
  q=${q//'$__range'/5m}
  q=${q//'${__range}'/5m}
  printf '%s' "$q"
}

demo_alive() { [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; }

# ------------------------------------------------------------------------------------ start
TMP=$(mktemp -d "${TMPDIR:-/tmp}/domain-guard-verify.XXXXXX")

if [[ "$MODE" == full ]]; then
  [[ -f "$JAR" ]] || die "$JAR not found: build it first (mvn -q -DskipTests package), then run dashboards/verify.sh again"
  command -v java >/dev/null || die "java not found"
  port_busy "$DEMO_PORT" && die "127.0.0.1:$DEMO_PORT is already in use"
fi
port_busy "$PROM_PORT" && die "127.0.0.1:$PROM_PORT is already in use"

if [[ "$MODE" == full ]]; then
  # A clean working directory each run: the embedded PostgreSQL keeps its data under ./data.
  mkdir -p "$TMP/demo"
  [[ -d conf ]] && cp -r conf "$TMP/demo/"
  log "starting java -jar $JAR demo on 127.0.0.1:$DEMO_PORT (log: $TMP/demo.log)"
  (
    cd "$TMP/demo"
    while read -r v; do unset "$v"; done < <(compgen -v DOMAINGUARD_DB_ || true)
    export DOMAINGUARD_HTTP_PORT=$DEMO_PORT
    exec java -jar "$ROOT/$JAR" demo ${VERIFY_PROVIDER:+--provider "$VERIFY_PROVIDER"} </dev/null >"$TMP/demo.log" 2>&1
  ) &
  DEMO_PID=$!

  log "waiting up to ${READY_WAIT} s for $DEMO/health/ready"
  deadline=$((SECONDS + READY_WAIT))
  until curl -sf --max-time 5 -o /dev/null "$DEMO/health/ready"; do
    demo_alive || die "the demo exited before it was ready"
    ((SECONDS < deadline)) || die "$DEMO/health/ready not ready after ${READY_WAIT} s"
    sleep 1
  done
  metrics=$(curl -sf --max-time 10 "$DEMO/metrics") || die "GET $DEMO/metrics failed"
  grep -q '^domainguard_' <<<"$metrics" || die "$DEMO/metrics has no domainguard_* metric"
fi

cat >"$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
rule_files:
  - $ROOT/$RULES
scrape_configs:
  - job_name: domain-guard
    static_configs:
      - targets: [$([[ "$MODE" == full ]] && echo "'127.0.0.1:$DEMO_PORT'")]
EOF
promtool check config "$TMP/prometheus.yml" >&2 || die "generated prometheus.yml is invalid"

log "starting prometheus on 127.0.0.1:$PROM_PORT (log: $TMP/prometheus.log)"
prometheus \
  --config.file="$TMP/prometheus.yml" \
  --storage.tsdb.path="$TMP/tsdb" \
  --storage.tsdb.retention.time=1h \
  --web.listen-address="127.0.0.1:$PROM_PORT" \
  </dev/null >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!

deadline=$((SECONDS + 60))
until curl -sf --max-time 2 -o /dev/null "$PROM/-/ready"; do
  kill -0 "$PROM_PID" 2>/dev/null || die "prometheus exited at start-up"
  ((SECONDS < deadline)) || die "prometheus not ready after 60 s"
  sleep 0.5
done
PROM_STARTED=$SECONDS

if [[ "$MODE" == full ]]; then
  log "waiting up to ${SWEEP_WAIT} s for the first successful sweep (domainguard_sweep_last_success_timestamp_seconds > 0)"
  deadline=$((SECONDS + SWEEP_WAIT))
  while :; do
    demo_alive || die "the demo exited while waiting for its first sweep"
    res=$(prom_query 'max(domainguard_sweep_last_success_timestamp_seconds{job="domain-guard"}) > 0' || true)
    [[ $(jq -r '.data.result | length' <<<"$res" 2>/dev/null || echo 0) -gt 0 ]] && break
    ((SECONDS < deadline)) || die "no successful sweep seen by Prometheus after ${SWEEP_WAIT} s"
    sleep 2
  done
  log "first sweep succeeded; up=$(jq -r '.data.result[0].value[1]' <<<"$(prom_query 'up{job="domain-guard"}')")"
  # A young GC may not have happened yet in a short demo, and Micrometer creates jvm_gc_pause_seconds
  # at the first pause: request one so that the JVM row has data.
  if command -v jcmd >/dev/null; then
    jcmd "$DEMO_PID" GC.run >/dev/null 2>&1 || log "WARNING: jcmd GC.run failed (the GC panel may be empty)"
  fi
  settle_until=$((SECONDS + SETTLE))
  # and at least 2 * RATE_WINDOW of scrapes in total, so that every rate() has two samples
  ((settle_until < PROM_STARTED + 70)) && settle_until=$((PROM_STARTED + 70))
  log "letting Prometheus scrape for another $((settle_until - SECONDS)) s"
  while ((SECONDS < settle_until)); do
    demo_alive || die "the demo exited after its first sweep; it must keep serving"
    sleep 2
  done
  # the instance variable of the dashboard: label_values(domainguard_checks_total, instance)
  inst=$(curl -sS --max-time 10 -G --data-urlencode 'match[]=domainguard_checks_total' "$PROM/api/v1/label/instance/values" \
    | jq -r '.data | join(",")')
  [[ -n "$inst" ]] || die "label_values(domainguard_checks_total, instance) is empty"
  log "instance variable values: $inst"
else
  sleep 5 # a couple of rule evaluations
fi

# ------------------------------------------------------------------------------------ queries
bad=0
nan=0
NAN_EXPRS=()
check_expr() { # kind expr allow-empty
  local kind=$1 raw=$2 allow_empty=$3 q res n
  q=$(substitute "$raw")
  if [[ "$q" == *'$'* ]]; then
    log "FAIL [$kind] unknown variable left in: $q"; bad=$((bad + 1)); return
  fi
  if ! res=$(prom_query "$q") || [[ $(jq -r '.status' <<<"$res" 2>/dev/null) != success ]]; then
    log "FAIL [$kind] query error: $(jq -r '"\(.errorType): \(.error)"' <<<"$res" 2>/dev/null || printf '%s' "$res")"
    log "     expr: $q"
    bad=$((bad + 1)); return
  fi
  n=$(jq -r 'if .data.resultType == "scalar" or .data.resultType == "string" then 1 else (.data.result | length) end' <<<"$res")
  if ((n == 0)) && [[ "$allow_empty" != yes ]]; then
    log "FAIL [$kind] empty result: $q"
    bad=$((bad + 1)); return
  fi
  if jq -e '[.data.result[]? | objects | .value[1]] | any(. == "NaN")' <<<"$res" >/dev/null; then
    nan=$((nan + 1))
    NAN_EXPRS+=("$raw")
    log "ok   [$kind] $n series (some NaN: no observations in the last $RATE_WINDOW): $q"
  else
    log "ok   [$kind] $n series: $q"
  fi
}

allow_empty=no
[[ "$MODE" == syntax ]] && allow_empty=yes
# The "RDAP servers" row has data only when the daemon calls RDAP servers (VERIFY_PROVIDER=rdap);
# on the demo's default Fastly path its queries must still evaluate, but may be empty. Once any
# domainguard_rdap_* series is scraped, they must return data like every other panel.
rdap_allow_empty=$allow_empty
if [[ "$MODE" == full ]]; then
  if [[ $(jq -r '.data.result | length' <<<"$(prom_query 'domainguard_rdap_calls_total')" 2>/dev/null || echo 0) -gt 0 ]]; then
    log "RDAP series scraped: the RDAP servers row must return data"
  else
    [[ "$VERIFY_PROVIDER" == rdap ]] && die "VERIFY_PROVIDER=rdap but the demo exposes no domainguard_rdap_calls_total"
    log "no RDAP series (the demo calls the Fastly format): the RDAP servers row's queries must evaluate, empty allowed"
    rdap_allow_empty=yes
  fi
fi
for e in "${EXPRS[@]}"; do
  if [[ "$e" == *domainguard_rdap_* ]]; then
    check_expr panel "$e" "$rdap_allow_empty"
  else
    check_expr panel "$e" "$allow_empty"
  fi
done

# NaN = no observation in the last $RATE_WINDOW (the demo's sweep may be over): those must show real
# numbers over the whole run, or the panel would never show anything. A warning, not a failure.
if [[ "$MODE" == full && ${#NAN_EXPRS[@]} -gt 0 ]]; then
  lifetime="$((SECONDS - PROM_STARTED))s"
  for e in "${NAN_EXPRS[@]}"; do
    q=$(RATE_WINDOW=$lifetime substitute "$e")
    v=$(prom_query "$q" | jq -r '[.data.result[]? | objects | .value[1] | select(. != "NaN")] | join(" ")' 2>/dev/null || true)
    if [[ -n "$v" ]]; then
      log "ok   [panel over the whole run, $lifetime] values $v: $q"
    else
      log "WARNING [panel] no value even over the whole run ($lifetime): $q"
    fi
  done
fi

# The alert rules as Prometheus loaded them (no YAML parser needed): each must evaluate, and
# each rule's own health after some evaluations must not be "err". Empty results are fine.
rules=$(curl -sS --max-time 10 "$PROM/api/v1/rules?type=alert") || die "cannot list rules"
nrules=$(jq -r '[.data.groups[] | select(.name == "domain-guard") | .rules[]] | length' <<<"$rules")
expected=$(promtool check rules "$RULES" 2>&1 | sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p')
[[ "$nrules" == "$expected" && "$nrules" -gt 0 ]] || die "Prometheus loaded $nrules alert rules from group domain-guard, promtool found $expected"
mapfile -d '' -t ALERT_EXPRS < <(jq -j '.data.groups[] | select(.name == "domain-guard") | .rules[] | .query + "\u0000"' <<<"$rules")
for e in "${ALERT_EXPRS[@]}"; do
  check_expr alert "$e" yes
done
errs=$(jq -r '.data.groups[].rules[] | select(.health == "err") | "\(.name): \(.lastError)"' <<<"$rules")
if [[ -n "$errs" ]]; then
  log "FAIL rules with evaluation errors: $errs"; bad=$((bad + 1))
fi
firing=$(jq -r '[.data.groups[].rules[] | select(.state != "inactive") | "\(.name)=\(.state)"] | join(" ")' <<<"$rules")
[[ -n "$firing" ]] && log "note: alert states now: $firing"

((bad == 0)) || die "$bad queries failed"
log "${#EXPRS[@]} panel queries and ${#ALERT_EXPRS[@]} alert expressions evaluated ($MODE mode; $nan with NaN values)"
