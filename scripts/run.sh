#!/usr/bin/env bash
# Starts the whole of PartnerMesh on this machine and keeps it running until Ctrl+C:
#   scripts/run.sh                  containers (PostgreSQL, RabbitMQ, Redis), databases, migrations, services, gateway
#   scripts/run.sh --new-admin-key  also create (and show) another admin API key; works while the system runs, too
#   scripts/run.sh --demo           also run the storefront simulator (live traffic through the gateway)
#   scripts/run.sh --help           the AppHost's options
# Idempotent and quick when everything is there: the container engine and images are ensured by scripts/infra.sh,
# and the system (every project outside tests/) is built only when sources changed since the last successful build.
# See docs/running.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
state="${PARTNERMESH_HOME:-$repo/.partnermesh}"
apphost="$repo/artifacts/bin/PartnerMesh.AppHost/debug/PartnerMesh.AppHost.dll"

log() { printf '[run] %s\n' "$*" >&2; }
die() { printf '[run] error: %s\n' "$*" >&2; exit 2; }

if ! command -v dotnet >/dev/null 2>&1; then
  die "the .NET SDK 10 is required (global.json: 10.0.100 or a later 10.0.x feature band). Install it from https://dot.net and run again."
fi
if ! sdk="$(dotnet --version 2>/dev/null)" || [[ $sdk != 10.* ]]; then
  die "no .NET SDK matching global.json (10.0.100 or a later 10.0.x) is installed$( [[ -n ${sdk:-} ]] && printf ' (dotnet --version: %s)' "$sdk"). Install it from https://dot.net."
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$state"

for arg in "$@"; do
  if [[ $arg == --help || $arg == -h ]]; then
    [[ -f $apphost ]] && exec dotnet "$apphost" --help
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
  fi
done

# A system already runs with this state folder (the AppHost holds this lock): don't rebuild the binaries it runs;
# the AppHost itself creates the key (--new-admin-key) or says that it is running.
if [[ -f $apphost ]] && command -v flock >/dev/null 2>&1 && [[ -e $state/apphost.lock ]] && ! flock -n "$state/apphost.lock" true 2>/dev/null; then
  eval "$(scripts/infra.sh env 2>/dev/null || true)"
  exec dotnet "$apphost" "$@"
fi

scripts/infra.sh ensure
eval "$(scripts/infra.sh env)"

# Local tools (dotnet-ef): restored when the manifest changed since the last restore.
tools_stamp="$state/tools.stamp"
if [[ ! -f $tools_stamp || dotnet-tools.json -nt $tools_stamp ]]; then
  log "dotnet tool restore"
  dotnet tool restore >/dev/null
  touch "$tools_stamp"
fi

# Build only when a source or build file is newer than the last successful build.
build_stamp="$state/build.stamp"
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
  log "building the system (Debug; the test projects are left to scripts/test.sh)"
  started=$SECONDS
  # the stamp takes the time the build started, so edits made during the build trigger the next one
  touch "$build_stamp.new"
  # A solution filter of every project outside tests/: half the solution, half the first build.
  runtime_filter="$state/system.slnf"
  projects=$(dotnet sln PartnerMesh.sln list | tail -n +3 | grep -v '^tests/' | sed 's/.*/"&"/' | paste -sd, -)
  printf '{ "solution": { "path": "%s", "projects": [ %s ] } }\n' "$repo/PartnerMesh.sln" "$projects" > "$runtime_filter"
  if ! dotnet build "$runtime_filter" -c Debug -nologo -clp:ErrorsOnly -v:quiet; then
    rm -f "$build_stamp.new"
    die "the build failed (errors above)"
  fi
  mv -f "$build_stamp.new" "$build_stamp"
  log "built in $((SECONDS - started)) s"
else
  log "build is up to date"
fi

exec dotnet "$apphost" "$@"
