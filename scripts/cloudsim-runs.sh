#!/usr/bin/env bash
# Runs CloudSim 4.0's PlanetLab benchmark (the reference peer, built with
# ../shared/peers/cloudsim/build.sh into PEER_DIR) on every day of PLANETLAB_DIR,
# one run at a time, for each "ALLOC SELECTION PARAM" given; skips runs whose
# output already exists. Outputs: OUT_DIR/DAY-ALLOC-SELECTION-PARAM.txt
# usage: scripts/cloudsim-runs.sh PEER_DIR PLANETLAB_DIR OUT_DIR "thr mmt 0.8" "lr mmt 1.2" ...
set -euo pipefail
peer=${1:?peer dir}; pl=${2:?planetlab dir}; out=${3:?output dir}; shift 3
mkdir -p "$out"
for spec in "$@"; do
  read -r alloc sel param <<<"$spec"
  for day in $(ls "$pl"); do
    f="$out/$day-$alloc-$sel-$param.txt"
    [ -s "$f" ] && continue
    JOPTS=${JOPTS:--Xmx1g} bash "$peer/run.sh" "$pl" "$day" "$alloc" "$sel" "$param" > "$f.tmp" 2>&1 && mv "$f.tmp" "$f"
  done
done
