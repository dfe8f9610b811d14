#!/usr/bin/env bash
# Coupons through the gateway, against a running system (scripts/run.sh --release): validations and redemptions (all
# of one code: the hot-code case) per second at fixed offered loads (p50/p90/p99 from the scheduled start: open loop),
# every redemption's answer counted against the code's limit and the campaign's stats (zero over-redemption), and a
# 100,000-code bulk generation (time, and the coupons process's peak resident memory when it runs on this machine).
# Prints markdown tables.
#
# Usage: bench/coupons-load.sh [--rates 1000,2000,5000] [--redemption-rates 500,1000] [--seconds 10] [--bulk 100000]
#                              [--gateway URL] [--api-key KEY]
# Environment: PARTNERMESH_ADMIN_KEY (an admin API key), PARTNERMESH_GATEWAY (default http://127.0.0.1:8080).
# Creates campaigns and codes (they stay: run it against a development system, not production).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet build -c Release bench/PartnerMesh.Coupons.LoadBench -v quiet -nologo >&2
exec dotnet artifacts/bin/PartnerMesh.Coupons.LoadBench/release/PartnerMesh.Coupons.LoadBench.dll "$@"
