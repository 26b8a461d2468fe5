#!/usr/bin/env bash
# The k2mc test environment: a local Docker engine (host networking only) and a Kafka-protocol
# mock broker. See DEVELOPERS.md.
#
#   bash scripts/test-env.sh install         apt-get the packages if any is missing
#   bash scripts/test-env.sh up              install, engine, test image, mock broker
#   bash scripts/test-env.sh down            remove test containers, stop broker (and our dockerd)
#   bash scripts/test-env.sh broker-restart  kill the broker, start a new one (new address)
#   bash scripts/test-env.sh status          what is running
#
# State lives in .test-env/ (gitignored):
#   broker          the broker address, 127.0.0.1:PORT
#   broker.pid      the broker process id
#   broker.log      the broker's stderr
#   dockerd.pid     only when this script started dockerd
#   dockerd.log     dockerd's output when this script started it
#
# Environment:
#   K2MC_BROKER_TOPICS   topics the broker creates, "name:partitions ..." (default: the K2 topics)
#   DOCKER_HOST          a unix:// socket to use/start instead of /var/run/docker.sock
#   K2MC_DOCKERD_ARGS    extra dockerd arguments (e.g. --data-root, --exec-root, --pidfile for a
#                        second, private engine); never add networking, the engine must stay
#                        bridge-less.
#
# Network rule: everything stays on 127.0.0.1. dockerd runs with --bridge=none and no iptables, and
# containers must run with --network host. Never create docker0 or any other network.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.test-env"
PY=/usr/bin/python3
IMAGE=k2mc-test/busybox
# Bump when the image contents change: `up` rebuilds an image whose label differs.
IMAGE_VERSION=2
APPLETS=(sh httpd wget sleep nc cat echo ls kill mkdir printf true false test '[' rm ps env date
  hostname id head tail grep sed awk wc cut tr touch mv cp ln pwd uname timeout)
PACKAGES=(docker.io busybox-static python3-confluent-kafka tmux)
TEST_LABEL=k2mc.test=1
DOCKER_WAIT_S=30
BROKER_WAIT_S=20
DEFAULT_TOPICS="market.crypto.trades.binance:4 market.crypto.quotes.binance:2 market.crypto.reference_data.binance:1"
BROKER_TOPICS="${K2MC_BROKER_TOPICS-$DEFAULT_TOPICS}"

log() { printf '[test-env] %s\n' "$*"; }
warn() { printf '[test-env] warning: %s\n' "$*" >&2; }
die() { printf '[test-env] error: %s\n' "$*" >&2; exit 1; }

docker_sock() {
  local host="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$host" in
    unix://*) printf '%s\n' "${host#unix://}" ;;
    *) die "DOCKER_HOST=$host: only unix:// sockets are supported here" ;;
  esac
}

# True when the engine answers.
engine_up() { timeout 10 docker info >/dev/null 2>&1; }

# True when process $1 exists and is not a zombie (a detached process that exited stays a zombie
# until pid 1 reaps it, which may take a while in a container).
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null || true)"
  [[ "$state" != Z ]]
}

