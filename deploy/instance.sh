#!/usr/bin/env bash
# deploy/instance.sh start|stop|restart PORT: one Orgdeck instance, run as the
# systemd unit runs it (orgdeck@.service: the environment file, the port, SIGTERM
# and a wait to stop), for a machine without systemd, and for tests/deploy.rs.
#   ORGDECK_DIR  the release folder (default /opt/orgdeck)
#   ORGDECK_ENV  the environment file (default /etc/orgdeck/orgdeck.env)
#   RUN_DIR      pid files and logs (default $ORGDECK_DIR/run)
#   STOP_SECONDS how long a stop may take before the process is killed (default 20,
#                as the unit's TimeoutStopSec)
set -euo pipefail
usage() { echo "usage: $0 start|stop|restart PORT" >&2; exit 2; }
[ $# -eq 2 ] || usage
command=$1 port=$2
dir=${ORGDECK_DIR:-/opt/orgdeck}
envfile=${ORGDECK_ENV:-/etc/orgdeck/orgdeck.env}
run=${RUN_DIR:-$dir/run}
pidfile=$run/orgdeck-$port.pid

start() {
  mkdir -p "$run"
  [ -r "$envfile" ] || { echo "instance: $envfile is not readable: copy orgdeck.env.example there and fill it in" >&2; exit 2; }
  (cd "$dir" && set -a && . "$envfile" && set +a && LEPTOS_SITE_ADDR=127.0.0.1:$port exec ./orgdeck) >>"$run/orgdeck-$port.log" 2>&1 &
  echo $! >"$pidfile"
}

# Running, and not a zombie nobody has reaped yet (a container's first process
# may not reap the orphans it inherits; `kill -0` alone would wait for the kill).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ ! -r "/proc/$1/status" ] || ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if kill -TERM "$pid" 2>/dev/null; then
    local waited=0
    while alive "$pid" && [ $waited -lt $((${STOP_SECONDS:-20} * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      kill -KILL "$pid" 2>/dev/null || true
      echo "instance $port: killed after ${STOP_SECONDS:-20} s" >&2
    fi
  fi
  rm -f "$pidfile"
}

case $command in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  *) usage ;;
esac
