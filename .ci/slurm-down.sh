#!/usr/bin/env bash
# Stop the daemons .ci/slurm-up.sh started, by the PIDs it recorded, and nothing
# else: a Slurm that ran before slurm-up.sh keeps running. Packages, config and
# logs stay, so the next slurm-up.sh starts in seconds.
set -uo pipefail

STATE=${DEEPARRANGE_SLURM_STATE:-/run/deeparrange-slurm}

# Whether PID $1 runs program $2: the PID may since belong to another program,
# and a zombie counts as stopped.
is() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ $stat == *"($2) "[!Z]* ]]
}

if [ ! -s "$STATE/pids" ]; then
    echo "slurm-down: nothing recorded in $STATE/pids; nothing to stop"
    exit 0
fi

# Jobs left on a cluster started here would be requeued at its next start.
read -r _ ctld < <(grep '^slurmctld ' "$STATE/pids" || true)
if [ -n "${ctld:-}" ] && is "$ctld" slurmctld; then
    timeout 10 scancel --state=PENDING,RUNNING 2>/dev/null || true
fi

# Newest first: slurmd, then slurmctld, then munged, which both of them need.
tac "$STATE/pids" | while read -r name pid; do
    is "$pid" "$name" || continue
    kill "$pid"
    for _ in $(seq 100); do
        is "$pid" "$name" || break
        sleep 0.1
    done
    if is "$pid" "$name"; then
        echo "slurm-down: $name ($pid) ignored SIGTERM for 10 s; sending SIGKILL" >&2
        kill -9 "$pid"
    fi
    echo "slurm-down: stopped $name ($pid)"
done
rm -f "$STATE/pids"
