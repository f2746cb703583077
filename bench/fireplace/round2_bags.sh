#!/usr/bin/env bash
# Issue 14, round 2 continued (docs/placement.md, "Bagged and multi-source
# rankers"): rankers trained as bags (`--bag 3 --rounds 20`: three models
# from seeds S, S+1000, S+2000, 60 trees in all, as many as one model of the
# first table) per training source and across sources, each over training
# seeds S = 1..5; every test source sized at 1% overload. Prints, per
# training set, candidate set and test source, the servers needed for each
# training seed and their median. About an hour on 2 cores.
#   bench/fireplace/round2_bags.sh [BUILD_DIR] [OUT_DIR] [SEEDS]
# Environment (defaults in brackets): BAG [3] and ROUNDS [20], the bag's
# members and each member's trees; SETS ["pl bb july az mem cpu"] and MS ["4 8"],
# the training sets and candidate sets to run; AZ_HOURS [6], the hours of
# the Azure dev split the az, mem and cpu sets train on. Models are reused
# from OUT_DIR when present, so give other BAG / ROUNDS / AZ_HOURS their own
# OUT_DIR; TRAIN_ARGS [none], further options of every train-ranker run
# (e.g. "--rollout-fleet p2").
set -euo pipefail
F="$(cd "${1:-build}" && pwd)/apps/fleetopt/fleetopt"
out="${2:-/tmp/fleetopt-round2-bags}"
seeds="${3:-1 2 3 4 5}"
bag="${BAG:-3}"
rounds="${ROUNDS:-20}"
mkdir -p "$out"
here="$(cd "$(dirname "$0")" && pwd)"
FLEETOPT_DATA="$(cd "${FLEETOPT_DATA:-../shared/traces}" && pwd)"
export FLEETOPT_DATA
"$here/make_splits.sh" "$FLEETOPT_DATA" /tmp/fleetopt-splits > /dev/null
U="--overcommit cpu=1000,mem=1000"
TRA="azure2017:azure-2017-arrivals@split=dev@shapes=bitbrains@shapes_path=/tmp/fleetopt-splits/bitbrains-train@hours=${AZ_HOURS:-6}"
TEA="azure2017:azure-2017-arrivals@split=test@shapes=bitbrains@shapes_path=/tmp/fleetopt-splits/bitbrains-test@hours=12"
JULY="bitbrains:bitbrains-rnd/2013-7@ids=101-200"
PLW=""; PLH=""
for d in 20110303 20110306 20110309 20110325 20110403; do
  PLW="$PLW --workload planetlab:planetlab/$d"; PLH="$PLH --host cpu=16,mem=1000000"
done
cd "$out"

# Training sets: their workloads and one --host per workload.
training() {
  case $1 in
    pl) echo "$PLW $PLH" ;;                                       # PlanetLab, 5 days (CPU only)
    bb) echo "--workload $JULY --host cpu=8,mem=32" ;;            # Bitbrains July, VMs 101-200
    july) echo "--workload bitbrains:bitbrains-rnd/2013-7 --host cpu=8,mem=32" ;;  # all 200 VMs of July
    az) echo "--workload $TRA --host cpu=32,mem=128" ;;           # Azure dev + Bitbrains 1-100 shapes
    # mem and cpu hold July's VMs 101-200, whose usage series are the
    # shapes of the Azure test source: their Azure column is not a clean test.
    mem) echo "--workload $TRA --workload $JULY --host cpu=32,mem=128 --host cpu=8,mem=32" ;;
    cpu) echo "$PLW --workload $TRA --workload $JULY $PLH --host cpu=32,mem=128 --host cpu=8,mem=32" ;;
  esac
}
# Test sources (August is the time split's validation month, not a test).
source_spec() {
  case $1 in
    pl0409) echo "planetlab:planetlab/20110409|--host cpu=16,mem=1000000" ;;
    pl0322) echo "planetlab:planetlab/20110322|--host cpu=16,mem=1000000" ;;
    bbaug) echo "bitbrains:bitbrains-rnd/2013-8@ids=101-200|--host cpu=8,mem=32" ;;
    bbsep) echo "bitbrains:bitbrains-rnd/2013-9|--host cpu=8,mem=32" ;;
    ali) echo "alibaba2018:alibaba-2018|--host cpu=192,mem=200" ;;
    azure) echo "$TEA|" ;;
  esac
}
tests_of() {
  case $1 in
    pl) echo "pl0409 pl0322" ;;
    bb|july) echo "bbaug bbsep" ;;
    az) echo "azure ali" ;;
    mem) echo "azure ali bbaug bbsep" ;;
    cpu) echo "pl0409 pl0322 azure ali bbaug bbsep" ;;
  esac
}

printf "%-5s %-4s %-7s %-22s %s\n" training M source "servers per seed" median
for set in ${SETS:-pl bb july az mem cpu}; do
  for m in ${MS:-4 8}; do
    for s in $seeds; do
      model="${set}_r${m}_seed$s.json"
      [ -f "$model" ] || $F train-ranker $(training $set) --candidates prefilter=$m --bag "$bag" --rounds "$rounds" \
        --dagger 2 --seed "$s" ${TRAIN_ARGS:-} $U --out "$model" --json > "${model%.json}.log"
    done
    for src in $(tests_of $set); do
      spec="$(source_spec $src)"
      per_seed=""
      for s in $seeds; do
        res="res_${set}_r${m}_seed${s}_$src.json"
        [ -f "$res" ] || $F size --workload "${spec%%|*}" ${spec#*|} --overload-limit 0.01 $U --threads 2 --json \
          --policy "fireplace-rank:${set}_r${m}_seed$s.json" > "$res"
        per_seed="$per_seed $(grep -o '"servers_needed": [0-9]*' "$res" | head -1 | grep -o '[0-9]*$')"
      done
      n=$(echo $per_seed | wc -w)
      median=$(echo $per_seed | tr ' ' '\n' | sort -n | sed -n "$(( (n + 1) / 2 ))p")
      printf "%-5s %-4s %-7s %-22s %s\n" $set $m $src "$per_seed" "$median"
    done
  done
done
