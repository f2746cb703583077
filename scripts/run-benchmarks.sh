#!/usr/bin/env bash
# Runs every benchmark of a build and writes its JSON to out/bench/.
# Google Benchmark binaries (bench_*_micro) report medians of 5 repetitions;
# scenario benchmarks print their own JSON.
set -euo pipefail
build="${1:-build}"
out="out/bench"
mkdir -p "$out"
for bin in $(find "$build/bench" -type f -executable -name 'bench_*' | sort); do
  name=$(basename "$bin")
  echo "== $name" >&2
  if [[ "$name" == *_micro ]]; then
    "$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
      --benchmark_format=json >"$out/$name.json"
  else
    "$bin" >"$out/$name.json"
  fi
done
echo "results in $out/" >&2
