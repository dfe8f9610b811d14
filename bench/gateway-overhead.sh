#!/usr/bin/env bash
# What the gateway's authentication, rate limiting and service-token minting cost: closed-loop requests per second
# through bare YARP and through the real gateway (release build, its own process, PostgreSQL and Redis from the test
# infrastructure), all in front of the same trivial upstream. Prints a markdown table.
#
# Usage: bench/gateway-overhead.sh [--connections 32] [--seconds 10]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
scripts/infra.sh ensure >&2
eval "$(scripts/infra.sh env)"
export PARTNERMESH_TEST_RUN_ID="${PARTNERMESH_TEST_RUN_ID:-gateway-bench}"
dotnet build -c Release src/Gateway/PartnerMesh.Gateway -v quiet -nologo >&2
dotnet build -c Release bench/PartnerMesh.Gateway.Bench -v quiet -nologo >&2
exec dotnet artifacts/bin/PartnerMesh.Gateway.Bench/release/PartnerMesh.Gateway.Bench.dll \
  --gateway-dll "$repo/artifacts/bin/PartnerMesh.Gateway/release/PartnerMesh.Gateway.dll" "$@"
