#!/usr/bin/env bash
# Paired A/B timing of two bench_consolidate binaries on a noisy machine
# (docs/consolidate.md, "Speed"): ROUNDS rounds, each running A and B once
# (which goes first alternates), pinned to one core; prints per benchmark
# each binary's minimum and median and the median of the per-round ratios
# B / A with its quartiles. Pairing cancels the slow drifts of a shared
# machine that separate runs minutes apart would mix into the comparison.
#   bench/consolidate/paired_ab.sh A_BIN B_BIN [FILTER] [ROUNDS] [CORE]
# FILTER defaults to 'ConsolidateDay/', ROUNDS to 16, CORE to 1.
set -euo pipefail
a="$1"
b="$2"
filter="${3:-ConsolidateDay/}"
rounds="${4:-16}"
core="${5:-1}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for r in $(seq "$rounds"); do
  if (( r % 2 )); then order=("$b" "$a"); else order=("$a" "$b"); fi
  for bin in "${order[@]}"; do
    tag=$([[ "$bin" == "$a" ]] && echo A || echo B)
    taskset -c "$core" "$bin" --benchmark_filter="$filter" --benchmark_repetitions=1 \
      --benchmark_format=json 2>/dev/null > "$out/$tag-$r.json"
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def times(tag, r):
    with open(f"{out}/{tag}-{r}.json") as f:
        return {x["run_name"]: x["real_time"] for x in json.load(f)["benchmarks"]
                if x.get("run_type") == "iteration"}
runs = [(times("A", r), times("B", r)) for r in range(1, rounds + 1)]
print(f"{'benchmark':44s} {'A min':>8s} {'A med':>8s} {'B min':>8s} {'B med':>8s}  B/A median (q1-q3)")
for name in runs[0][0]:
    a = [x[name] for x, _ in runs]
    b = [y[name] for _, y in runs]
    ratio = [y / x for x, y in zip(a, b)]
    q = statistics.quantiles(ratio, n=4) if len(ratio) > 1 else [ratio[0]] * 3
    print(f"{name:44s} {min(a):8.1f} {statistics.median(a):8.1f} {min(b):8.1f} {statistics.median(b):8.1f}"
          f"  {statistics.median(ratio):.3f} ({q[0]:.3f}-{q[2]:.3f})")
PY
