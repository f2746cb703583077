#!/usr/bin/env bash
# Reproduces every number in docs/faas.md (about 15 minutes on 2 cores).
#   bash bench/faas/run_experiments.sh [FLEETOPT_BINARY] [OUTPUT_DIR]
# Writes one JSON per experiment into OUTPUT_DIR and prints summary tables.
set -euo pipefail
BIN=${1:-build-faas/apps/fleetopt/fleetopt}
OUT=${2:-out/faas}
THREADS=${THREADS:-2}
mkdir -p "$OUT"

run() {  # run NAME ARGS...: one `bandit run`, JSON kept in $OUT/NAME.json
  local name=$1
  shift
  "$BIN" bandit run --json --threads "$THREADS" "$@" > "$OUT/$name.json"
}

# 1. N=10, M=3, K=2, T=30,000, 20 runs on each of five seeded instances.
for seed in 1 2 3 4 5; do
  "$BIN" bandit generate --nodes 10 --classes 3 --resources 2 --seed "$seed" \
    --out "$OUT/n10m3-s$seed.json" --json > /dev/null
  for algorithm in oracle base fast greedy epsilon random; do
    run "n10m3-s$seed-$algorithm" --instance "$OUT/n10m3-s$seed.json" --algorithm "$algorithm" \
      --horizon 30000 --runs 20 --seed 1
  done
  run "n10m3-s$seed-fast-T100k" --instance "$OUT/n10m3-s$seed.json" --algorithm fast \
    --horizon 100000 --runs 20 --seed 1
done

# 2. Scaling of the fast algorithm (T = 30,000 and the paper's 500,000).
for nm in "10 3" "20 5" "50 8" "100 10"; do
  set -- $nm
  "$BIN" bandit generate --nodes "$1" --classes "$2" --resources 2 --seed 1 \
    --out "$OUT/n$1m$2-s1.json" --json > /dev/null
  run "scale-n$1m$2-T30k" --instance "$OUT/n$1m$2-s1.json" --algorithm fast --horizon 30000 \
    --runs 10 --seed 1
  run "scale-n$1m$2-T500k" --instance "$OUT/n$1m$2-s1.json" --algorithm fast --horizon 500000 \
    --runs 4 --seed 1
done

# 3. The Azure Functions 2019 trace (needs the data directory).
"$BIN" bandit azure --classes 5 --nodes 10 --seed 1 --out "$OUT/azure-m5-n10.json" --json \
  > "$OUT/azure-m5-n10.summary.json"
for algorithm in base fast greedy epsilon random; do
  run "azure-$algorithm" --instance "$OUT/azure-m5-n10.json" --algorithm "$algorithm" \
    --horizon 30000 --runs 20 --seed 1
done
run "azure-fast-T500k" --instance "$OUT/azure-m5-n10.json" --algorithm fast --horizon 500000 \
  --runs 4 --seed 1

python3 - "$OUT" <<'PY'
import glob, json, os, sys
out = sys.argv[1]
print(f"{'experiment':28} {'gap':>8} {'gap_min':>8} {'gap_max':>8} {'max_cons':>8} {'over':>5} "
      f"{'policy':>7} {'cost_gap':>8} {'us/dec':>8}")
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    d = json.load(open(path))
    if "relative_gap" not in d:
        continue
    name = os.path.basename(path)[:-5]
    print(f"{name:28} {d['relative_gap']:8.4f} {d['relative_gap_min']:8.4f} {d['relative_gap_max']:8.4f} "
          f"{d['max_constraint']:8.4f} {d['runs_over_capacity']:2d}/{d['runs']:<2d} "
          f"{d['policy_constraint']:7.4f} {d['average_cost_gap']:8.4f} {d['per_decision_us']:8.2f}")
PY
