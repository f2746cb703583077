#!/usr/bin/env bash
# Installs the Debian 12 packages fleetopt needs. Idempotent; silent when all present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libxgboost-dev xgboost
  coinor-libclp-dev
  libeigen3-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libfmt-dev libcpp-httplib-dev
  libsqlite3-dev libpqxx-dev postgresql
  libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev
  chromium
)
# libtorch is heavy (~650 MB); only the neural-net targets need it.
if [ "${FLEETOPT_WITH_TORCH:-1}" = "1" ]; then
  packages+=(libtorch-dev)
fi
# `make fuzz`: clang and its libFuzzer/sanitizer runtime (only recommended by clang-14).
if [ "${FLEETOPT_WITH_FUZZ:-0}" = "1" ]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
