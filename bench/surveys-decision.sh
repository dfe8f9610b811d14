#!/usr/bin/env bash
# The which-survey-now decision and response ingestion through the gateway, at fixed offered loads, against a running
# system (scripts/run.sh). Prints a markdown table (p50/p90/p99 from the scheduled start: open loop) and the ingestion
# count (responses accepted vs stored: none lost, none duplicated). Exit 3 when they differ or calls failed.
#
# Usage: bench/surveys-decision.sh [--rates 500,1000,2000] [--seconds 10] [--response-rate 1000] [--settle 20] [--gateway URL] [--api-key KEY]
# Environment: PARTNERMESH_ADMIN_KEY (an admin API key), PARTNERMESH_GATEWAY (default http://127.0.0.1:8080).
# Creates one survey for a made-up partner per run (it stays: run it against a development system, not production).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet build -c Release bench/PartnerMesh.Surveys.LoadBench -v quiet -nologo >&2
exec dotnet artifacts/bin/PartnerMesh.Surveys.LoadBench/release/PartnerMesh.Surveys.LoadBench.dll "$@"
