#!/usr/bin/env bash
# Make sure a Docker engine answers: install Debian's docker.io and start dockerd when none does.
set -euo pipefail
engine_answers() {
  if command -v docker >/dev/null 2>&1; then docker info >/dev/null 2>&1
  else curl -sf --unix-socket /var/run/docker.sock http://localhost/_ping >/dev/null 2>&1; fi
}
if engine_answers; then echo "docker engine: answering"; exit 0; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "docker engine: installing docker.io (Debian package)"
  [ "$(id -u)" = 0 ] || { echo "error: installing the Docker engine needs root; run as root or install docker.io yourself" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
echo "docker engine: starting dockerd (log: /var/log/repowright-dockerd.log)"
setsid nohup dockerd >/var/log/repowright-dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if engine_answers; then echo "docker engine: answering"; exit 0; fi
  sleep 1
done
echo "error: dockerd did not answer within 60 s; see /var/log/repowright-dockerd.log" >&2
exit 1
