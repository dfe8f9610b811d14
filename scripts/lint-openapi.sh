#!/usr/bin/env bash
# Lints the committed OpenAPI documents (docs/api/*.json) with Redocly CLI's recommended rules (redocly.yaml), and ends
# with one line: "openapi lint: N documents, N errors, N warnings". Exits non-zero on any error.
# Installs @redocly/cli (pinned) into artifacts/tools/redocly once; later runs reuse it (no network).
# Usage: scripts/lint-openapi.sh [documents...]   (default: docs/api/*.json)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
version=2.77.0
tools="$repo/artifacts/tools/redocly"
redocly="$tools/node_modules/.bin/redocly"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

if [ ! -x "$redocly" ] || [ "$("$redocly" --version 2>/dev/null | head -1)" != "$version" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      echo "npm is required to install @redocly/cli (Debian: apt-get install nodejs npm)" >&2
      exit 2
    fi
    echo "==> installing nodejs (OpenAPI lint)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 nodejs npm >/dev/null \
      || { apt-get update -o DPkg::Lock::Timeout=900 >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=900 nodejs npm >/dev/null; }
  fi
  echo "==> installing @redocly/cli@$version into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --no-save --loglevel=error "@redocly/cli@$version" >&2
fi

if [ "$#" -eq 0 ]; then set -- docs/api/*.json; fi
output=$("$redocly" lint --config redocly.yaml --format stylish "$@" 2>&1) && status=0 || status=$?
echo "$output" | grep -v -e '^\s*$' -e 'Node.js' -e '[╔║╚]' || true
errors=$(echo "$output" | grep -cE '\s(error)\s' || true)
warnings=$(echo "$output" | grep -cE '\s(warning)\s' || true)
echo "openapi lint: $# documents, $errors errors, $warnings warnings"
exit "$status"
