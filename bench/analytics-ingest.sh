#!/usr/bin/env bash
# Behaviour-event ingestion through the gateway against a running system (scripts/run.sh): accepted events/s with
# batches (every tenth batch resent), none lost or double-counted (the KPI's page views equal the accepted events),
# freshness event → KPI p95 under the load, and a year's KPI query for one partner p99. Prints a markdown table.
#
# Usage: bench/analytics-ingest.sh [--seconds 10] [--batch 500] [--concurrency 8] [--rate EVENTS_PER_S]
#                                  [--partners 100] [--query-samples 200] [--gateway URL] [--api-key KEY]
# --rate offers batches on a fixed schedule (the issue's "under that load": --rate 10000); without it the workers
# send as fast as the system answers. The KPI query is sampled after ten unmeasured warm-up queries.
# Environment: PARTNERMESH_ADMIN_KEY (an admin API key), PARTNERMESH_GATEWAY (default http://127.0.0.1:8080),
# PARTNERMESH_ANALYTICS_DB (the analytics database's connection string: the run's partners first get a year of daily
# KPI rows, so the year query reads 365 real days; read from the running analytics service when unset and readable).
# The events stay in the system's analytics log (run it against a development system).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet build -c Release bench/PartnerMesh.Analytics.LoadBench -v quiet -nologo >&2
if [[ -z ${PARTNERMESH_ANALYTICS_DB:-} ]]; then
  for pid in $(pgrep -f 'PartnerMesh.Analytics.Api.dll' || true); do
    db=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^ConnectionStrings__analyticsdb=//p' | head -1)
    [[ -n $db ]] && { export PARTNERMESH_ANALYTICS_DB="$db"; break; }
  done
fi
exec dotnet artifacts/bin/PartnerMesh.Analytics.LoadBench/release/PartnerMesh.Analytics.LoadBench.dll "$@"
