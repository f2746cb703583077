#!/usr/bin/env bash
# Builds the VM-disjoint Bitbrains splits used to train and test FirePlace,
# as symlinks (the traces are never copied): OUT/bitbrains-train holds VMs
# 1-100 and OUT/bitbrains-test VMs 101-200 of bitbrains-rnd/2013-7.
#   bench/fireplace/make_splits.sh [DATA_DIR] [OUT_DIR]
set -euo pipefail
data="${1:-${FLEETOPT_DATA:-../shared/traces}}"
out="${2:-/tmp/fleetopt-splits}"
src="$(cd "$data/bitbrains-rnd/2013-7" && pwd)"
for part in train test; do
  rm -rf "$out/bitbrains-$part"
  mkdir -p "$out/bitbrains-$part"
done
for i in $(seq 1 200); do
  [ -f "$src/$i.csv" ] || { echo "missing $src/$i.csv" >&2; exit 1; }
  if [ "$i" -le 100 ]; then part=train; else part=test; fi
  ln -s "$src/$i.csv" "$out/bitbrains-$part/$i.csv"
done
echo "wrote $out/bitbrains-train (VMs 1-100) and $out/bitbrains-test (VMs 101-200)"
