#!/bin/bash
# Runs a command with the project's throwaway Ceph clusters up: starts them (installing Ceph first if
# needed), exports their variables for the command, and stops exactly those clusters afterwards, also when
# the command fails or is interrupted. A cluster that does not start is a failure, not a skip.
#   scripts/with-ceph.sh mvn -B verify
#
# Two clusters, started at the same time (each by scripts/ceph-cluster.sh, in a directory, on ports and with
# an fsid and keys of its own), as kolla-ansible deploys Cinder with its backups in a cluster of their own:
#
# 1. The volume cluster (DIR: $RESTORE_AGENT_CEPH_DIR, else a new /tmp/restore-agent-ceph.XXXXXX): pool rbd
#    and a RADOS Gateway.
#      CEPH_CONF                   its ceph.conf; client.admin's keyring is in its [client] section
#      RGW_ENDPOINT, RGW_S3_*, RGW_SWIFT_*   its gateway (DIR/rgw.env, see ceph-cluster.sh; none with CEPH_DEV_RGW=0)
# 2. The backup cluster (DIR: $RESTORE_AGENT_BACKUP_CEPH_DIR, else a new /tmp/restore-agent-backup-ceph.XXXXXX):
#    no gateway, pool backups (rbd pool init), and two cephx users with caps as Ceph's OpenStack guide gives
#    them, each with a keyring file of its own (ceph-cluster.sh's CEPH_DEV_USERS):
#      client.cinder-backup  mon 'profile rbd' osd 'profile rbd pool=backups'            (Cinder's driver writes)
#      client.restore-agent  mon 'profile rbd' osd 'profile rbd-read-only pool=backups'  (the agent only reads)
#      BACKUP_CEPH_CONF            the conf for those users: the backup cluster's mons, and no admin key; a
#                                  user's keyring is found by its name (keyring = DIR/ceph.$name.keyring),
#                                  or given with --keyring. client.admin is refused through it.
#      BACKUP_CEPH_ADMIN_CONF      the backup cluster's own ceph.conf, with client.admin's keyring, for admin
#                                  work (tests that check what the users wrote, clean-up)
#      BACKUP_CEPH_POOL            backups
#      BACKUP_CEPH_USER            restore-agent        BACKUP_CEPH_KEYRING          its keyring
#      BACKUP_CEPH_CINDER_USER     cinder-backup        BACKUP_CEPH_CINDER_KEYRING   its keyring
#    RESTORE_AGENT_BACKUP_CEPH=0 leaves the backup cluster out (no BACKUP_CEPH_* then).
#
# Any of these variables in the caller's environment is replaced or unset: the command sees these clusters
# only. Both starts run at once, so the second cluster costs little: on this project's 2-core machine the
# two were up in 7-7.5 s while nothing else ran (the volume cluster alone: 5-6 s; the backup cluster alone,
# without a gateway: 3.5 s), and in 9-10 s beside other jobs' builds (alone: 6.5 s). The time is printed.
# If either fails, its own start stops its daemons and prints its logs, the other is let finish, and both
# are stopped; with-ceph.sh then exits 1 without running the command.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
readonly BACKUP_POOL=backups READER=restore-agent WRITER=cinder-backup
t0=$EPOCHREALTIME

fresh_dir() { # fresh_dir PREFIX: a new name under /tmp; the cluster script makes the directory itself
    local d; d=$(mktemp -d "/tmp/$1.XXXXXX")
    rmdir "$d"   # it refuses a non-empty one it did not make
    echo "$d"
}

dir=${RESTORE_AGENT_CEPH_DIR:-$(fresh_dir restore-agent-ceph)}
backup_dir=
if [ "${RESTORE_AGENT_BACKUP_CEPH:-1}" != 0 ]; then
    backup_dir=${RESTORE_AGENT_BACKUP_CEPH_DIR:-$(fresh_dir restore-agent-backup-ceph)}
    [ "$(realpath -m -- "$backup_dir")" != "$(realpath -m -- "$dir")" ] ||
        { echo "with-ceph: the two clusters need two directories, not $dir twice" >&2; exit 1; }
fi

