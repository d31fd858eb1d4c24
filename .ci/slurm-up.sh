#!/usr/bin/env bash
# Start a one-node Slurm 22.05 on localhost for tests (Debian 12, as root, no
# systemd): munged, slurmctld and slurmd on 127.0.0.1, fake GPUs, no slurmdbd.
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

die() {
    echo "slurm-up: $*" >&2
    exit 1
}

# A pid file counts only while its process runs the expected program and is
# not a zombie.
running() {
    local name=$1 pidfile=$2 stat
    [ -s "$pidfile" ] || return 1
    stat=$(cat "/proc/$(<"$pidfile")/stat" 2>/dev/null) || return 1
    [[ $stat == *"($name) "[!Z]* ]]
}

# Start a daemon that forks and writes a pid file; record its PID for slurm-down.
start() {
    local name=$1 pidfile=$2 log=$3
    shift 3
    "$@" || die "$name failed; see $log"
    for _ in $(seq 50); do
        running "$name" "$pidfile" && break
        sleep 0.1
    done
    running "$name" "$pidfile" || die "$name did not start; see $log"
    echo "$name $(<"$pidfile")" >>"$STATE/pids"
}

[ "$(id -u)" -eq 0 ] || die "must run as root: it installs packages, starts daemons"
mkdir -p "$STATE"

missing=0
for program in slurmctld slurmd sbatch munged; do
    command -v "$program" >/dev/null || missing=1
done
if [ "$missing" -eq 1 ]; then
    command -v apt-get >/dev/null || die "no apt-get: install Slurm 22.05 by hand"
    # Without systemd, package scripts would start the daemons themselves; a
    # policy-rc.d that answers 101 stops that, so only this script starts them.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
fi

# munge signs every Slurm message; the package makes a key, but not always.
if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    head -c 1024 /dev/urandom >/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
fi
install -d -o munge -g munge /run/munge /var/log/munge /var/lib/munge
running munged /run/munge/munged.pid ||
    start munged /run/munge/munged.pid /var/log/munge/munged.log \
        runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null || die "munge cannot decode its own credential"

if running slurmctld /run/slurmctld.pid; then
    echo "slurm-up: slurmctld already runs; using it unchanged"
    grep -qxF "$MARK" "$CONF/slurm.conf" 2>/dev/null ||
        running slurmd /run/slurmd.pid ||
        die "a Slurm not set up by this script runs without a local slurmd"
else
    if [ -e "$CONF/slurm.conf" ] && ! grep -qxF "$MARK" "$CONF/slurm.conf"; then
        die "$CONF/slurm.conf is not this script's: start that Slurm or move it away"
    fi
    cpus=${SLURM_CPUS:-$(nproc)}
    mem_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
    mem=${SLURM_MEM_MB:-$((mem_kb * 85 / 100 / 1024))}
    gpus=${SLURM_GPUS:-1}
    install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/log/slurm
    install -d /var/lib/slurm/slurmd
    node="NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem"
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
$node Gres=gpu:fake:$gpus State=UNKNOWN
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
    # slurmd 22.05 always loads a cgroup plugin; "disabled" comes only in 23.02.
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        cgroup='CgroupPlugin=cgroup/v2\nIgnoreSystemd=yes'
    else
        cgroup='CgroupPlugin=cgroup/v1'
    fi
    printf "%s\n$cgroup\n" "$MARK" >"$CONF/cgroup.conf"
    start slurmctld /run/slurmctld.pid /var/log/slurm/slurmctld.log /usr/sbin/slurmctld
fi
running slurmd /run/slurmd.pid ||
    start slurmd /run/slurmd.pid /var/log/slurm/slurmd.log /usr/sbin/slurmd -N localhost

deadline=$(($(date +%s) + ${SLURM_UP_TIMEOUT:-60}))
state=""
while [ "$(date +%s)" -lt "$deadline" ]; do
    running slurmctld /run/slurmctld.pid ||
        die "slurmctld exited; see /var/log/slurm/slurmctld.log"
    state=$(timeout 5 sinfo -h -n localhost -o %T 2>/dev/null || true)
    case $state in
        idle | mixed | allocated) break ;;
        *drain* | down* | *invalid*)
            scontrol update NodeName=localhost State=RESUME 2>/dev/null || true
            ;;
    esac
    sleep 0.2
done
case $state in
    idle | mixed | allocated) ;;
    *)
        sinfo --list-reasons >&2 || true
        die "node localhost is '$state' after ${SLURM_UP_TIMEOUT:-60} s"
        ;;
esac
took=$((($(date +%s%N) - start_ns) / 1000000))
echo "slurm-up: node localhost $state after $took ms"
