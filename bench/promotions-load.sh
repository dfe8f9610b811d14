#!/usr/bin/env bash
# Cart evaluations per second at fixed offered loads, through the gateway and direct to promotions-api, against a
# running system (scripts/run.sh). Prints a markdown table (p50/p90/p99 from the scheduled start: open loop).
#
# Usage: bench/promotions-load.sh [--promotions 10,1000] [--rates 1000,2000,4000] [--seconds 10] [--gateway URL]
#                                 [--api-key KEY] [--direct URL]
# Environment: PARTNERMESH_ADMIN_KEY (an admin API key), PARTNERMESH_GATEWAY (default http://127.0.0.1:8080).
# Direct calls need the gateway's service-token signing key: read from the AppHost's user secrets when this checkout ran it.
# Ends the live "bench …" promotions earlier runs left, then seeds the ones it needs (they stay live: run it against a
# development system, not production).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

args=("$@")
if [ -z "${PARTNERMESH_SIGNING_KEY:-}" ]; then
  PARTNERMESH_SIGNING_KEY="$(dotnet user-secrets list --project AppHost 2>/dev/null | sed -n 's/^Parameters:gateway-token-key = //p')"
  export PARTNERMESH_SIGNING_KEY
fi
if [[ " ${args[*]} " != *" --direct "* ]] && [ -n "$PARTNERMESH_SIGNING_KEY" ]; then
  block=0
  if [ -f "${PARTNERMESH_INFRA_HOME:-/var/lib/partnermesh-infra}/checkout-ports" ]; then
    block="$(awk -v repo="$repo" '$2 == repo { print $1 }' "${PARTNERMESH_INFRA_HOME:-/var/lib/partnermesh-infra}/checkout-ports" | head -1)"
    block="${block:-0}"
  fi
  args+=(--direct "http://127.0.0.1:$((5102 + 10 * block))")
fi

dotnet build -c Release bench/PartnerMesh.Promotions.LoadBench -v quiet -nologo >&2
exec dotnet artifacts/bin/PartnerMesh.Promotions.LoadBench/release/PartnerMesh.Promotions.LoadBench.dll "${args[@]}"
