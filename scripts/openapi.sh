#!/usr/bin/env bash
# Refreshes the committed OpenAPI documents (docs/api/*.json) from the code, then lints them:
# the build generates each service's document into artifacts/openapi/ (Microsoft.Extensions.ApiDescription.Server),
# the Architecture tests' OpenApiDocumentTests copy them to docs/api/ and merge docs/api/gateway-public.json.
# Without PARTNERMESH_UPDATE_OPENAPI those tests fail when a committed document differs from the code.
# Usage: scripts/openapi.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# The build generates a document only when the service's own assembly changed: forget what it generated, so a change
# to shared code alone (ServiceDefaults' OpenAPI transformers) regenerates every document too.
rm -f artifacts/obj/*/*.OpenApiFiles.cache
dotnet build tests/PartnerMesh.Architecture.Tests -nologo -v q -clp:ErrorsOnly -warnaserror
PARTNERMESH_UPDATE_OPENAPI=1 artifacts/bin/PartnerMesh.Architecture.Tests/debug/PartnerMesh.Architecture.Tests \
  -class "PartnerMesh.Architecture.Tests.OpenApi.OpenApiDocumentTests" >/dev/null
scripts/lint-openapi.sh
git status --short docs/api
