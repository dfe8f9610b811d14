#!/usr/bin/env bash
# Container engine + images for Testcontainers tests and the Aspire AppHost.
#
#   scripts/infra.sh ensure                 make everything ready (idempotent; seconds on a re-run)
#   eval "$(scripts/infra.sh env)"          export DOCKER_HOST, image names, ... (reads state only)
#   scripts/infra.sh status                 engine, images, API socket
#   scripts/infra.sh prune-test-containers  remove leftover Testcontainers containers and stale port
#                                           forwards (podman)
#
# Engine choice (ensure):
#   1. a real Docker engine answers -> use it with the official images
#      (postgres:16, rabbitmq:3-management, redis:7; pulled when missing);
#   2. otherwise rootful podman (installed with apt when missing), configured
#      through files in $PARTNERMESH_INFRA_HOME, images built locally from
#      Debian packages (deploy/images/*) on a debootstrap'ed base image, and a
#      Docker-compatible API socket for Testcontainers.
#   PARTNERMESH_CONTAINER_ENGINE=docker|podman forces one (default: auto).
#
# State lives OUTSIDE the repo so images survive clones and CI runs:
#   PARTNERMESH_INFRA_HOME (default /var/lib/partnermesh-infra as root,
#   ${XDG_STATE_HOME:-~/.local/state}/partnermesh-infra otherwise).
# See deploy/images/README.md and shared/design/INFRASTRUCTURE.md (section A).
set -euo pipefail

# Bump when the build procedure here changes in a way that must rebuild the images.
readonly RECIPE_VERSION=1

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
IMAGES_DIR="$REPO_ROOT/deploy/images"

if [[ -n ${PARTNERMESH_INFRA_HOME:-} ]]; then
  INFRA_HOME="$PARTNERMESH_INFRA_HOME"
elif [[ $(id -u) == 0 ]]; then
  INFRA_HOME=/var/lib/partnermesh-infra
else
  INFRA_HOME="${XDG_STATE_HOME:-$HOME/.local/state}/partnermesh-infra"
fi

STATE_FILE="$INFRA_HOME/state.env"
SOCK="$INFRA_HOME/podman.sock"
SERVICE_PID_FILE="$INFRA_HOME/podman-service.pid"
SERVICE_LOG="$INFRA_HOME/podman-service.log"
LOG_DIR="$INFRA_HOME/logs"

BASE_IMAGE=localhost/debian-base:bookworm
BASE_SUITE=bookworm
# name -> podman image built from deploy/images/<name>
declare -A PODMAN_IMAGES=(
  [postgres]=localhost/partnermesh/postgres:15
  [rabbitmq]=localhost/partnermesh/rabbitmq:3.10
  [redis]=localhost/partnermesh/redis:7
)
declare -A DOCKER_IMAGES=(
  [postgres]=postgres:16
  [rabbitmq]=rabbitmq:3-management
  [redis]=redis:7
)
readonly IMAGE_NAMES=(postgres rabbitmq redis)
readonly HASH_LABEL=partnermesh.hash

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

CLEANUPS=()
run_cleanups() {
  local i
  for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${CLEANUPS[i]}" || true; done
}
trap run_cleanups EXIT

# Single-quote a value for `eval` in any POSIX shell.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

podman_env() {
  export CONTAINERS_CONF="$INFRA_HOME/containers.conf"
  export CONTAINERS_STORAGE_CONF="$INFRA_HOME/storage.conf"
}

# ---------------------------------------------------------------- docker --

# Does a real Docker engine (not our podman socket, not podman at all) answer?
docker_engine_answers() {
  command -v docker >/dev/null 2>&1 || return 1
  local -a envcmd=(env)
  if [[ -z ${DOCKER_HOST:-} || ${DOCKER_HOST} == "unix://$SOCK" ]]; then
    envcmd=(env -u DOCKER_HOST)
  fi
  "${envcmd[@]}" timeout 5 docker info >/dev/null 2>&1 || return 1
  local components
  components="$("${envcmd[@]}" timeout 5 docker version --format '{{range .Server.Components}}{{.Name}} {{end}}' 2>/dev/null || true)"
  [[ $components != *[Pp]odman* ]]
}

