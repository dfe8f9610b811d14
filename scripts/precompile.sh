#!/usr/bin/env bash
# Ahead-of-time (ReadyToRun) copies of the built services, for a faster start: the JIT compiles most of what a .NET
# service runs at start-up (EF Core, MassTransit, Npgsql, ASP.NET), and on two cores fourteen processes (seven
# migrators, seven services) do it at once. crossgen2 compiles each assembly of artifacts/bin/<project>/<config>/ into
# artifacts/r2r/<project>/<config>/; everything else is copied. The result behaves exactly like the build (same IL,
# the runtime falls back to the JIT wherever precompiled code does not apply).
#
#   scripts/precompile.sh <Debug|Release> <project name>...
#
# Each distinct assembly is compiled once (cached by content hash in artifacts/r2r/.cache), so the services' shared
# dependencies cost one compilation for all, and a rebuild recompiles only what changed. crossgen2 comes from NuGet
# (Microsoft.NETCore.App.Crossgen2.linux-x64, the version of the installed runtime), restored on first use.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${1:?configuration}"
shift
config_dir="${configuration,,}"
r2r_root="$repo/artifacts/r2r"
cache="$r2r_root/.cache"
mkdir -p "$cache"

log() { printf '[precompile] %s\n' "$*" >&2; }

[[ $(uname -m) == x86_64 && $(uname -s) == Linux ]] || { log "only linux-x64 is set up; skipped"; exit 3; }

runtime_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')"
aspnet_version="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')"
[[ -n $runtime_version && -n $aspnet_version ]] || { log "no .NET 10 runtime found"; exit 3; }
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
framework_refs=("$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version")

packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
crossgen="$packages/microsoft.netcore.app.crossgen2.linux-x64/$runtime_version/tools/crossgen2"
if [[ ! -x $crossgen ]]; then
  log "restoring crossgen2 $runtime_version"
  restore_dir="$r2r_root/.restore"
  mkdir -p "$restore_dir"
  cat > "$restore_dir/Crossgen2Download.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageDownload Include="Microsoft.NETCore.App.Crossgen2.linux-x64" Version="[$runtime_version]" /></ItemGroup>
</Project>
EOF
  dotnet restore "$restore_dir/Crossgen2Download.csproj" -nologo -v quiet >&2
  [[ -x $crossgen ]] || { log "crossgen2 $runtime_version could not be restored"; exit 3; }
fi

# Design-time assemblies that a build copies beside a service but a running service never loads: copied, not compiled.
is_design_time() {
  case "$1" in
    Microsoft.CodeAnalysis* | Microsoft.Build* | Microsoft.EntityFrameworkCore.Design.dll | Microsoft.VisualStudio.* | \
      Mono.TextTemplating.dll | Humanizer.dll | System.Composition.* | System.CodeDom.dll) return 0 ;;
  esac
  return 1
}

# Compiles one assembly into the cache (or records that it cannot be compiled: a reference assembly, an already
# precompiled one) and prints the cached file.
compile() {
  local dll=$1 references=$2 hash cached
  hash="$(sha256sum "$dll" | cut -c1-32)"
  cached="$cache/$hash.dll"
  if [[ ! -f $cached ]]; then
    if "$crossgen" "$dll" -o "$cached.tmp" --targetos:linux --targetarch:x64 -O \
      -r "${framework_refs[0]}/*.dll" -r "${framework_refs[1]}/*.dll" -r "$references/*.dll" >"$cached.log" 2>&1; then
      mv -f "$cached.tmp" "$cached"
    else
      cp -f "$dll" "$cached" # not compilable: the IL as it is
    fi
  fi
  printf '%s\n' "$cached"
}

started=$SECONDS
compiled=0
for project in "$@"; do
  source_dir="$repo/artifacts/bin/$project/$config_dir"
  target_dir="$r2r_root/$project/$config_dir"
  [[ -f $source_dir/$project.dll ]] || { log "$source_dir/$project.dll: not built"; exit 1; }
  mkdir -p "$target_dir"
  # everything but the top-level assemblies as it is (configuration, static assets, native libraries, resources)
  (cd "$source_dir" && find . -type f \( ! -name '*.dll' -o -path './*/*' \) -print0 | xargs -0 -r cp --parents -up -t "$target_dir")
  for dll in "$source_dir"/*.dll; do
    name="${dll##*/}"
    if is_design_time "$name"; then
      cp -fp "$dll" "$target_dir/$name"
      continue
    fi
    cached="$(compile "$dll" "$source_dir")"
    ln -f "$cached" "$target_dir/$name" 2>/dev/null || cp -f "$cached" "$target_dir/$name"
    compiled=$((compiled + 1))
  done
  # assemblies the build no longer produces
  for dll in "$target_dir"/*.dll; do
    [[ -f $source_dir/${dll##*/} ]] || rm -f "$dll"
  done
done
# compilations of assemblies no project uses any more (one link left: the cache's own)
find "$cache" -name '*.dll' -links 1 -mmin +60 -delete 2>/dev/null || true
log "${#@} project(s), $compiled assemblies precompiled or reused, in $((SECONDS - started)) s"
