#!/usr/bin/env bash
# Runs every test of PartnerMesh against real PostgreSQL, RabbitMQ and Redis (Testcontainers) and ends with one line:
#   tests: N passed, N failed, N skipped
# Exits non-zero when anything failed. Installs what it needs (container engine, images) idempotently.
# Usage: scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Outbox]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
started=$(date +%s)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "dotnet SDK 10 is required (see global.json); install it from https://dot.net and re-run." >&2
  exit 2
fi

scripts/infra.sh ensure
eval "$(scripts/infra.sh env)"

# The dashboard's browser test drives a real Chromium: Debian's, installed when missing (a Docker/GitHub machine
# names its own with PARTNERMESH_CHROMIUM).
export PARTNERMESH_CHROMIUM="${PARTNERMESH_CHROMIUM:-/usr/lib/chromium/chromium}"
if [ ! -x "$PARTNERMESH_CHROMIUM" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no Chromium at $PARTNERMESH_CHROMIUM: install one (Debian: apt-get install chromium) or set PARTNERMESH_CHROMIUM" >&2
    exit 2
  fi
  echo "==> installing chromium (browser tests)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 chromium >/dev/null \
    || { apt-get update -o DPkg::Lock::Timeout=900 >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 chromium >/dev/null; }
fi
export CI="${CI:-true}" # Aspire.Hosting.Testing: no TTY, no interactive prompts

run_id="run-$(date +%Y%m%d%H%M%S)-$$"
export PARTNERMESH_TEST_RUN_ID="$run_id"
results="$repo/artifacts/test-results/$run_id"
mkdir -p "$results"

# One container set per run: test assemblies share it through Testcontainers' reuse, keyed by the run id label.
# The end-to-end AppHost's data volumes are named partnermesh-e2e-<run id>-* (tests/PartnerMesh.EndToEndTests).
cleanup() {
  local ids volumes
  dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true # when the build failed before its own shutdown
  ids=$("$PARTNERMESH_CONTAINER_CLI" ps -aq --filter "label=partnermesh.test-run=$run_id" 2>/dev/null || true)
  # shellcheck disable=SC2086 # one container id per word
  if [ -n "$ids" ]; then "$PARTNERMESH_CONTAINER_CLI" rm -f $ids >/dev/null 2>&1 || true; fi
  volumes=$("$PARTNERMESH_CONTAINER_CLI" volume ls -q --filter "name=partnermesh-e2e-$run_id" 2>/dev/null || true)
  # shellcheck disable=SC2086 # one volume name per word
  if [ -n "$volumes" ]; then "$PARTNERMESH_CONTAINER_CLI" volume rm -f $volumes >/dev/null 2>&1 || true; fi
  rm -f "${TMPDIR:-/tmp}/partnermesh-test-ports-$run_id" # the run's port block (tests/PartnerMesh.Testing/ContainerPorts.cs)
  # containers of an end-to-end AppHost whose process was killed, and their stale port forwards (deploy/images/README.md)
  scripts/infra.sh prune-test-containers >/dev/null 2>&1 || true
}
trap cleanup EXIT
scripts/infra.sh prune-test-containers >/dev/null 2>&1 || true

echo "==> build" >&2
# The compiler server (one warm compiler for every project) even where the environment turns it off: a cold build took
# 190 s with a compiler process per project, 122 s with the server. It is shut down when the run ends.
dotnet build PartnerMesh.sln -c Debug -nologo -clp:ErrorsOnly -warnaserror -p:UseSharedCompilation=true
dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true

# Test processes live for seconds to minutes: they keep each method as first compiled (precompiled framework code, or
# the JIT's quick first pass) instead of compiling hot methods again. Phase 1 took 175 s instead of 232 s.
export DOTNET_TC_CallCounting=0

# Two phases: every assembly but the end-to-end one in parallel, then the end-to-end one alone (it starts the whole
# system under the Aspire AppHost; sharing two cores with the other assemblies would only slow both down).
e2e=tests/PartnerMesh.EndToEndTests/PartnerMesh.EndToEndTests.csproj
others="$results/others.slnf"
other_projects=$(dotnet sln PartnerMesh.sln list | tail -n +3 | grep -v "^${e2e}$" | sed 's/.*/"&"/' | paste -sd, -)
printf '{ "solution": { "path": "%s", "projects": [ %s ] } }\n' "$repo/PartnerMesh.sln" "$other_projects" > "$others"

echo "==> test (results in $results)" >&2
set +e
dotnet test "$others" -c Debug --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 10m "$@"
test_exit=$?
dotnet test "$e2e" -c Debug --no-build -nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" \
  --blame-hang-timeout 10m "$@"
e2e_exit=$?
[ "$test_exit" -ne 0 ] || test_exit=$e2e_exit
set -e

# Count from the TRX files, not from console output.
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

projects=$(dotnet sln PartnerMesh.sln list | grep -c 'tests/.*Tests\.csproj$' || true)
if [ "$files" -lt "$projects" ]; then
  echo "only $files result files for $projects test projects: a test host crashed or did not run" >&2
  failed=$((failed + projects - files))
fi
if [ "$test_exit" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $test_exit without a failed test in the results: counting the run as failed" >&2
  failed=1
fi

# The committed OpenAPI documents (docs/api/, kept equal to the code by OpenApiDocumentTests) must lint clean.
echo "==> lint OpenAPI documents" >&2
if ! scripts/lint-openapi.sh >&2; then
  echo "scripts/lint-openapi.sh found errors in docs/api/: counting it as a failed test" >&2
  failed=$((failed + 1))
fi

echo "test command took $(( $(date +%s) - started )) s" >&2
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
