#!/usr/bin/env bash
# Issue 14, round 2: trains the rankers and sizes every policy at 1% overload
# on the test sources (docs/placement.md, "Round 2: candidate set and
# ranker"). Deterministic policies (no sampling: pre-filter, all-host and
# peak policies) give the same fleet on every seed and run once; sampling
# ones (p2, hindsight at K = 2, fireplace) over seeds 1-5.
#   bench/fireplace/round2.sh [BUILD_DIR] [OUT_DIR]     (about 20 minutes on 2 cores)
set -euo pipefail
# Absolute paths: the script works inside OUT_DIR.
F="$(cd "${1:-build}" && pwd)/apps/fleetopt/fleetopt"
out="${2:-/tmp/fleetopt-round2}"
mkdir -p "$out"
here="$(cd "$(dirname "$0")" && pwd)"
FLEETOPT_DATA="$(cd "${FLEETOPT_DATA:-../shared/traces}" && pwd)"
export FLEETOPT_DATA
"$here/make_splits.sh" "$FLEETOPT_DATA" /tmp/fleetopt-splits
U="--overcommit cpu=1000,mem=1000"
PL="$U --host cpu=16,mem=1000000"
BB="$U --host cpu=8,mem=32"
TRA="azure2017:azure-2017-arrivals@split=dev@shapes=bitbrains@shapes_path=/tmp/fleetopt-splits/bitbrains-train@hours=6"
TEA="azure2017:azure-2017-arrivals@split=test@shapes=bitbrains@shapes_path=/tmp/fleetopt-splits/bitbrains-test@hours=12"
PLW=""; for d in 20110303 20110306 20110309 20110325 20110403; do PLW="$PLW --workload planetlab:planetlab/$d"; done
BBW="--workload bitbrains:/tmp/fleetopt-splits/bitbrains-test"  # July, VMs 101-200
cd "$out"

# Rankers (prefilter=4 and 8) and the K = 2 pointwise models, per training source.
for m in 4 8; do
  $F train-ranker $PLW --out pl_r$m.json --candidates prefilter=$m --dagger 2 $PL --json > pl_r$m.log
  $F train-ranker --workload $TRA --out az_r$m.json --candidates prefilter=$m --dagger 1 $U --json > az_r$m.log
  $F train-ranker $BBW --out bb_r$m.json --candidates prefilter=$m --dagger 2 --rollouts 3 $BB --json > bb_r$m.log
  # The July fleet is light (the teacher needs 3 hosts): also roll out on 10.
  $F train-ranker $BBW --out bb10_r$m.json --candidates prefilter=$m --dagger 3 --rollouts 10 --hosts 10 $BB --json > bb10_r$m.log
done
$F train fireplace $PLW --out pl_k2.json --candidates 2 --rollouts 2 --forest-trees 50 --boosted-rounds 50 $PL --json > pl_k2.log
$F train fireplace --workload $TRA --out az_k2.json --candidates 2 --rollouts 2 --forest-trees 50 --boosted-rounds 50 $U --json > az_k2.log
$F train fireplace $BBW --out bb_k2.json --candidates 2 --rollouts 2 --forest-trees 50 --boosted-rounds 50 $BB --json > bb_k2.log

DET="first-fit,best-fit,worst-fit,peak-nsigma@n=5,peak-pctl,peak-max,hindsight@prefilter=4,hindsight@prefilter=8"
run() {  # name workload "host flags" model-prefix
  $F size --workload "$2" --overload-limit 0.01 $U $3 --threads 2 --json \
    --policy "$DET,fireplace-rank:$4_r4.json,fireplace-rank:$4_r8.json" > res_$1_det.json
  $F size --workload "$2" --overload-limit 0.01 $U $3 --threads 2 --seeds 5 --json \
    --policy "p2,hindsight,fireplace:${4%10}_k2.json" > res_$1_seeds.json
}
run pl0409 planetlab:planetlab/20110409 "--host cpu=16,mem=1000000" pl
run pl0322 planetlab:planetlab/20110322 "--host cpu=16,mem=1000000" pl
run bbsep bitbrains:bitbrains-rnd/2013-9 "--host cpu=8,mem=32" bb
run bbsep10 bitbrains:bitbrains-rnd/2013-9 "--host cpu=8,mem=32" bb10
run ali alibaba2018:alibaba-2018 "--host cpu=192,mem=200" az
run azure "$TEA" "" az
echo "results in $out/res_*.json"
