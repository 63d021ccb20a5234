#!/usr/bin/env bash
# deploy/rolling-restart.sh PORT...: restarts the instances one at a time (a new
# release, new settings) behind the proxy, so users see no failed request: each
# one stops gracefully (/ready turns 503, the proxy's health check takes it out
# during the drain, the requests under way finish), starts again, and the next
# waits until it answers /ready and the proxy has had time to take it back.
#   RESTART  the command that restarts one instance, given its port
#            (default: systemctl restart orgdeck@PORT; deploy/instance.sh restart
#            where there is no systemd)
#   SETTLE   seconds to wait after an instance is ready (default 3: the proxy's
#            health checks, every second, see it)
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PORT..." >&2; exit 2; }
restart_one() {
  if [ -n "${RESTART:-}" ]; then $RESTART "$1"; else systemctl restart "orgdeck@$1"; fi
}
for port in "$@"; do
  started=$(date +%s%3N)
  restart_one "$port"
  ready=""
  for _ in $(seq 1 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/ready"; then ready=yes; break; fi
    sleep 0.1
  done
  [ -n "$ready" ] || { echo "rolling-restart: the instance on $port is not ready after 60 s: stopping here (the others are untouched)" >&2; exit 1; }
  echo "rolling-restart: $port ready again after $(($(date +%s%3N) - started)) ms"
  sleep "${SETTLE:-3}"
done
