#!/usr/bin/env bash
# Start a one-node Slurm 22.05 on localhost for tests (Debian 12, as root, no
# systemd): munged, slurmctld and slurmd on 127.0.0.1, one fake GPU, no slurmdbd.
# The PIDs of the daemons started here go to $STATE/pids for slurm-down.sh; a
# Slurm that already runs is used as it is and left alone.
#
# Environment: SLURM_CPUS, SLURM_MEM_MB (default: all CPUs, 85 % of the memory),
# SLURM_GPUS (fake GPUs, default 1), SLURM_UP_TIMEOUT (seconds, default 60).
set -euo pipefail

STATE=${DEEPARRANGE_SLURM_STATE:-/run/deeparrange-slurm}
MARK="# Written by DeepArrange .ci/slurm-up.sh"
CONF=/etc/slurm
start_ns=$(date +%s%N)

die() { echo "slurm-up: $*" >&2; exit 1; }

# A PID from a pid file counts only while that process runs the expected program.
running() {
    local pidfile=$1 name=$2 pid
    [ -s "$pidfile" ] || return 1
    pid=$(<"$pidfile")
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]
}

remember() { echo "$1 $(<"$2")" >>"$STATE/pids"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and starts daemons)"
mkdir -p "$STATE"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
    || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    command -v apt-get >/dev/null || die "apt-get not found; install Slurm 22.05 by hand"
    # Without systemd, package scripts would start the daemons themselves; a
    # policy-rc.d that answers 101 stops that, so only this script starts them.
    own_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        own_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
    [ "$own_policy" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
fi

# munge authenticates every Slurm message; the package makes a key, but not always.
if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    head -c 1024 /dev/urandom >/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
fi
install -d -o munge -g munge /run/munge /var/log/munge /var/lib/munge
if ! running /run/munge/munged.pid munged; then
    runuser -u munge -- /usr/sbin/munged || die "munged failed; see /var/log/munge"
    for _ in $(seq 50); do running /run/munge/munged.pid munged && break; sleep 0.1; done
    running /run/munge/munged.pid munged || die "munged did not start"
    remember munged /run/munge/munged.pid
fi
munge -n | unmunge >/dev/null || die "munge cannot decode its own credential"

if running /run/slurmctld.pid slurmctld; then
    echo "slurm-up: slurmctld already runs; using it unchanged"
else
    if [ -e "$CONF/slurm.conf" ] && ! grep -qxF "$MARK" "$CONF/slurm.conf"; then
        die "$CONF/slurm.conf exists and was not written by this script; start that Slurm yourself or move the file away"
    fi
    cpus=${SLURM_CPUS:-$(nproc)}
    mem=${SLURM_MEM_MB:-$(awk '/^MemTotal/ {print int($2 / 1024 * 0.85)}' /proc/meminfo)}
    gpus=${SLURM_GPUS:-1}
    install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/log/slurm
    install -d /var/lib/slurm/slurmd
    cat >"$CONF/slurm.conf" <<EOF
$MARK
ClusterName=deeparrange-ci
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
# Listen on 127.0.0.1 only: this cluster is for tests on this machine.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroup process tracking or task binding: containers rarely allow them.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
GresTypes=gpu
# No slurmdbd: sacct knows nothing, so Snakemake must ask squeue; finished jobs
# stay visible there for MinJobAge seconds, which must be at least 3 times the
# executor's first status delay (40 s) or the plugin falls back to sacct.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
MinJobAge=600
# A node that was down comes back by itself once slurmd registers again.
ReturnToService=2
SlurmdTimeout=60
KillWait=5
DefMemPerCPU=1000
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem Gres=gpu:fake:$gpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
    # slurmd drops a GPU that names no device file, and wants one file per GPU:
    # empty files stand in for /dev/nvidia0 and so on.
    for i in $(seq 0 $((gpus - 1))); do : >"$STATE/fake-gpu$i"; done
    cat >"$CONF/gres.conf" <<EOF
$MARK
AutoDetect=off
NodeName=localhost Name=gpu Type=fake File=$STATE/fake-gpu[0-$((gpus - 1))]
EOF
    # slurmd 22.05 always loads a cgroup plugin; "disabled" exists only from 23.02.
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        printf '%s\nCgroupPlugin=cgroup/v2\nIgnoreSystemd=yes\n' "$MARK" >"$CONF/cgroup.conf"
    else
        printf '%s\nCgroupPlugin=cgroup/v1\n' "$MARK" >"$CONF/cgroup.conf"
    fi
    /usr/sbin/slurmctld || die "slurmctld failed; see /var/log/slurm/slurmctld.log"
    for _ in $(seq 50); do running /run/slurmctld.pid slurmctld && break; sleep 0.1; done
    running /run/slurmctld.pid slurmctld \
        || die "slurmctld did not start; see /var/log/slurm/slurmctld.log"
    remember slurmctld /run/slurmctld.pid
fi

if ! running /run/slurmd.pid slurmd; then
    /usr/sbin/slurmd -N localhost || die "slurmd failed; see /var/log/slurm/slurmd.log"
    for _ in $(seq 50); do running /run/slurmd.pid slurmd && break; sleep 0.1; done
    running /run/slurmd.pid slurmd || die "slurmd did not start; see /var/log/slurm/slurmd.log"
    remember slurmd /run/slurmd.pid
fi

deadline=$(($(date +%s) + ${SLURM_UP_TIMEOUT:-60}))
state=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    running /run/slurmctld.pid slurmctld \
        || die "slurmctld exited; see /var/log/slurm/slurmctld.log"
    state=$(timeout 5 sinfo --noheader --nodes=localhost --format=%T 2>/dev/null || true)
    case $state in
        idle | mixed | allocated) break ;;
        *drain* | down* | *invalid*)
            scontrol update NodeName=localhost State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.2
done
case $state in
    idle | mixed | allocated) ;;
    *) sinfo --list-reasons >&2 || true
       die "node localhost is '$state' after ${SLURM_UP_TIMEOUT:-60} s" ;;
esac
echo "slurm-up: node localhost $state after $((($(date +%s%N) - start_ns) / 1000000)) ms"
