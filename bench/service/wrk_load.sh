#!/usr/bin/env bash
# Placement decisions per second and latency of a real `fleetopt serve`
# process under wrk (Debian's package), loopback only, bounded in time:
#   bench/service/wrk_load.sh BUILD_DIR [DB_URL] [CONNECTIONS] [SECONDS] [REPEATS]
# Registers 1000 hosts (256 cores, 1 TB: room for every placement of a run), then each wrk request places a new
# VM (bench/service/place.lua). Prints one JSON line per run.
set -euo pipefail
build=${1:-build}
db=${2:-}
conns=${3:-4}
secs=${4:-5}
repeats=${5:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
dir=$(mktemp -d /tmp/fleetopt_wrk_XXXXXX)
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
[ -n "$db" ] || db="sqlite:$dir/state.db"
here=$(cd "$(dirname "$0")" && pwd)
for run in $(seq 1 "$repeats"); do
  "$build/apps/fleetopt/fleetopt" serve --listen 127.0.0.1:0 --port-file "$dir/port" --db "$db" --threads $((conns + 4)) \
    2>"$dir/log" &
  pid=$!
  for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
  port=$(cat "$dir/port")
  for h in $(seq 1 1000); do
    printf '{"id":"r%s-h%s","capacity":{"cpu":256,"mem":1024}}' "$run" "$h" |
      curl -sf -o /dev/null -XPOST "http://127.0.0.1:$port/v1/hosts" -H 'Content-Type: application/json' -d @-
  done
  out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$here/place.lua" "http://127.0.0.1:$port/" 2>&1)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  echo "{\"run\": $run, \"db\": \"${db%%:*}\", \"connections\": $conns, \"placements_per_s\": $rps, \"p50\": \"$p50\", \"p99\": \"$p99\", \"non_2xx\": ${non2xx:-0}}"
  kill -TERM $pid; wait $pid || true
  rm -f "$dir/port"
  case "$db" in sqlite:*) rm -f "$dir"/state.db*;; esac
done
