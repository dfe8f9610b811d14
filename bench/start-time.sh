#!/usr/bin/env bash
# Start-up time of the whole system: starts scripts/run.sh in the background and prints how long until every service's
# /health and the gateway's answer 200. The system keeps running afterwards (stop it with SIGTERM to its AppHost).
#   bench/start-time.sh [gateway port, default 8080] [service port base, default 5100]
# Output: "all healthy after N s"; the AppHost's console goes to artifacts/bench/run-<UTC time>.log.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gateway_port="${1:-8080}"
port_base="${2:-5100}"
mkdir -p "$repo/artifacts/bench"
log="$repo/artifacts/bench/run-$(date -u +%Y%m%d%H%M%S).log"
started=$(date +%s%N)
(cd "$repo" && setsid scripts/run.sh >"$log" 2>&1 </dev/null &) >/dev/null 2>&1 # holds no pipe of the caller open
# One curl for the seven probes (each URL with its own -o): a process per probe every 250 ms took CPU from the start.
probes=()
for port in $(seq $((port_base + 1)) $((port_base + 6))) "$gateway_port"; do probes+=(-o /dev/null "http://localhost:$port/health"); done
for _ in $(seq 1 2400); do
  codes=$(curl -s -m 1 -w '%{http_code}\n' "${probes[@]}" || true)
  if [ "$(grep -c '^200$' <<< "$codes")" = $((${#probes[@]} / 3)) ]; then
    elapsed_ms=$((($(date +%s%N) - started) / 1000000))
    printf 'all healthy after %d.%03d s (console: %s)\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) "$log"
    exit 0
  fi
  sleep 0.25
done
echo "not healthy after 600 s (console: $log)" >&2
exit 1