# The command name of a process (empty if gone).
pid_comm() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Wait until pid $1 exits, at most $2 seconds; SIGKILL after that.
wait_exit() {
  local pid="$1" limit="$2" i
  for ((i = 0; i < limit * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  warn "process $pid did not exit within ${limit}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

# ---------------------------------------------------------------------------------------------
# install

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
      printf '%s\n' "$p"
  done
}

cmd_install() {
  local missing
  missing="$(missing_packages)"
  if [[ -z "$missing" ]]; then
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "missing packages: $(echo $missing); run as root (apt-get install)"
  command -v apt-get >/dev/null || die "missing packages: $(echo $missing), and no apt-get here"
  log "installing: $(echo $missing)"
  # Never let the docker.io package start a default dockerd (it would create the docker0 bridge):
  # a policy-rc.d that refuses every service start, for the time of the install.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l NEEDRESTART_SUSPEND=1 \
        apt-get install -y -qq -o Dpkg::Use-Pty=0 "${PACKAGES[@]}"
  } >"${TMPDIR:-/tmp}/k2mc-test-env-apt.log" 2>&1 || rc=$?
  if ((made_policy)); then rm -f "$policy"; fi
  if ((rc != 0)); then
    tail -n 30 "${TMPDIR:-/tmp}/k2mc-test-env-apt.log" >&2 || true
    die "apt-get failed (exit $rc); full log: ${TMPDIR:-/tmp}/k2mc-test-env-apt.log"
  fi
  missing="$(missing_packages)"
  [[ -z "$missing" ]] || die "still missing after apt-get install: $(echo $missing)"
  log "packages installed"
}

check_tools() {
  command -v docker >/dev/null || die "docker CLI not found (package docker.io)"
  command -v dockerd >/dev/null || die "dockerd not found (package docker.io)"
  command -v busybox >/dev/null || die "busybox not found (package busybox-static)"
  [[ -x "$PY" ]] || die "$PY not found (the broker needs Debian's python3)"
  "$PY" -c 'import confluent_kafka' 2>/dev/null ||
    die "$PY cannot import confluent_kafka (apt-get install python3-confluent-kafka)"
}

# ---------------------------------------------------------------------------------------------
# Docker engine

clear_stale_pidfile() {
  local file="$1" comm="$2" pid
  [[ -f "$file" ]] || return 0
  pid="$(tr -dc '0-9' <"$file" 2>/dev/null || true)"
  if [[ -z "$pid" ]] || ! pid_alive "$pid" || [[ "$(pid_comm "$pid")" != "$comm" ]]; then
    log "removing stale $file"
    rm -f "$file"
  fi
}

start_engine() {
  if engine_up; then
    return 0
  fi
  local sock
  sock="$(docker_sock)"
  # An engine that is running but not answering yet (starting): give it the same time.
  local existing=""
  existing="$(pgrep -x dockerd || true)"
  if [[ -n "$existing" && "$sock" == /var/run/docker.sock && -z "${K2MC_DOCKERD_ARGS:-}" ]]; then
    log "dockerd is running (pid $(echo $existing)) but not answering yet; waiting up to ${DOCKER_WAIT_S}s"
    local i
    for ((i = 0; i < DOCKER_WAIT_S * 2; i++)); do
      engine_up && return 0
      sleep 0.5
    done
    die "dockerd (pid $(echo $existing)) does not answer on $sock; stop it or check its log"
  fi

  [[ "$(id -u)" == 0 ]] || die "no Docker engine answers and starting dockerd needs root"
  if [[ -z "${K2MC_DOCKERD_ARGS:-}" ]]; then
    # Pid files left by an engine that was killed (e.g. the end of a session) make dockerd refuse
    # to start, or wait for a "containerd" that is really another process: drop stale ones.
    clear_stale_pidfile /var/run/docker.pid dockerd
    clear_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
  fi
  log "starting dockerd (no bridge, no iptables) on unix://$sock"
  # shellcheck disable=SC2206
  local extra=(${K2MC_DOCKERD_ARGS:-})
  setsid nohup dockerd --host "unix://$sock" --bridge=none --iptables=false --ip-masq=false \
    "${extra[@]}" >>"$STATE/dockerd.log" 2>&1 </dev/null &
  local pid=$!
  # setsid execs in place here (we are not a process-group leader), so $! is dockerd itself.
  if [[ "$(pid_comm "$pid")" != dockerd ]]; then
    sleep 0.3
    local child
    child="$(pgrep -x -P "$pid" dockerd || true)"
    [[ -n "$child" ]] && pid="$child"
  fi
  echo "$pid" >"$STATE/dockerd.pid"
  local i t0=$SECONDS
  for ((i = 0; i < DOCKER_WAIT_S * 2; i++)); do
    if engine_up; then
      log "dockerd up (pid $pid) after $((SECONDS - t0))s"
      return 0
    fi
    if ! pid_alive "$pid"; then
      rm -f "$STATE/dockerd.pid"
      tail -n 20 "$STATE/dockerd.log" >&2 || true
      die "dockerd exited during start-up; log: $STATE/dockerd.log"
    fi
    sleep 0.5
  done
  tail -n 20 "$STATE/dockerd.log" >&2 || true
  die "dockerd (pid $pid) did not answer within ${DOCKER_WAIT_S}s; log: $STATE/dockerd.log"
}

stop_engine() {
  local pidfile="$STATE/dockerd.pid"
  if [[ ! -f "$pidfile" ]]; then
    log "dockerd was not started by this script: left running"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  if pid_alive "$pid" && [[ "$(pid_comm "$pid")" == dockerd ]]; then
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    wait_exit "$pid" 30
  else
    log "dockerd (pid $pid) already gone"
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------------------------------------
# test image

image_current() {
  local v
  v="$(docker image inspect --format '{{index .Config.Labels "k2mc.test.image"}}' "$IMAGE" 2>/dev/null)" ||
    return 1
  [[ "$v" == "$IMAGE_VERSION" ]]
}

build_image() {
  if image_current; then
    return 0
  fi
  local bb tmp a
  bb="$(command -v busybox)"
  tmp="$(mktemp -d)"
  mkdir -p "$tmp/bin" "$tmp/www" "$tmp/tmp"
  cp "$bb" "$tmp/bin/busybox"
  for a in "${APPLETS[@]}"; do
    ln -s busybox "$tmp/bin/$a"
  done
  log "building image $IMAGE (busybox, version $IMAGE_VERSION)"
  if ! tar -C "$tmp" -c . | docker import \
    -c 'ENV PATH=/bin' -c "LABEL k2mc.test.image=$IMAGE_VERSION" - "$IMAGE" >/dev/null; then
    rm -rf "$tmp"
    die "docker import of $IMAGE failed"
  fi
  rm -rf "$tmp"
}

remove_test_containers() {
  local ids
  ids="$(docker ps -aq --filter "label=$TEST_LABEL")" || die "docker ps failed"
  if [[ -n "$ids" ]]; then
    log "removing $(echo "$ids" | wc -l) container(s) labelled $TEST_LABEL"
    # shellcheck disable=SC2086
    echo "$ids" | xargs -r -n 100 docker rm -f >/dev/null
  fi
}

# ---------------------------------------------------------------------------------------------
# mock broker

broker_pid() {
  local pid
  [[ -f "$STATE/broker.pid" ]] || return 1
  pid="$(cat "$STATE/broker.pid")"
  pid_alive "$pid" || return 1
  # Guard against a recycled pid: it must be our broker script.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'mock-broker.py' || return 1
  printf '%s\n' "$pid"
}

start_broker() {
  local pid
  if pid="$(broker_pid)" && [[ -s "$STATE/broker" ]]; then
    log "mock broker already running (pid $pid) at $(cat "$STATE/broker")"
    return 0
  fi
  rm -f "$STATE/broker" "$STATE/broker.pid" "$STATE/broker.out"
  # shellcheck disable=SC2086
  setsid nohup "$PY" "$ROOT/scripts/mock-broker.py" --pid-file "$STATE/broker.pid" $BROKER_TOPICS \
    >"$STATE/broker.out" 2>>"$STATE/broker.log" </dev/null &
  local launcher=$! i addr=""
  for ((i = 0; i < BROKER_WAIT_S * 10; i++)); do
    addr="$(head -n 1 "$STATE/broker.out" 2>/dev/null || true)"
    [[ -n "$addr" && -s "$STATE/broker.pid" ]] && break
    if ! pid_alive "$launcher"; then
      tail -n 20 "$STATE/broker.log" >&2 || true
      die "mock broker exited during start-up; log: $STATE/broker.log"
    fi
    sleep 0.1
  done
  [[ "$addr" =~ ^127\.0\.0\.1:[0-9]+$ ]] ||
    die "mock broker did not print its address within ${BROKER_WAIT_S}s (got '${addr}'); log: $STATE/broker.log"
  # Write the address atomically: tests may be polling the file.
  printf '%s\n' "$addr" >"$STATE/broker.tmp"
  mv -f "$STATE/broker.tmp" "$STATE/broker"
  log "mock broker up (pid $(cat "$STATE/broker.pid")) at $addr"
}

stop_broker() {
  local pid
  if pid="$(broker_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_exit "$pid" 10
    log "mock broker stopped (pid $pid)"
  fi
  rm -f "$STATE/broker" "$STATE/broker.pid" "$STATE/broker.out"
}

# ---------------------------------------------------------------------------------------------
# subcommands

cmd_up() {
  local t0=$SECONDS
  mkdir -p "$STATE"
  cmd_install
  check_tools
  start_engine
  build_image
  remove_test_containers
  start_broker
  local version
  version="$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
  log "ready in $((SECONDS - t0))s: Docker engine $version ($(docker_sock)), image $IMAGE," \
    "broker $(cat "$STATE/broker") (address in .test-env/broker)"
}

cmd_down() {
  mkdir -p "$STATE"
  if engine_up; then
    remove_test_containers
  else
    warn "no Docker engine answers: no containers to remove"
  fi
  stop_broker
  stop_engine
  log "down"
}

cmd_broker_restart() {
  mkdir -p "$STATE"
  [[ -x "$PY" ]] || die "$PY not found (the broker needs Debian's python3)"
  local old=""
  [[ -f "$STATE/broker" ]] && old="$(cat "$STATE/broker")"
  stop_broker
  start_broker
  log "broker restarted: ${old:-none} -> $(cat "$STATE/broker")"
}

cmd_status() {
  if engine_up; then
    log "engine: $(docker version --format '{{.Server.Version}}') on $(docker_sock)$([[ -f "$STATE/dockerd.pid" ]] && echo " (started by us, pid $(cat "$STATE/dockerd.pid"))")"
    log "test containers: $(docker ps -aq --filter "label=$TEST_LABEL" | wc -l)"
  else
    log "engine: not answering"
  fi
  local pid
  if pid="$(broker_pid)"; then
    log "broker: $(cat "$STATE/broker" 2>/dev/null) (pid $pid)"
  else
    log "broker: not running"
  fi
}

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    install) cmd_install; check_tools ;;
    up) cmd_up ;;
    down) cmd_down ;;
    broker-restart) cmd_broker_restart ;;
    status) cmd_status ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) printf '[test-env] error: unknown subcommand %s\n' "$cmd" >&2; usage >&2; exit 2 ;;
  esac
}

main "$@"