"$here/ceph-cluster.sh" install
out=$(mktemp -d /tmp/with-ceph.XXXXXX)   # the start commands' stdout (their CEPH_CONF lines)
stop_all() {
    # both at once; each stop kills only the daemons recorded in its own directory
    "$here/ceph-cluster.sh" stop "$dir" >/dev/null 2>&1 &
    if [ -n "$backup_dir" ]; then "$here/ceph-cluster.sh" stop "$backup_dir" >/dev/null 2>&1 & fi
    wait || true
    rm -rf -- "$out"
}
# bash runs it on a deadly signal too (TERM, INT, HUP), at once, even while the command runs: no traps of
# their own, which bash would defer until the command ends
trap stop_all EXIT

# the volume cluster as the project always had it: pool rbd and client.admin, whatever the caller exported
CEPH_DEV_POOL=rbd CEPH_DEV_USERS= "$here/ceph-cluster.sh" start "$dir" >"$out/volume" &
volume_pid=$!
if [ -n "$backup_dir" ]; then
    CEPH_DEV_RGW=0 CEPH_DEV_POOL=$BACKUP_POOL CEPH_DEV_USERS="$WRITER=rbd $READER=rbd-read-only" \
        "$here/ceph-cluster.sh" start "$backup_dir" >"$out/backup" &
    backup_pid=$!
fi
failed=()
wait "$volume_pid" || failed+=("the volume cluster ($dir)")
if [ -n "$backup_dir" ]; then wait "$backup_pid" || failed+=("the backup cluster ($backup_dir)"); fi
if [ ${#failed[@]} -gt 0 ]; then
    for what in "${failed[@]}"; do echo "with-ceph: $what did not start" >&2; done
    exit 1
fi

env_line=$(cat "$out/volume")
[[ "$env_line" == CEPH_CONF=/* ]] ||
    { echo "with-ceph: unexpected output of ceph-cluster.sh start: $env_line" >&2; exit 1; }
export "${env_line?}"
# The command sees these clusters' gateway and users or none, never those the caller's environment named.
unset RGW_ENDPOINT RGW_S3_ACCESS_KEY RGW_S3_SECRET_KEY RGW_SWIFT_AUTH_URL RGW_SWIFT_USER RGW_SWIFT_KEY
unset BACKUP_CEPH_CONF BACKUP_CEPH_ADMIN_CONF BACKUP_CEPH_POOL BACKUP_CEPH_USER BACKUP_CEPH_KEYRING \
    BACKUP_CEPH_CINDER_USER BACKUP_CEPH_CINDER_KEYRING
rgw_env=$(dirname "$CEPH_CONF")/rgw.env
if [ -f "$rgw_env" ]; then
    while IFS= read -r line; do
        [[ "$line" =~ ^RGW_[A-Z0-9_]+= ]] || { echo "with-ceph: unexpected line in $rgw_env" >&2; exit 1; }
        export "${line?}"
    done <"$rgw_env"
fi
summary="CEPH_CONF=$CEPH_CONF${RGW_ENDPOINT:+, RGW_ENDPOINT=$RGW_ENDPOINT}"

if [ -n "$backup_dir" ]; then
    backup_line=$(cat "$out/backup")
    [[ "$backup_line" == CEPH_CONF=/* ]] ||
        { echo "with-ceph: unexpected output of ceph-cluster.sh start: $backup_line" >&2; exit 1; }
    b=$(dirname "${backup_line#CEPH_CONF=}")   # the directory as the cluster script resolved it
    export BACKUP_CEPH_CONF=$b/client.conf BACKUP_CEPH_ADMIN_CONF=$b/ceph.conf BACKUP_CEPH_POOL=$BACKUP_POOL
    export BACKUP_CEPH_USER=$READER BACKUP_CEPH_KEYRING=$b/ceph.client.$READER.keyring
    export BACKUP_CEPH_CINDER_USER=$WRITER BACKUP_CEPH_CINDER_KEYRING=$b/ceph.client.$WRITER.keyring
    for f in "$BACKUP_CEPH_CONF" "$BACKUP_CEPH_ADMIN_CONF" "$BACKUP_CEPH_KEYRING" "$BACKUP_CEPH_CINDER_KEYRING"; do
        [ -f "$f" ] || { echo "with-ceph: the backup cluster has no $f" >&2; exit 1; }
    done
    summary+=", BACKUP_CEPH_CONF=$BACKUP_CEPH_CONF"
fi
us=$(( ${EPOCHREALTIME/./} - ${t0/./} ))
printf 'with-ceph: up in %d.%01d s, %s\n' $((us / 1000000)) $((us % 1000000 / 100000)) "$summary" >&2
"$@"
