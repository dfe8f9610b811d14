#!/usr/bin/env bash
# Referral-link clicks (GET /r/{code}) through the gateway at fixed offered loads, against a running system, then the
# zero-loss check: every acknowledged click stored once in attribution and counted once in analytics. Prints markdown.
#
# Start the system so that the gateway trusts the benchmark's "load balancer" address (it then keys the per-shopper
# budget for /r on X-Forwarded-For, one shopper address per click):
#   PartnerMesh__GatewayTrustedProxyNetworks=127.0.0.2/32 PartnerMesh__TraceSampleRatio=0.01 scripts/run.sh --release
# Usage: bench/attribution-clicks.sh [--rates 1000,2000,5000] [--seconds 10] [--proxy-address 127.0.0.2]
#                                    [--gateway URL] [--api-key KEY] [--analytics-deadline 180] [--order-rate 200]
# Then orders on the acknowledged clicks at --order-rate (0: none) for --seconds: the commission is in the partner's
# ledger when the order's 201 arrives (same transaction), so the answer's latency is conversion → ledger.
# Environment: PARTNERMESH_ADMIN_KEY (an admin API key), PARTNERMESH_GATEWAY (default http://127.0.0.1:8080).
# Creates a partner and a link (they stay: run it against a development system, not production).
# Exit code: 0 when nothing was lost or doubled, 3 when the counts disagree.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
dotnet build -c Release bench/PartnerMesh.Attribution.LoadBench -v quiet -nologo >&2
exec dotnet artifacts/bin/PartnerMesh.Attribution.LoadBench/release/PartnerMesh.Attribution.LoadBench.dll "$@"
