#!/usr/bin/env bash
# Runs every benchmark of a build and writes its JSON to out/bench/.
# Google Benchmark binaries report medians of 5 repetitions; scenario
# benchmarks print their own JSON. The exhaustive planner check runs a short
# version here (1,000 instances); see docs/rearrange.md for the full run.
set -uo pipefail
build="${1:-build}"
out="out/bench"
mkdir -p "$out"
failed=0
for bin in $(find "$build/bench" -type f -executable -name 'bench_*' | sort); do
  name=$(basename "$bin")
  echo "== $name" >&2
  args=()
  [ "$name" = bench_rearrange_exhaustive ] && args=(1000)
  if ("$bin" --benchmark_list_tests=true) >/dev/null 2>&1 && \
     ("$bin" --help 2>&1 | grep -q benchmark_filter) 2>/dev/null; then
    "$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
      --benchmark_format=json >"$out/$name.json" || { echo "   $name failed" >&2; failed=1; }
  else
    "$bin" "${args[@]}" >"$out/$name.json" || { echo "   $name failed" >&2; failed=1; }
  fi
done
echo "results in $out/" >&2
exit $failed
