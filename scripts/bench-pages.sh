#!/usr/bin/env bash
# The page benchmark of BENCHMARKS.md (issue 12: every page's server time p95 under 50 ms on
# the 100,000-case database; page weight under 200 KB without images), reproducibly: builds
# the release binaries, copies the benchmark database (the run writes sessions and tokens
# into it, the original stays as it is), starts `ave serve` on the copy and the hello-world
# ceiling, and runs every page scenario of `ave-load run` (one per page, each for DURATION
# with CLIENTS closed-loop clients, as a logged-in person with a session cookie, asking with
# Accept-Encoding: gzip as a browser does). The table is printed; it and the JSON are kept
# under target/bench/results/. The copy is deleted afterwards. Not part of .ci/run.
#
#   bash scripts/bench-pages.sh                        # 100,000 cases, 8 clients, 15 s per page
#   DURATION=5s bash scripts/bench-pages.sh            # a quick look
#   PAGES=page-case,page-case-timeline bash scripts/bench-pages.sh
#   PAGES=pages,page-models,page-dashboard bash scripts/bench-pages.sh   # pages not yet default
#
# Settings (environment): CASES (100000: the database is target/bench/bench-$CASES.sqlite, as
# scripts/bench-service.sh seeds it; seeded here when missing), SOURCE (another SQLite file
# instead), CLIENTS (8), DURATION (15s), WARMUP (3s), PAGES ("pages": every default page;
# or a comma list of page scenarios, see `ave-load run --help`), GZIP (1; 0 asks without
# Accept-Encoding), HELLO (1: also the hello-world ceiling, for the ratio column; 0 skips it),
# PORT (18280), HELLO_PORT (18290), KEEP (0; 1 keeps the copy of the database), PROFILE
# (release; debug only to try the script itself on a small database — never for figures).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${CASES:-100000}
CLIENTS=${CLIENTS:-8}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-3s}
PAGES=${PAGES:-pages}
GZIP=${GZIP:-1}
HELLO=${HELLO:-1}
PORT=${PORT:-18280}
HELLO_PORT=${HELLO_PORT:-18290}
KEEP=${KEEP:-0}
PROFILE=${PROFILE:-release}
BENCH=target/bench
RESULTS=$BENCH/results
SOURCE=${SOURCE:-$BENCH/bench-$CASES.sqlite}
mkdir -p "$RESULTS"

step() { printf '\n== %s ==\n' "$*"; }

step "$PROFILE build"
if [ "$PROFILE" = release ]; then
  cargo build --release --locked -p ave-cli -p ave-loadgen
else
  cargo build --locked -p ave-cli -p ave-loadgen
fi
AVE=${CARGO_TARGET_DIR:-target}/$PROFILE/ave
LOAD=${CARGO_TARGET_DIR:-target}/$PROFILE/ave-load

if [ ! -e "$SOURCE" ]; then
  step "seed SQLite: $CASES households ($SOURCE)"
  "$LOAD" seed --database "sqlite://$SOURCE" --cases "$CASES"
fi

# The copy: the real file behind a symlink, with its WAL when there is one (SQLite keeps the
# WAL next to the real file). Nothing may write to the source meanwhile.
real=$(readlink -f "$SOURCE")
COPY=$BENCH/pages-$$.sqlite
# The SQLite store's logs live beside it (`<name>.logboek.sqlite`); the two travel together.
LOGBOOK=$BENCH/pages-$$.logboek.sqlite
need=$(du -k "$real" | cut -f1)
[ -f "$real-wal" ] && need=$((need + $(du -k "$real-wal" | cut -f1)))
free=$(df -Pk "$BENCH" | awk 'NR == 2 { print $4 }')
if [ "$free" -lt $((need + 1048576)) ]; then
  echo "te weinig schijfruimte voor de kopie: nodig $((need / 1024)) MB + 1 GB, vrij $((free / 1024)) MB" >&2
  exit 1
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ "$KEEP" != 1 ]; then
    rm -f "$COPY" "$COPY-wal" "$COPY-shm" "$COPY-journal"
    rm -f "$LOGBOOK" "$LOGBOOK-wal" "$LOGBOOK-shm"
  fi
}
trap cleanup EXIT

step "copy $real → $COPY"
# shellcheck source=scripts/bench-copy.sh
source scripts/bench-copy.sh
copy_database "$real" "$COPY"
URL="sqlite://$COPY"

# Waits until a URL answers.
wait_for() {
  for _ in $(seq 1 600); do
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

step "machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread)' || true
uptime

scenarios=$PAGES
hello_args=()
if [ "$HELLO" = 1 ]; then
  step "hello-world ceiling (ave-load hello)"
  HELLO_PORT=$(free_port "$HELLO_PORT")
  "$LOAD" hello --listen "127.0.0.1:$HELLO_PORT" >"$BENCH/pages-hello.log" 2>&1 &
  pids+=("$!")
  wait_for "http://127.0.0.1:$HELLO_PORT/"
  hello_args=(--hello "http://127.0.0.1:$HELLO_PORT")
  scenarios="hello,$PAGES"
fi

# The schema of the copy brought up to date first (a database seeded before a migration
# gets it here, which may take minutes on 100,000 cases), so the wait below is for the
# server only.
step "schema of the copy (ave db migrate)"
"$AVE" db migrate --database "$URL"

step "ave serve on the copy"
PORT=$(free_port "$PORT")
"$AVE" serve --database "$URL" --listen "127.0.0.1:$PORT" >"$BENCH/pages-serve.log" 2>&1 &
server=$!
pids+=("$server")
wait_for "http://127.0.0.1:$PORT/health/ready"
if ! kill -0 "$server" 2>/dev/null; then
  cat "$BENCH/pages-serve.log" >&2
  exit 1
fi

gzip_args=()
[ "$GZIP" = 1 ] || gzip_args=(--no-gzip)

step "pages: $CLIENTS clients, $DURATION per page ($scenarios)"
ts=$(date -u +%Y%m%dT%H%M%SZ)
"$LOAD" run \
  --target "http://127.0.0.1:$PORT" \
  "${hello_args[@]}" \
  --database "$URL" \
  --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
  --scenarios "$scenarios" \
  "${gzip_args[@]}" \
  --server-pid "$server" \
  --json "$RESULTS/$ts-pages.json" | tee "$RESULTS/$ts-pages.txt"

step "done: $RESULTS/$ts-pages.{txt,json}"
