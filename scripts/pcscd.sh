#!/usr/bin/env bash
# Starts or stops pcscd for the card tests: its vpcd driver (vsmartcard-vpcd) gives the
# virtual readers `Virtual PCD 00 00` (TCP 35963) and `… 00 01` (35964) that
# `motcua card virtual` puts a card into. No systemd needed.
#
# Usage: scripts/pcscd.sh start   start pcscd (foreground mode, in the background) and
#                                 wait until vpcd listens; a pcscd already running is
#                                 used as it is (and left running by stop)
#        scripts/pcscd.sh stop    stop the pcscd this script started, by its PID
#        scripts/pcscd.sh status  say whether vpcd is listening
#
# Only one pcscd can run on a machine, so the card tests run one at a time.
# MOTCUA_PCSCD_DIR sets where the PID file and the log go (default: a folder in /tmp).
set -euo pipefail

dir="${MOTCUA_PCSCD_DIR:-${TMPDIR:-/tmp}/motcua-pcscd}"
pid_file="$dir/pcscd.pid"
log_file="$dir/pcscd.log"
port_hex="8C7B" # 35963
timeout_s=20

# vpcd listens on 35963: a socket in state 0A (LISTEN) in /proc/net/tcp{,6}. Never
# probed with a connection: vpcd takes any client for a card.
listening() {
  awk -v port=":$port_hex" '$2 ~ port"$" && $4 == "0A" { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# A process that runs (not a zombie).
alive() {
  local state
  state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null || true)"
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# The PID file names a live pcscd (or the sudo that runs it): not a reused PID.
ours() {
  [ -f "$pid_file" ] || return 1
  local pid comm
  pid="$(cat "$pid_file")"
  alive "$pid" || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  [ "$comm" = pcscd ] || [ "$comm" = sudo ]
}

# The PID of a pcscd running that this script did not start, if any.
other_pcscd() {
  local comm pid
  for comm in /proc/[0-9]*/comm; do
    [ "$(cat "$comm" 2>/dev/null || true)" = pcscd ] || continue
    pid="${comm#/proc/}"
    pid="${pid%/comm}"
    if alive "$pid"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
fi

start() {
  if [ -f "$pid_file" ] && ! ours; then rm -f "$pid_file"; fi
  if ours; then
    echo "motcua: pcscd already started by this script (PID $(cat "$pid_file"))"
  elif other="$(other_pcscd)"; then
    echo "motcua: using the pcscd already running (PID $other); it will be left running"
  else
    if ! command -v pcscd >/dev/null 2>&1; then
      echo "motcua: pcscd is not installed: bash scripts/deps.sh --test" >&2
      exit 1
    fi
    if [ ! -e /etc/reader.conf.d/vpcd ]; then
      echo "motcua: the vpcd driver is not installed: bash scripts/deps.sh --test" >&2
      exit 1
    fi
    mkdir -p "$dir"
    $sudo mkdir -p /run/pcscd
    # -f: foreground (no daemon fork), so $! is pcscd's own PID; -a: log APDUs.
    $sudo pcscd -f -a </dev/null >"$log_file" 2>&1 &
    echo $! >"$pid_file"
    echo "motcua: started pcscd (PID $(cat "$pid_file"), log $log_file)"
  fi
  local waited=0
  until listening; do
    if [ -f "$pid_file" ] && ! ours; then
      echo "motcua: pcscd exited at start; its log ($log_file):" >&2
      tail -n 20 "$log_file" >&2 || true
      rm -f "$pid_file"
      exit 1
    fi
    if [ "$waited" -ge $((timeout_s * 10)) ]; then
      echo "motcua: vpcd is not listening on port 35963 after ${timeout_s}s (is vsmartcard-vpcd installed, and pcscd's log clean? $log_file)" >&2
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "motcua: vpcd is listening on port 35963"
}

stop() {
  if ! [ -f "$pid_file" ]; then
    echo "motcua: no pcscd started by this script"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  if ours; then
    $sudo kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      $sudo kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "motcua: stopped pcscd (PID $pid)"
  fi
  rm -f "$pid_file"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if listening; then echo "motcua: vpcd is listening on port 35963"; else
      echo "motcua: vpcd is not listening"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
