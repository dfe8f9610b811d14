#!/usr/bin/env bash
# Runs PartnerMesh's benchmarks against a system that is already running (scripts/run.sh, or one started by tests) and
# prints the results as markdown, ready to paste into bench/README.md or docs/measurements.md. See bench/README.md.
#
# Usage: bench/run.sh [--gateway URL] [--api-key KEY] [--orders N] [--load-rate CLICKS_PER_S] [--load-seconds S]
#                     [--only measure|load] [--seed N]
# Environment: PARTNERMESH_GATEWAY (default http://127.0.0.1:8080), PARTNERMESH_ADMIN_KEY (an admin API key).
# Writes the same markdown to artifacts/bench/bench-<UTC time>.md. Exit code: 0 when every benchmark ran clean, 3 when
# one saw errors or timed-out samples (its table is still printed), 1/2 when it could not start.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

gateway="${PARTNERMESH_GATEWAY:-http://127.0.0.1:8080}"
api_key="${PARTNERMESH_ADMIN_KEY:-}"
orders=200
load_rate=4   # under the gateway's default 300 requests/min per client IP on /r/{code}: see bench/README.md
load_seconds=60
only=""
seed=""

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --gateway|--api-key|--orders|--load-rate|--load-seconds|--only|--seed)
      [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; } ;;&
    --gateway) gateway="$2"; shift 2 ;;
    --api-key) api_key="$2"; shift 2 ;;
    --orders) orders="$2"; shift 2 ;;
    --load-rate) load_rate="$2"; shift 2 ;;
    --load-seconds) load_seconds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

case "$only" in ""|measure|load) ;; *) echo "--only takes measure or load, not '$only'" >&2; exit 2 ;; esac

if [ -z "$api_key" ]; then
  cat >&2 <<'EOF'
bench/run.sh needs an admin API key of the running system: pass --api-key or set PARTNERMESH_ADMIN_KEY.

  - scripts/run.sh prints an admin key (pm_...) the first time it starts the system; it is shown only once.
  - the dashboard's "Create admin API key" command (gateway) makes another one.
  - any admin key works, e.g. one made with an existing admin key:
      curl -s -X POST "$GW/api/gateway/keys" -H "X-Api-Key: $ADMIN" -H 'Content-Type: application/json' \
        -d '{"name":"bench","scope":"admin"}'

then:  PARTNERMESH_ADMIN_KEY=pm_... bench/run.sh
EOF
  exit 2
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet SDK 10 is required (see global.json)" >&2
  exit 2
fi

# Is anything listening? (bash's /dev/tcp: no curl needed)
hostport="${gateway#*://}"; hostport="${hostport%%/*}"
host="${hostport%:*}"; port="${hostport##*:}"
if [ "$host" = "$hostport" ]; then
  case "$gateway" in https://*) port=443 ;; *) port=80 ;; esac
fi
if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "nothing answers at $gateway: start the system first (scripts/run.sh) or pass --gateway" >&2
  exit 1
fi

echo "==> build the storefront simulator (Release)" >&2
dotnet build tools/PartnerMesh.StorefrontSimulator/PartnerMesh.StorefrontSimulator.csproj -c Release -nologo -clp:ErrorsOnly -v:q >&2
simulator="$repo/artifacts/bin/PartnerMesh.StorefrontSimulator/release/PartnerMesh.StorefrontSimulator.dll"

mkdir -p artifacts/bench
result="artifacts/bench/bench-$(date -u +%Y%m%d-%H%M%S).md"

cpu="$( (grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true) | sed 's/.*: //')"
memory_gib="$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo '?')"
# shellcheck source=/dev/null
os="$( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s)"
{
  echo "## PartnerMesh benchmarks, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: ${cpu:-unknown CPU}, $(nproc) cores, ${memory_gib} GiB RAM, ${os}, kernel $(uname -r), .NET SDK $(dotnet --version)."
  echo "Gateway: $gateway; load generator: the storefront simulator on this machine$(git rev-parse --short HEAD >/dev/null 2>&1 && echo "; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD 2>/dev/null || echo ' + local changes')")."
} | tee "$result"

interrupted=0
trap 'interrupted=1' INT
status=0
seed_args=()
[ -n "$seed" ] && seed_args=(--seed "$seed")

run_simulator() {
  # The key goes through the environment, not the command line (ps shows arguments).
  set +e
  PARTNERMESH_ADMIN_KEY="$api_key" dotnet "$simulator" "$@" --gateway "$gateway" | tee -a "$result"
  local code=${PIPESTATUS[0]}
  set -e
  if [ "$code" -eq 3 ]; then
    status=3
  elif [ "$code" -ne 0 ]; then
    echo "the simulator exited with $code" >&2
    exit "$code"
  fi
}

if [ -z "$only" ] || [ "$only" = measure ]; then
  echo "==> order -> KPI latency: $orders sequential samples" >&2
  run_simulator measure --orders "$orders"
fi

if [ "$interrupted" -eq 0 ] && { [ -z "$only" ] || [ "$only" = load ]; }; then
  echo "==> storefront load: $load_rate clicks/s for $load_seconds s" >&2
  run_simulator run --rate "$load_rate" --duration "$load_seconds" --conversion-rate 0.2 --replay-rate 0.05 --partners 5 "${seed_args[@]}"
fi

echo >&2
echo "results written to $result" >&2
exit "$status"
