#!/usr/bin/env bash
# In-process benchmark of the promotion evaluator (BenchmarkDotNet): one evaluation of a 10-line cart against 10, 100,
# 1,000 and 10,000 live promotions. Builds Release, runs a short job (a few minutes on 2 cores) and prints
# BenchmarkDotNet's markdown table with its machine line. See bench/README.md.
#
# Usage: bench/promotions-evaluator.sh [BenchmarkDotNet arguments, e.g. --job default for the full statistics]
# Writes BenchmarkDotNet's artifacts (logs, reports) under artifacts/bench/promotions-evaluator/.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

out="artifacts/bench/promotions-evaluator"
project="bench/PartnerMesh.Promotions.Benchmarks"
rm -rf "$out/results"
mkdir -p "$out"
dotnet build -c Release "$project" -v quiet -nologo >/dev/null
dll="artifacts/bin/PartnerMesh.Promotions.Benchmarks/release/PartnerMesh.Promotions.Benchmarks.dll"
dotnet "$dll" --filter '*' --artifacts "$out" "$@" >"$out.log" 2>&1 || { tail -40 "$out.log" >&2; exit 1; }

report="$(ls "$out"/results/*-report-github.md 2>/dev/null | head -1)"
[ -n "$report" ] || { echo "no report in $out/results (see $out.log)" >&2; exit 1; }
cat "$report"
