#!/usr/bin/env bash
# Starts a one-node Slurm cluster on 127.0.0.1 for the sweep tests (SlurmExecutor), as measured in
# ../shared/SLURM-NOTES.md: installs Debian's slurmctld slurmd slurm-client munge when absent,
# starts munge, writes /etc/slurm/slurm.conf for this host and starts slurmctld and slurmd.
# Idempotent: a daemon already running is left alone, so it is safe to call twice. Needs root.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
  echo "start-slurm: not root; skipping (the Slurm tests will be skipped)" >&2
  exit 0
fi

# 1. Packages (about 16 s after apt-get update).
if ! command -v sbatch > /dev/null || ! command -v slurmctld > /dev/null \
    || ! command -v slurmd > /dev/null || ! command -v munged > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq > /dev/null
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge > /dev/null
fi

running() { pgrep -x "$1" > /dev/null; }

# 2. munge: its run folder must exist and belong to munge; the package made the key.
mkdir -p /run/munge && chown munge:munge /run/munge
if ! running munged; then
  runuser -u munge -- /usr/sbin/munged
fi

# 3. slurm.conf for one node: this host at 127.0.0.1 with all its CPUs and a little less memory
#    than is free (no accounting database: squeue/scontrol and the jobcomp file report states).
host="$(hostname -s)"
cpus="$(nproc)"
mem="$(free -m | awk '/^Mem:/ { print int($2 * 0.9) }')"
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
conf="$(mktemp)"
cat > "$conf" <<CONF
ClusterName=rlaif
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
MailProg=/bin/true
MpiDefault=none
ReturnToService=2
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
# Rewritten only when it changed: a running controller keeps its config otherwise.
if ! cmp -s "$conf" /etc/slurm/slurm.conf 2> /dev/null; then
  mv "$conf" /etc/slurm/slurm.conf
  chmod 644 /etc/slurm/slurm.conf
  changed=1
else
  rm -f "$conf"
  changed=0
fi

# 4. The daemons (they fork and write their PID files).
# A changed slurm.conf needs restarted daemons (some keys, e.g. SelectType, ignore reconfigure).
if [ "$changed" = 1 ]; then
  for daemon in slurmd slurmctld; do
    if running "$daemon"; then
      kill "$(pgrep -x "$daemon" | head -n 1)" || true
      for _ in $(seq 1 50); do running "$daemon" || break; sleep 0.2; done
    fi
  done
fi
running slurmctld || slurmctld
running slurmd || slurmd

# 5. Wait until the node takes jobs (under a second when idle).
for _ in $(seq 1 60); do
  state="$(sinfo -h -N -o '%T' 2> /dev/null | head -n 1 || true)"
  case "$state" in
    idle* | mixed* | allocated*)
      echo "start-slurm: one-node Slurm up on $host (127.0.0.1), $cpus CPUs, node $state"
      exit 0
      ;;
    down* | drain*) scontrol update nodename="$host" state=resume 2> /dev/null || true ;;
  esac
  sleep 0.5
done
echo "start-slurm: the node did not become idle; see /var/log/slurm/slurmctld.log" >&2
exit 1