ensure_docker() {
  local name img dh=${DOCKER_HOST:-}
  [[ $dh == "unix://$SOCK" ]] && dh=""
  if [[ -z $dh ]]; then unset DOCKER_HOST; else export DOCKER_HOST="$dh"; fi
  log "engine: docker (${dh:-default socket})"
  for name in "${IMAGE_NAMES[@]}"; do
    img=${DOCKER_IMAGES[$name]}
    if docker image inspect "$img" >/dev/null 2>&1; then
      log "image $img: present"
    else
      log "image $img: pulling"
      docker pull --quiet "$img" >&2
    fi
  done
  mkdir -p "$INFRA_HOME"
  write_state docker "$dh" "${DOCKER_IMAGES[postgres]}" "${DOCKER_IMAGES[rabbitmq]}" "${DOCKER_IMAGES[redis]}"
}

# ---------------------------------------------------------------- podman --

apt_lists_present() {
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

apt_install() {
  local -a opts=(-y --no-install-recommends -o DPkg::Lock::Timeout=900
    -o "Dir::Cache::Archives=$INFRA_HOME/apt-cache")
  mkdir -p "$INFRA_HOME/apt-cache/partial" "$LOG_DIR"
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    # package scripts must not start services (removed again right after the install)
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    CLEANUPS+=("rm -f /usr/sbin/policy-rc.d")
  fi
  local alog="$LOG_DIR/apt.log"
  log "apt-get install $* (log: $alog)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt_lists_present || ! apt-get install "${opts[@]}" "$@" >>"$alog" 2>&1; then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=900 update >>"$alog" 2>&1 || { tail -n 20 "$alog" >&2; die "apt-get update failed"; }
    apt-get install "${opts[@]}" "$@" >>"$alog" 2>&1 || { tail -n 30 "$alog" >&2; die "apt-get install $* failed"; }
  fi
  rm -f "$INFRA_HOME"/apt-cache/*.deb "$INFRA_HOME"/apt-cache/partial/*.deb
  if ((own_policy)); then rm -f /usr/sbin/policy-rc.d; fi
}

ensure_packages() {
  local -a missing=()
  command -v podman >/dev/null 2>&1 || missing+=(podman)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v flock >/dev/null 2>&1 || missing+=(util-linux)
  command -v ss >/dev/null 2>&1 || missing+=(iproute2) # scripts/run.sh: which port block is free
  if ((${#missing[@]})); then
    [[ $(id -u) == 0 ]] || die "need root to install ${missing[*]} (or provide a Docker engine)"
    apt_install "${missing[@]}"
  fi
}

write_podman_config() {
  mkdir -p "$INFRA_HOME"/{storage,run,tmp,networks} "$LOG_DIR"
  local nofile
  nofile="$(ulimit -Hn)"
  [[ $nofile == unlimited ]] && nofile=1048576
  # Rewritten only when different: podman refuses a database whose paths changed,
  # and an unchanged mtime keeps a re-run cheap.
  write_if_changed "$INFRA_HOME/containers.conf" <<EOF
# generated by scripts/infra.sh - do not edit
[containers]
# without this every container fails with "setrlimit RLIMIT_NOFILE: Operation not
# permitted" on this kind of machine; nproc >= 65536 fails as well.
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]

[engine]
# crun refuses hybrid cgroup v1/v2 hosts
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$INFRA_HOME/tmp"

[network]
network_config_dir = "$INFRA_HOME/networks"
EOF
  write_if_changed "$INFRA_HOME/storage.conf" <<EOF
# generated by scripts/infra.sh - do not edit
[storage]
driver = "overlay"
graphroot = "$INFRA_HOME/storage"
runroot = "$INFRA_HOME/run"
EOF
}

write_if_changed() {
  local target=$1 tmp
  tmp="$(mktemp "$target.XXXXXX")"
  cat >"$tmp"
  chmod 644 "$tmp"
  if [[ -f $target ]] && cmp -s "$tmp" "$target"; then
    rm -f "$tmp"
    chmod 644 "$target"
  else
    mv -f "$tmp" "$target"
  fi
}

# runroot and tmp_dir hold per-boot state (podman expects them on a tmpfs, but
# here /run is on disk): start them afresh after a reboot.
reset_after_reboot() {
  local boot_id=""
  [[ -r /proc/sys/kernel/random/boot_id ]] && boot_id="$(</proc/sys/kernel/random/boot_id)"
  local f="$INFRA_HOME/boot_id"
  if [[ -f $f && $(<"$f") != "$boot_id" ]]; then
    log "machine rebooted since the last run: clearing podman's runtime state"
    rm -rf --one-file-system "$INFRA_HOME/run" "$INFRA_HOME/tmp"
    rm -f "$SOCK" "$SERVICE_PID_FILE"
    mkdir -p "$INFRA_HOME/run" "$INFRA_HOME/tmp"
  fi
  [[ -f $f && $(<"$f") == "$boot_id" ]] || printf '%s\n' "$boot_id" >"$f"
}

debian_mirror() {
  if [[ -n ${PARTNERMESH_DEBIAN_MIRROR:-} ]]; then
    printf '%s\n' "$PARTNERMESH_DEBIAN_MIRROR"
    return
  fi
  local f uri=""
  # deb822 sources: the first URIs of a stanza that is not the security archive
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    uri="$(awk '
      BEGIN { RS = ""; FS = "\n" }
      {
        u = ""; s = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { u = $i; sub(/^URIs:[ \t]*/, "", u); sub(/[ \t].*$/, "", u) }
          if ($i ~ /^Suites:/ && $i ~ /-security/) s = 1
        }
        if (u != "" && !s) { print u; exit }
      }' "$f")"
    [[ -n $uri ]] && break
  done
  if [[ -z $uri ]]; then
    uri="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($(i+1) !~ /-security/) { print $i; exit } else break } }')"
  fi
  uri="$(plain_mirror_uri "$uri")"
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}

