#!/usr/bin/env bash
# The service benchmark of BENCHMARKS.md, reproducibly: builds the release binaries, seeds
# the benchmark database once (target/bench/, gitignored), starts `ave serve` and the
# hello-world ceiling, and runs every scenario of `ave-load run` — on SQLite, and when
# AVE_TEST_POSTGRES names a server (see scripts/dev-postgres.sh) also on PostgreSQL with one
# and with two `ave serve` processes. Each run's table is printed and its JSON kept under
# target/bench/results/. Not part of .ci/run: it takes many minutes.
#
# Every run works on a copy of the seeded database, deleted afterwards: the scenarios open
# cases for the people whose lists the next run reads, so a run on the database itself
# would make every later run's lists longer. On SQLite a copy of the file (with its
# logbook); on PostgreSQL a database made from the seeded one as its template, one per run
# (KEEP=1 keeps the copies; IN_PLACE=1 runs on the seeded database itself, as before 2
# December on SQLite and before 4 December on PostgreSQL).
#
#   bash scripts/bench-service.sh                       # 100,000 cases, 32 clients, 20 s
#   CASES=2000 DURATION=5s bash scripts/bench-service.sh # a quick look
#   AVE_TEST_POSTGRES=$(bash scripts/dev-postgres.sh) bash scripts/bench-service.sh
#
# Settings (environment): CASES (100000), CLIENTS (32), DURATION (20s), WARMUP (3s),
# SCENARIOS (all), BACKENDS ("sqlite postgres"; postgres only with AVE_TEST_POSTGRES),
# PG_SERVERS ("1 2": how many `ave serve` processes share PostgreSQL, one run each),
# PORT (18080; a second server takes PORT+1), HELLO_PORT (18090), KEEP (0), IN_PLACE (0),
# FEATURES (features of `ave` instead of its default, jemalloc: e.g. mimalloc, or `-` for none,
# the C library's allocator).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${CASES:-100000}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
SCENARIOS=${SCENARIOS:-hello,commit,read,list,transition,workflow}
BACKENDS=${BACKENDS:-sqlite postgres}
PG_SERVERS=${PG_SERVERS:-1 2}
PORT=${PORT:-18080}
HELLO_PORT=${HELLO_PORT:-18090}
KEEP=${KEEP:-0}
IN_PLACE=${IN_PLACE:-0}
BENCH=target/bench
RESULTS=$BENCH/results
mkdir -p "$RESULTS"

step() { printf '\n== %s ==\n' "$*"; }
# shellcheck source=scripts/bench-copy.sh
source scripts/bench-copy.sh

step "release build"
features=()
if [ "${FEATURES:-}" = "-" ]; then features=(--no-default-features)
elif [ -n "${FEATURES:-}" ]; then features=(--no-default-features --features "ave-cli/$FEATURES"); fi
cargo build --release --locked -p ave-cli -p ave-loadgen ${features[@]+"${features[@]}"}
AVE=target/release/ave
LOAD=target/release/ave-load

pids=()
copy=""
pg_copy=""
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ -n "$copy" ] && [ "$KEEP" != 1 ]; then
    rm -f "$copy" "$copy-wal" "$copy-shm" "${copy%.sqlite}.logboek.sqlite"{,-wal,-shm}
  fi
  drop_pg_copy
}

# Drops the PostgreSQL copy of this run, if there is one (not with KEEP=1).
drop_pg_copy() {
  if [ -n "$pg_copy" ] && [ "$KEEP" != 1 ]; then
    psql "$AVE_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $pg_copy WITH (FORCE)" || true
  fi
  pg_copy=""
}
trap cleanup EXIT

# Waits until a URL answers.
wait_for() {
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "geen antwoord van $1" >&2
  return 1
}

# The first port from $1 on that nothing listens on.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# run_against LABEL DATABASE_URL SERVERS
run_against() {
  local label=$1 url=$2 servers=$3
  step "$label: $servers × ave serve, $CLIENTS clients, $DURATION per scenario"
  local targets=() server_pids=()
  local port=$PORT
  for i in $(seq 0 $((servers - 1))); do
    port=$(free_port "$port")
    "$AVE" serve --database "$url" --listen "127.0.0.1:$port" >"$BENCH/serve-$label-$i.log" 2>&1 &
    pids+=("$!")
    server_pids+=("$!")
    targets+=("http://127.0.0.1:$port")
    wait_for "http://127.0.0.1:$port/health/ready"
    if ! kill -0 "$!" 2>/dev/null; then
      cat "$BENCH/serve-$label-$i.log" >&2
      return 1
    fi
    port=$((port + 1))
  done
  local ts
  ts=$(date -u +%Y%m%dT%H%M%SZ)
  "$LOAD" run \
    --target "$(IFS=,; echo "${targets[*]}")" \
    --hello "http://127.0.0.1:$HELLO_PORT" \
    --database "$url" \
    --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
    --scenarios "$SCENARIOS" \
    --server-pid "$(IFS=,; echo "${server_pids[*]}")" \
    --json "$RESULTS/$ts-$label-$servers.json" | tee "$RESULTS/$ts-$label-$servers.txt"
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

step "machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread)' || true
uptime

step "hello-world ceiling (ave-load hello)"
HELLO_PORT=$(free_port "$HELLO_PORT")
"$LOAD" hello --listen "127.0.0.1:$HELLO_PORT" >"$BENCH/hello.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$HELLO_PORT/"

SQLITE="$BENCH/bench-$CASES.sqlite"
if [[ " $BACKENDS " == *" sqlite "* ]]; then
  if [ ! -f "$SQLITE" ]; then
    step "seed SQLite: $CASES households"
    "$LOAD" seed --database "sqlite://$SQLITE" --cases "$CASES"
  fi
  if [ "$IN_PLACE" != 1 ]; then
    copy=$BENCH/service-$$.sqlite
    step "copy $SQLITE → $copy"
    copy_database "$SQLITE" "$copy"
    # Migrations first, so the wait for the server below is for the server only.
    "$AVE" db migrate --database "sqlite://$copy"
    run_against sqlite "sqlite://$copy" 1
  else
    run_against sqlite "sqlite://$SQLITE" 1
  fi
fi

if [ -n "${AVE_TEST_POSTGRES:-}" ] && [[ " $BACKENDS " == *" postgres "* ]]; then
  db="ave_bench_$CASES"
  base=${AVE_TEST_POSTGRES%/*}
  pg="$base/$db"
  if ! psql "$AVE_TEST_POSTGRES" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    step "seed PostgreSQL: $CASES households"
    psql "$AVE_TEST_POSTGRES" -qc "CREATE DATABASE $db"
    "$LOAD" seed --database "$pg" --cases "$CASES"
    # A fresh bulk load has no statistics and no hint bits yet; every copy is made from
    # this database, so it is vacuumed once here (commands ran ~7 % slower without it).
    step "vacuum $db"
    PGOPTIONS=--client-min-messages=error psql "$pg" -qc "VACUUM (ANALYZE, FREEZE)"
  fi
  for n in $PG_SERVERS; do
    if [ "$IN_PLACE" != 1 ]; then
      pg_copy="${db}_run_$$_$n"
      step "copy $db → $pg_copy"
      PGOPTIONS=--client-min-messages=warning psql "$AVE_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $pg_copy"
      psql "$AVE_TEST_POSTGRES" -qc "CREATE DATABASE $pg_copy TEMPLATE $db STRATEGY FILE_COPY"
      run_against postgres "$base/$pg_copy" "$n"
      drop_pg_copy
    else
      run_against postgres "$pg" "$n"
    fi
  done
fi

step "done: $RESULTS"
