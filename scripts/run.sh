#!/usr/bin/env bash
# Starts the whole of PartnerMesh on the .NET Aspire AppHost and keeps it running until Ctrl+C (or SIGTERM):
# PostgreSQL, RabbitMQ and Redis containers (data volumes kept), a migration step per service, every service, the
# gateway, the partner portal and the Aspire dashboard. Prints where to go and, on the first start, an admin API key.
#   scripts/run.sh           the system
#   scripts/run.sh --demo    also the storefront simulator (live traffic through the gateway)
#   scripts/run.sh --release the Release build (optimised: what benchmarks measure); Debug by default
# Idempotent and quick when everything is there: the container engine and images are ensured by scripts/infra.sh,
# and the system is built only when sources changed since the last successful build. See docs/running.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
state="${PARTNERMESH_HOME:-$repo/.partnermesh}"

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] error: %s\n' "$*" >&2; exit 2; }

demo=false
configuration=Debug
for arg in "$@"; do
  case "$arg" in
    --demo) demo=true ;;
    --release) configuration=Release ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$arg' (see --help)" ;;
  esac
done

if ! command -v dotnet >/dev/null 2>&1; then
  die "the .NET SDK 10 is required (global.json: 10.0.100 or a later 10.0.x feature band). Install it from https://dot.net and run again."
fi
if ! sdk="$(dotnet --version 2>/dev/null)" || [[ $sdk != 10.* ]]; then
  die "no .NET SDK matching global.json (10.0.100 or a later 10.0.x) is installed$( [[ -n ${sdk:-} ]] && printf ' (dotnet --version: %s)' "$sdk"). Install it from https://dot.net."
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
mkdir -p "$state"

scripts/infra.sh ensure
eval "$(scripts/infra.sh env)"

# Build only when a source or build file is newer than the last successful build. Building the AppHost builds
# everything it runs (every service, the gateway, the portal, the simulator); the test projects are left to test.sh.
apphost="$repo/artifacts/bin/PartnerMesh.AppHost/${configuration,,}/PartnerMesh.AppHost.dll"
build_stamp="$state/build.stamp"
[[ $configuration == Debug ]] || build_stamp="$state/build-${configuration,,}.stamp"
needs_build() {
  [[ -f $build_stamp && -f $apphost ]] || return 0
  local changed
  changed="$(find src AppHost ServiceDefaults tools \
    \( -name bin -o -name obj -o -name node_modules \) -prune -o \
    -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \
    -o -name '*.cshtml' -o -name '*.razor' -o -path '*/wwwroot/*' \) -newer "$build_stamp" -print -quit 2>/dev/null)"
  [[ -n $changed ]] && { log "changed since the last build: $changed"; return 0; }
  local f
  for f in PartnerMesh.sln Directory.Build.props Directory.Packages.props global.json; do
    [[ -f $f && $f -nt $build_stamp ]] && { log "changed since the last build: $f"; return 0; }
  done
  return 1
}
if needs_build; then
  log "building the system ($configuration)"
  started=$SECONDS
  touch "$build_stamp.new" # the build's start time: edits made during the build trigger the next one
  # The compiler server even where the environment turns it off (a third faster cold build), shut down afterwards.
  built=true
  dotnet build AppHost -c "$configuration" -nologo -clp:ErrorsOnly -v:quiet -p:UseSharedCompilation=true || built=false
  dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true
  if ! $built; then
    rm -f "$build_stamp.new"
    die "the build failed (errors above)"
  fi
  mv -f "$build_stamp.new" "$build_stamp"
  log "built in $((SECONDS - started)) s"
else
  log "build is up to date"
fi

# ReadyToRun copies of what the AppHost launches (scripts/precompile.sh): the start-up's CPU is mostly the JIT. Redone
# after every build; when it cannot be done the AppHost runs the build itself, which is only slower to start.
precompiled_stamp="$state/precompiled-${configuration,,}.stamp"
if [[ ${PARTNERMESH_PRECOMPILE:-1} == 1 ]]; then
  if [[ ! -f $precompiled_stamp || $build_stamp -nt $precompiled_stamp ]]; then
    mapfile -t launched < <(grep -o 'ProjectReference Include="[^"]*"' AppHost/PartnerMesh.AppHost.csproj | sed 's|.*/||; s|\.csproj"||')
    rm -f "$precompiled_stamp"
    if scripts/precompile.sh "$configuration" PartnerMesh.AppHost "${launched[@]}"; then
      touch -r "$build_stamp" "$precompiled_stamp"
    else
      log "precompiling failed: the services start from the build (slower start)"
    fi
  fi
  if [[ -f $precompiled_stamp ]]; then
    export PARTNERMESH_PRECOMPILED_DIR="$repo/artifacts/r2r"
    apphost="$PARTNERMESH_PRECOMPILED_DIR/PartnerMesh.AppHost/${configuration,,}/PartnerMesh.AppHost.dll"
  fi
fi

# Ports of this checkout: a block of its own, recorded machine-wide, so a second clone starts beside the first
# (block k: gateway 8080+k, dashboard 18888+10k, OTLP +1, resource service +2, services 5101+10k … 5107+10k,
# PostgreSQL, RabbitMQ and Redis 15101+10k … 15103+10k).
registry="$PARTNERMESH_INFRA_HOME/checkout-ports"
touch "$registry"
port_busy() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
block_free() {
  local k=$1 p
  for p in $((8080 + k)) $((18888 + 10 * k)) $((18889 + 10 * k)) $((18890 + 10 * k)) $(seq $((5101 + 10 * k)) $((5107 + 10 * k))) $(seq $((15101 + 10 * k)) $((15103 + 10 * k))); do
    port_busy "$p" && return 1
  done
  return 0
}
block=$(
  exec 9>"$registry.lock"
  flock 9
  k=$(awk -v repo="$repo" '$2 == repo { print $1; exit }' "$registry")
  if [[ -z $k ]]; then
    k=0
    while awk -v k="$k" '$1 == k { found = 1 } END { exit !found }' "$registry" || ! block_free "$k"; do k=$((k + 1)); done
    printf '%s %s\n' "$k" "$repo" >> "$registry"
  fi
  echo "$k"
)

export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development
export ASPNETCORE_URLS="http://localhost:$((18888 + 10 * block))"
export ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$((18889 + 10 * block))"
export ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$((18890 + 10 * block))"
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true # no developer certificate here: http only, the dashboard still asks for its token
export ASPIRE_VERSION_CHECK_DISABLED=true
export PartnerMesh__GatewayPort=$((8080 + block)) PartnerMesh__PortBase=$((5100 + 10 * block)) PartnerMesh__Demo=$demo
((block == 0)) || log "another checkout holds the default ports: this one uses port block $block (gateway :$PartnerMesh__GatewayPort)"

exec dotnet "$apphost"