# An http(s) URI that debootstrap and the images' apt can use, or nothing. apt's
# mirror+file:// (Debian 12's cloud images) becomes the first entry of its list.
plain_mirror_uri() {
  local uri=$1
  if [[ $uri == mirror+file://* ]]; then
    uri="$(awk '$1 ~ /^https?:\/\// { print $1; exit }' "${uri#mirror+file://}" 2>/dev/null || true)"
  fi
  if [[ $uri =~ ^https?:// ]]; then printf '%s\n' "$uri"; fi
}

# Do all deb822 sources of the host use plain http(s) URIs (usable inside an image)?
host_sources_portable() {
  compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null || return 1
  awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /^https?:\/\//) bad = 1 } END { exit bad }' \
    /etc/apt/sources.list.d/*.sources
}

unmount_under() {
  local dir=$1 m
  [[ -d $dir ]] || return 0
  # deepest first
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
}

build_base_image() {
  [[ $(id -u) == 0 ]] || die "building $BASE_IMAGE needs root"
  local mirror rootfs blog="$LOG_DIR/debootstrap.log"
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d "$INFRA_HOME/rootfs.XXXXXX")"
  CLEANUPS+=("unmount_under $(shquote "$rootfs"); rm -rf --one-file-system $(shquote "$rootfs")")
  # apt in the images needs CA certificates for https sources
  local -a include=()
  if [[ $mirror == https://* ]] || grep -qs 'https://' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; then
    include=(--include=ca-certificates)
  fi
  log "base image $BASE_IMAGE: debootstrap --variant=minbase ${include[*]} $BASE_SUITE from $mirror (log: $blog)"
  if ! debootstrap --variant=minbase "${include[@]}" "$BASE_SUITE" "$rootfs" "$mirror" >"$blog" 2>&1; then
    tail -n 30 "$blog" >&2
    die "debootstrap failed"
  fi
  unmount_under "$rootfs"

  # apt inside the images: the sources the host uses when it is the same release,
  # images kept small, and no service starts from package scripts.
  if [[ -r /etc/os-release ]] && grep -qx "VERSION_CODENAME=$BASE_SUITE" /etc/os-release && host_sources_portable; then
    rm -f "$rootfs/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/*.sources "$rootfs/etc/apt/sources.list.d/"
    if [[ -s /etc/apt/sources.list ]]; then cp /etc/apt/sources.list "$rootfs/etc/apt/sources.list"; fi
  else
    printf 'deb %s %s main\ndeb %s %s-updates main\n' "$mirror" "$BASE_SUITE" "$mirror" "$BASE_SUITE" \
      >"$rootfs/etc/apt/sources.list"
  fi
  cat >"$rootfs/etc/apt/apt.conf.d/90partnermesh" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
// the mirror may serve a dated snapshot whose Release files have expired
Acquire::Check-Valid-Until "false";
Acquire::Check-Date "false";
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/90partnermesh-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
  printf '#!/bin/sh\n# no services start inside image builds\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* "$rootfs"/debootstrap
  : >"$rootfs/etc/resolv.conf"
  printf '%s\n' "$BASE_SUITE" >"$rootfs/etc/hostname"

  log "base image $BASE_IMAGE: importing"
  tar --numeric-owner -C "$rootfs" -c . |
    podman import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' \
      - "$BASE_IMAGE" >>"$blog" 2>&1 || { tail -n 20 "$blog" >&2; die "podman import failed"; }
}

image_hash() {
  local dir=$1
  {
    printf 'recipe=%s base=%s\n' "$RECIPE_VERSION" "$BASE_IMAGE"
    (
      cd "$dir"
      find . -type f -print0 | LC_ALL=C sort -z |
        while IFS= read -r -d '' f; do printf '%s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"; done
    )
  } | sha256sum | cut -d' ' -f1
}

image_label() {
  podman image inspect --format "{{ index .Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

build_image() {
  local name=$1 img=$2 hash=$3 blog="$LOG_DIR/build-$1.log" t0=$SECONDS
  log "image $img: building from deploy/images/$name (log: $blog)"
  if ! podman build --network=host --layers=false --format=docker --pull=never \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --label "$HASH_LABEL=$hash" \
    -f "$IMAGES_DIR/$name/Containerfile" -t "$img" "$IMAGES_DIR/$name" >"$blog" 2>&1; then
    tail -n 40 "$blog" >&2
    die "building $img failed"
  fi
  log "image $img: built in $((SECONDS - t0)) s"
}

ensure_images() {
  local name img hash have base_checked=0 built=0
  for name in "${IMAGE_NAMES[@]}"; do
    img=${PODMAN_IMAGES[$name]}
    [[ -f $IMAGES_DIR/$name/Containerfile ]] || die "missing $IMAGES_DIR/$name/Containerfile"
    hash="$(image_hash "$IMAGES_DIR/$name")"
    have="$(image_label "$img")"
    if [[ $have == "$hash" ]]; then
      log "image $img: up to date"
      continue
    fi
    if ((!base_checked)); then
      base_checked=1
      if podman image exists "$BASE_IMAGE"; then
        log "base image $BASE_IMAGE: present"
      else
        build_base_image
      fi
    fi
    [[ -n $have ]] && log "image $img: build files changed"
    build_image "$name" "$img" "$hash"
    built=1
  done
  if ((built)); then
    # previous versions of rebuilt images (untagged, unused)
    podman image prune -f >/dev/null 2>&1 || true
  fi
}

socket_answers() {
  [[ -S $SOCK ]] && [[ "$(curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping 2>/dev/null)" == OK ]]
}

ensure_service() {
  if socket_answers; then
    log "API socket $SOCK: answering"
    return
  fi
  local pid
  if [[ -f $SERVICE_PID_FILE ]]; then
    pid="$(<"$SERVICE_PID_FILE")"
    # only the service this script started (and which no longer answers)
    if [[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF "system service --time=0 unix://$SOCK"; then
      log "API service (pid $pid) does not answer: stopping it"
      kill "$pid" 2>/dev/null || true
      sleep 1
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$SERVICE_PID_FILE"
  fi
  rm -f "$SOCK"
  log "API socket $SOCK: starting podman system service (log: $SERVICE_LOG)"
  (
    cd /
    # 9>&-: the service must not inherit (and hold) the ensure lock
    setsid nohup podman system service --time=0 "unix://$SOCK" </dev/null >>"$SERVICE_LOG" 2>&1 9>&- &
    echo $! >"$SERVICE_PID_FILE"
  )
  local i
  for ((i = 0; i < 300; i++)); do
    if socket_answers; then
      log "API socket $SOCK: answering"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$SERVICE_LOG" >&2
  die "podman system service did not answer on $SOCK"
}

ensure_podman() {
  ensure_packages
  mkdir -p "$INFRA_HOME"
  write_podman_config
  podman_env
  reset_after_reboot
  log "engine: podman (state in $INFRA_HOME)"
  ensure_images
  ensure_service
  write_state podman "unix://$SOCK" "${PODMAN_IMAGES[postgres]}" "${PODMAN_IMAGES[rabbitmq]}" "${PODMAN_IMAGES[redis]}"
}

# ----------------------------------------------------------------- state --

write_state() {
  local engine=$1 docker_host=$2 pg=$3 rmq=$4 redis=$5
  write_if_changed "$STATE_FILE" <<EOF
# written by scripts/infra.sh ensure - read by scripts/infra.sh env
ENGINE=$(shquote "$engine")
DOCKER_HOST_VALUE=$(shquote "$docker_host")
POSTGRES_IMAGE=$(shquote "$pg")
RABBITMQ_IMAGE=$(shquote "$rmq")
REDIS_IMAGE=$(shquote "$redis")
CONTAINERS_CONF_VALUE=$(shquote "$INFRA_HOME/containers.conf")
CONTAINERS_STORAGE_CONF_VALUE=$(shquote "$INFRA_HOME/storage.conf")
EOF
}

read_state() {
  [[ -r $STATE_FILE ]] || return 1
  ENGINE="" DOCKER_HOST_VALUE="" POSTGRES_IMAGE="" RABBITMQ_IMAGE="" REDIS_IMAGE=""
  CONTAINERS_CONF_VALUE="" CONTAINERS_STORAGE_CONF_VALUE=""
  # shellcheck disable=SC1090
  source "$STATE_FILE"
}

# -------------------------------------------------------------- commands --

cmd_ensure() {
  mkdir -p "$INFRA_HOME" 2>/dev/null || true
  local t0=${EPOCHREALTIME/,/.}
  if [[ -w $INFRA_HOME ]]; then
    exec 9>>"$INFRA_HOME/ensure.lock"
    if ! flock -n 9; then
      log "another 'infra.sh ensure' is running: waiting for it"
      flock -w 3600 9 || die "timed out waiting for $INFRA_HOME/ensure.lock"
    fi
  fi
  case "${PARTNERMESH_CONTAINER_ENGINE:-auto}" in
    docker)
      docker_engine_answers || die "PARTNERMESH_CONTAINER_ENGINE=docker but no Docker engine answers"
      ensure_docker ;;
    podman) ensure_podman ;;
    auto)
      if docker_engine_answers; then ensure_docker; else ensure_podman; fi ;;
    *) die "PARTNERMESH_CONTAINER_ENGINE must be auto, docker or podman" ;;
  esac
  log "ready in $(awk -v a="$t0" -v b="${EPOCHREALTIME/,/.}" 'BEGIN { printf "%.1f", b - a }') s"
}

cmd_env() {
  read_state || die "no state in $STATE_FILE: run 'scripts/infra.sh ensure' first"
  local q
  case "$ENGINE" in
    podman)
      echo "export DOCKER_HOST=$(shquote "$DOCKER_HOST_VALUE")"
      echo "export TESTCONTAINERS_RYUK_DISABLED='true'"
      echo "export CONTAINERS_CONF=$(shquote "$CONTAINERS_CONF_VALUE")"
      echo "export CONTAINERS_STORAGE_CONF=$(shquote "$CONTAINERS_STORAGE_CONF_VALUE")"
      echo "export ASPIRE_CONTAINER_RUNTIME='podman'" # the Aspire AppHost's orchestrator (DCP) drives podman
      ;;
    docker)
      if [[ -n $DOCKER_HOST_VALUE ]]; then
        echo "export DOCKER_HOST=$(shquote "$DOCKER_HOST_VALUE")"
      elif [[ ${DOCKER_HOST:-} == "unix://$SOCK" ]]; then
        echo "unset DOCKER_HOST"
      fi
      echo "unset TESTCONTAINERS_RYUK_DISABLED CONTAINERS_CONF CONTAINERS_STORAGE_CONF ASPIRE_CONTAINER_RUNTIME"
      ;;
    *) die "unknown engine '$ENGINE' in $STATE_FILE" ;;
  esac
  for q in "PARTNERMESH_INFRA_HOME=$INFRA_HOME" "PARTNERMESH_CONTAINER_CLI=$ENGINE" "PARTNERMESH_POSTGRES_IMAGE=$POSTGRES_IMAGE" \
    "PARTNERMESH_RABBITMQ_IMAGE=$RABBITMQ_IMAGE" "PARTNERMESH_REDIS_IMAGE=$REDIS_IMAGE"; do
    echo "export ${q%%=*}=$(shquote "${q#*=}")"
  done
}

cmd_status() {
  echo "state folder: $INFRA_HOME"
  if ! read_state; then
    echo "engine:       (none yet: run 'scripts/infra.sh ensure')"
    return 0
  fi
  echo "engine:       $ENGINE"
  local img name
  if [[ $ENGINE == podman ]]; then
    podman_env
    if ! command -v podman >/dev/null 2>&1; then
      echo "podman:       NOT INSTALLED (run ensure)"
      return 0
    fi
    echo "podman:       $(podman --version 2>/dev/null)"
    for name in "${IMAGE_NAMES[@]}"; do
      img=${PODMAN_IMAGES[$name]}
      if podman image exists "$img"; then
        local want have state
        want="$(image_hash "$IMAGES_DIR/$name")"
        have="$(image_label "$img")"
        if [[ $want == "$have" ]]; then state="up to date"; else state="STALE (build files changed: run ensure)"; fi
        printf 'image:        %-38s %s, %s\n' "$img" \
          "$(podman image inspect --format '{{.Size}}' "$img" | awk '{ printf "%.0f MB", $1 / 1e6 }')" "$state"
      else
        printf 'image:        %-38s MISSING (run ensure)\n' "$img"
      fi
    done
    if socket_answers; then
      echo "API socket:   $SOCK answering (pid $(cat "$SERVICE_PID_FILE" 2>/dev/null || echo '?'))"
    else
      echo "API socket:   $SOCK NOT answering (run ensure)"
    fi
    echo "containers:   $(podman ps -q | wc -l) running, $(podman ps -aq | wc -l) in all," \
      "$(podman ps -aq --filter label=org.testcontainers=true | wc -l) from Testcontainers"
  else
    echo "DOCKER_HOST:  ${DOCKER_HOST_VALUE:-(default)}"
    for img in "$POSTGRES_IMAGE" "$RABBITMQ_IMAGE" "$REDIS_IMAGE"; do
      if docker image inspect "$img" >/dev/null 2>&1; then
        printf 'image:        %s present\n' "$img"
      else
        printf 'image:        %s MISSING (run ensure)\n' "$img"
      fi
    done
  fi
}

# CNI's port-forward rules (iptables nat) outlive their container when its network was removed first, which is how
# DCP ends an Aspire session. A stale rule still rewrites connections to its host port towards a container address
# that is gone: whatever listens on that port later (any ephemeral port, e.g. a test's Kestrel on 127.0.0.1) never
# sees them, and its clients hang until they time out. Removes every rule whose container no longer exists, with
# the chain it jumps to, and the address reservations of session networks that no longer exist.
prune_stale_port_forwards() {
  command -v iptables >/dev/null 2>&1 || return 0
  local chain rule id target removed=0
  for chain in CNI-HOSTPORT-DNAT POSTROUTING; do
    while IFS= read -r rule; do
      id=$(grep -oE 'id: .?"[0-9a-f]{64}' <<<"$rule" | grep -oE '[0-9a-f]{64}') || continue
      # checked per rule, not from one listing: a container started meanwhile exists before its rules do
      podman container exists "$id" 2>/dev/null && continue
      target=$(sed -n 's/.* -j \(CNI-[^ ]*\).*/\1/p' <<<"$rule")
      eval "iptables -t nat ${rule/#-A /-D }" 2>/dev/null || continue
      removed=$((removed + 1))
      if [[ -n $target && $target != CNI-HOSTPORT-* ]]; then
        iptables -t nat -F "$target" 2>/dev/null && iptables -t nat -X "$target" 2>/dev/null || true
      fi
    done < <(iptables -t nat -S "$chain" 2>/dev/null)
  done
  local networks dir
  networks=" $(podman network ls --format '{{.Name}}' 2>/dev/null | tr '\n' ' ') "
  for dir in /var/lib/cni/networks/aspire-session-network-*; do
    [[ -d $dir && $networks != *" ${dir##*/} "* ]] && rm -rf "$dir"
  done
  ((removed == 0)) || log "removed $removed stale port-forward rule(s) of containers that no longer exist"
}

container_process_alive() {
  local pid
  pid="$(podman inspect --format '{{.State.Pid}}' "$1" 2>/dev/null)" || return 1
  [[ $pid =~ ^[1-9][0-9]*$ ]] && kill -0 "$pid" 2>/dev/null
}

cmd_prune_test_containers() {
  if ! read_state || [[ $ENGINE != podman ]]; then
    log "engine is not podman: nothing to do (Ryuk cleans up on Docker)"
    return 0
  fi
  podman_env
  local now id state created removed=0
  now="$(date +%s)"
  # .State is podman's status text: "Up 5 minutes", "Exited (0) 2 hours ago", "Created", ...
  while read -r id created state; do
    [[ -n $id && $created =~ ^[0-9]+$ ]] || continue
    local age=$((now - created)) stale=0
    case "$state" in
      # "Up" with no process behind it: the engine's service restarted (a reboot) and its state outlived the container
      Up* | Paused*) ((age > 3600)) || ! container_process_alive "$id" && stale=1 ;;
      # just created by a test that is about to start it
      Created* | Initialized* | Configured*) ((age > 300)) && stale=1 ;;
      *) stale=1 ;;
    esac
    if ((stale)); then
      if podman rm -f -v "$id" >/dev/null 2>&1; then
        removed=$((removed + 1))
      fi
    fi
  done < <(podman ps -a --filter label=org.testcontainers=true --format '{{.ID}} {{.Created.Unix}} {{.State}}')
  # Containers of an Aspire session (DCP) whose AppHost is gone: DCP removes them when it shuts down cleanly, but a
  # killed test host leaves them behind, still holding their host ports. The label carries the creator's process id.
  local creator
  while read -r id creator; do
    [[ -n $id && $creator =~ ^[0-9]+$ ]] || continue
    kill -0 "$creator" 2>/dev/null && continue
    if podman rm -f -v "$id" >/dev/null 2>&1; then
      removed=$((removed + 1))
    fi
  done < <(podman ps -a --filter label=com.microsoft.developer.usvc-dev.persistent=false \
    --format '{{.ID}} {{index .Labels "com.microsoft.developer.usvc-dev.creatorProcessId"}}')
  # networks and volumes Testcontainers created and no container uses any more
  podman network prune -f --filter label=org.testcontainers=true >/dev/null 2>&1 || true
  podman volume prune -f --filter label=org.testcontainers=true >/dev/null 2>&1 || true
  # data volumes of end-to-end AppHost runs that ended without cleaning up (a volume still in use is refused)
  local volume
  for volume in $(podman volume ls -q --filter name=partnermesh-e2e- 2>/dev/null); do
    podman volume rm "$volume" >/dev/null 2>&1 || true
  done
  log "removed $removed leftover Testcontainers or Aspire session container(s)"
  prune_stale_port_forwards
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  env) cmd_env ;;
  status) cmd_status ;;
  prune-test-containers) cmd_prune_test_containers ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
