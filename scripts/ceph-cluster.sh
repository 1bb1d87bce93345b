#!/bin/bash
# A throw-away single-node Ceph cluster (Debian 12 / Ceph 16.2 Pacific) for tests, CI and the demo:
# one monitor (mon.a), one memstore OSD (osd.0), cephx on, everything on 127.0.0.1, pool `rbd` (or
# CEPH_DEV_POOL), and a RADOS Gateway (client.rgw.a) serving S3 and Swift. No systemd, no mgr; every file
# of the cluster lives in one directory. Background: shared/ceph-notes.md, shared/objectstore-notes.md.
#
#   scripts/ceph-cluster.sh install        install the Debian packages if missing (quiet when present)
#   scripts/ceph-cluster.sh start  [DIR]   start (or reuse) the cluster; prints CEPH_CONF=DIR/ceph.conf
#   scripts/ceph-cluster.sh stop   [DIR]   kill its daemons (recorded PIDs only) and remove DIR
#   scripts/ceph-cluster.sh status [DIR]   prints running (exit 0) or stopped (exit 1)
#   scripts/ceph-cluster.sh env    [DIR]   prints CEPH_CONF=DIR/ceph.conf and DIR/rgw.env's lines if
#                                          running, else exit 1
#   scripts/ceph-cluster.sh rgw-kill  [DIR]  SIGKILLs its RADOS Gateway, as a crash would end it (tests of
#                                          clients whose gateway dies); the mon and the OSD go on
#   scripts/ceph-cluster.sh rgw-start [DIR]  starts that gateway again as `start` did (same port, same
#                                          users and keys, which live in the cluster), if it is not
#                                          running; returns once it answers. Reads work at once; what
#                                          makes a bucket waits up to ~30 s after a kill (see cmd_rgw_start)
#
# DIR defaults to $RESTORE_AGENT_CEPH_DIR, else /tmp/restore-agent-ceph.
# Environment:
#   CEPH_DEV_MEMSTORE_BYTES   OSD capacity in bytes (default 4 GiB). Not preallocated, but memstore holds
#                             ~2 bytes of RAM per byte of live data (notes §4): keep test data small.
#   CEPH_DEV_START_TIMEOUT    seconds `start` may take before it gives up (default 90)
#   CEPH_DEV_VERBOSE=1        progress on stderr (otherwise stderr is used only on failure)
#   CEPH_DEV_RGW=0            no RADOS Gateway (default 1: it starts, and `start` fails when it does not)
#   CEPH_DEV_POOL=NAME        the RBD pool made, initialised (rbd pool init) and probed (default rbd); the
#                             only pool of the cluster besides the gateway's own
#   CEPH_DEV_USERS="ID=PROFILE ..."   cephx users besides client.admin, PROFILE rbd or rbd-read-only: each
#                             client.ID gets caps mon 'profile rbd' osd 'profile PROFILE pool=POOL' (as Ceph's
#                             OpenStack guide gives them) and its own keyring, see below. E.g. the backup
#                             cluster of scripts/with-ceph.sh: "cinder-backup=rbd restore-agent=rbd-read-only".
# The pool and the users are made by the first `start` of a DIR; a running cluster is reused as it is, and
# `start` fails if it lacks a user asked for or has another pool (stop it first).
#
# A client needs nothing but the conf: rados_create2(&c, "ceph", "client.admin", 0) and
# rados_conf_read_file(c, "DIR/ceph.conf") (its [client] section names the admin keyring).
#
# With CEPH_DEV_USERS, each user's keyring is DIR/ceph.client.ID.keyring (mode 0600, its key only; the caps
# live in the mon's auth database, imported at mkfs, so the users cost no extra start time), and
# DIR/client.conf is the cluster's conf for them: the same [global] (fsid, mon_host, cephx), and in [client]
# no admin key but keyring = DIR/ceph.$name.keyring, so that `rbd --conf DIR/client.conf --id ID`
# and rados.Rados(rados_id=ID, conffile=DIR/client.conf) find the user's own keyring by name (as kolla's
# /etc/ceph/ceph.client.ID.keyring is found), while client.admin finds none there and is refused.
# An explicit --keyring (rados_conf_set "keyring") works as well.
#
# The RADOS Gateway listens on http://127.0.0.1:PORT (beast) for one user, restore-test, whose keys are
# made up for each cluster. `start` still prints only the CEPH_CONF line; an S3 or Swift client reads
# DIR/rgw.env (mode 0600, one VAR=value a line, no quoting needed), which scripts/with-ceph.sh exports:
#   RGW_ENDPOINT=http://127.0.0.1:PORT              S3, path-style, any region (us-east-1)
#   RGW_S3_ACCESS_KEY=...  RGW_S3_SECRET_KEY=...    restore-test's S3 key
#   RGW_SWIFT_AUTH_URL=http://127.0.0.1:PORT/auth/1.0   Swift v1 auth; gives the storage URL .../swift/v1
#   RGW_SWIFT_USER=restore-test:swift  RGW_SWIFT_KEY=...   its Swift subuser and key
# S3 buckets and Swift containers of the user are one namespace. Objects live in the OSD's RAM like
# images do; a deleted object's data is collected within about a minute (rgw_gc_* below).
set -euo pipefail

# Messages go to a saved copy of the caller's stderr (fd 3). A trap that fires while a redirected command
# runs would otherwise write into that command's log file or /dev/null and be lost (notes §6.8).
if [ -e /proc/$$/fd/2 ]; then exec 3>&2; else exec 3>/dev/null; fi

readonly PROG=ceph-cluster
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); readonly HERE
readonly LOCK_ROOT=/tmp/restore-agent-ceph.locks    # fixed, not $TMPDIR: every caller must see the same locks
readonly PORT_MIN=21000 PORT_MAX=28999               # blocks (P, P+1, P+2), below the ephemeral range
readonly RGW_USER=restore-test                       # the gateway's one user; its Swift subuser is USER:swift
readonly MARKER=.restore-agent-ceph                  # only a directory holding this file is ever wiped
# python3-boto3 and python3-swiftclient: the gateway's readiness probe (scripts/rgw-probe.py)
readonly PACKAGES=(ceph-mon ceph-osd ceph-common librbd-dev radosgw python3-boto3 python3-swiftclient)

VERBOSE=${CEPH_DEV_VERBOSE:-0}
WITH_RGW=${CEPH_DEV_RGW:-1}
POOL=${CEPH_DEV_POOL:-rbd}
read -r -a USERS <<<"${CEPH_DEV_USERS:-}"   # ID=PROFILE words
T0=$EPOCHREALTIME

say() { echo "$PROG: $*" >&3; }
log() { # progress, with the time since the script started; only when verbose
    [ "$VERBOSE" = 1 ] || return 0
    local us=$(( ${EPOCHREALTIME/./} - ${T0/./} ))
    printf '%s: +%d.%01ds %s\n' "$PROG" $((us / 1000000)) $((us % 1000000 / 100000)) "$*" >&3
}
die() { FAILED_CMD=; say "error: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------- paths

set_paths() { # set_paths DIR: the absolute paths of everything belonging to the cluster in DIR
    DIR=$(realpath -m -- "$1")
    # The conf's values (mon_cluster_log_file is a space-separated list) cannot hold whitespace.
    [[ "$DIR" != *[[:space:]]* ]] || die "the cluster directory must not contain whitespace: '$DIR'"
    case "$DIR" in
        / | /tmp | /root | /home | /usr* | /etc* | /var | /bin* | /sbin* | /lib* | /boot* | /proc* | /sys* | /dev*)
            die "refusing to use $DIR as a cluster directory" ;;
    esac
    CONF=$DIR/ceph.conf
    CLIENT_CONF=$DIR/client.conf   # for the CEPH_DEV_USERS: no admin key (see the header)
    PIDS=$DIR/pids              # "NAME PID" per daemon, written right after each launch
    SETUP_OUT=$DIR/setup.out    # output of the set-up commands; its tail is shown on failure
    LOGS=$DIR/log
    RGW_ENV=$DIR/rgw.env        # the gateway's endpoint and keys, for clients (see the header)
    DIR_LOCK=$LOCK_ROOT/dir-$(printf '%s' "$DIR" | sha1sum | cut -c1-16).lock
}

# Unix socket paths are limited to 107 bytes (notes §6.7). The longest one is a client's,
# "SOCKDIR/client.admin.<pid>.<cctid>.asok" (~45 bytes after SOCKDIR, more for longer client names),
# so a long DIR gets its sockets in a short directory of its own, recorded in DIR/sockdir.
pick_sockdir() {
    if [ $(( ${#DIR} + 4 + 64 )) -le 107 ]; then
        SOCKDIR=$DIR/run
    else
        local tmp=${TMPDIR:-/tmp}
        [ ${#tmp} -le 20 ] || tmp=/tmp
        SOCKDIR=$(mktemp -d "$tmp/cdc.XXXXXX")
    fi
    echo "$SOCKDIR" >"$DIR/sockdir"
}

# ------------------------------------------------------------------------------------------ processes

is_ours() { # is_ours PID: alive and started with this cluster's conf (guards against PID reuse)
    [ -n "${1:-}" ] && [ -r "/proc/$1/cmdline" ] &&
        tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "$CONF"
}

daemon_pids() { # daemon_pids NAME: its recorded PID, and its own pid file (for a start killed mid-way)
    { if [ -f "$PIDS" ]; then awk -v n="$1" '$1 == n { print $2 }' "$PIDS"; fi
      cat "$DIR/run/$1.pid" 2>/dev/null || true
    } | sort -u
}

alive() { # alive NAME...: each of these daemons was recorded and still runs
    local name
    for name; do
        is_ours "$(awk -v n="$name" '$1 == n { print $2 }' "$PIDS" 2>/dev/null)" || return 1
    done
}

user_keyring() { echo "$DIR/ceph.client.$1.keyring"; }   # user_keyring ID: where `start` writes its key

has_users() { # every user asked for has its keyring here, and the pool is the one asked for
    local user
    # a cluster started before DIR/pool was written has pool rbd
    [ "$(cat "$DIR/pool" 2>/dev/null || echo rbd)" = "$POOL" ] || return 1
    for user in "${USERS[@]}"; do
        [ -f "$(user_keyring "${user%%=*}")" ] || return 1
    done
}

has_rgw() { # this cluster was started with a gateway
    [ -f "$PIDS" ] && grep -q '^rgw\.a ' "$PIDS"
}

running() { # a start completed here and all its daemons still run (a start killed half-way does not count)
    [ -f "$DIR/ready" ] && alive mon.a osd.0 && { ! has_rgw || alive rgw.a; }
}

close_inherited_fds() { # in a subshell: close every fd above 2 (fd 3, the lock fds, whatever the caller passed)
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do
        fd=${fd##*/}
        if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
}

launch() { # launch NAME BINARY ARGS...: start a daemon detached from the caller, record its PID
    local name=$1 bin=$2; shift 2
    # setsid: own session, so the caller's terminal signals and process-group kills do not reach it.
    # stdin/stdout/stderr and every other fd are replaced or closed: a build tool that waits for EOF on
    # the pipe it gave us must not wait for the daemon (notes §2, §6.9). -f: foreground, i.e. no fork,
    # so the PID we record is the daemon's.
    ( close_inherited_fds
      exec setsid "$bin" "$@" -c "$CONF" -f </dev/null >>"$LOGS/$name.out" 2>&1
    ) &
    local pid=$! exe want i
    disown "$pid"   # no "Killed" job notices from this shell when a daemon is stopped
    want=$(readlink -f "$(command -v "$bin")")
    # setsid execs in place only when it is not a process-group leader; if it forked, $! is not the
    # daemon (notes §6.12). So check /proc/$!/exe, and fall back to the daemon's own pid file.
    for ((i = 0; i < 100; i++)); do
        exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
        [ "$exe" = "$want" ] && break
        if [ -z "$exe" ] && [ -s "$DIR/run/$name.pid" ]; then
            pid=$(cat "$DIR/run/$name.pid"); log "$name: setsid forked, pid taken from its pid file"; break
        fi
        sleep 0.05
    done
    is_ours "$pid" || die "$name did not start"
    echo "$name $pid" >>"$PIDS"
    log "$name started, pid $pid"
}

gone() { # gone PID TENTHS: wait up to TENTHS/10 s until PID no longer is ours
    local i
    for ((i = 0; i < $2 * 2; i++)); do
        is_ours "$1" || return 0
        sleep 0.05
    done
    ! is_ours "$1"
}

kill_daemons() { # TERM, then KILL after 5 s; only processes that still name this conf, never by name
    local name pid
    # The gateway first, as a client of both, and KILLed at once: nothing of it outlives the cluster, and
    # a TERMed one waits for its OSD, 5 s more when that is stopped or gone (OsdFailureIT does both).
    # Then the OSD: once the mon is gone, a TERMed OSD waits 5 s to tell it so (osd_mon_shutdown_timeout);
    # with the mon still there it exits in ~0.1 s.
    for name in rgw.a osd.0 mon.a; do
        for pid in $(daemon_pids "$name"); do
            is_ours "$pid" || continue
            if [ "$name" != rgw.a ]; then
                kill -TERM "$pid" 2>/dev/null || true
                gone "$pid" 50 && continue
            fi
            kill -KILL "$pid" 2>/dev/null || true
            gone "$pid" 50 || say "warning: could not kill $name (pid $pid)"
        done
    done
}

wipe_dir() { # remove DIR and its socket directory, but only if DIR is one of ours (or empty)
    if [ -f "$DIR/sockdir" ]; then
        local s; s=$(cat "$DIR/sockdir")
        case "$s" in */cdc.??????) rm -rf -- "$s" ;; esac   # never follow anything else written there
    fi
    [ -e "$DIR" ] || return 0
    if [ -f "$DIR/$MARKER" ] || [ -z "$(ls -A -- "$DIR")" ]; then
        rm -rf -- "$DIR"
    else
        die "$DIR exists and was not made by $PROG; not removing it"
    fi
}

# Locks are flocks on files under LOCK_ROOT, held through an fd of this shell (closed at exit; never
# inherited by a daemon, see launch). The per-DIR lock serialises start/stop of one DIR: a second start
# waits, then finds the cluster running. The port lock is held from choosing a port until the mon listens.
lock_dir() {
    mkdir -p "$LOCK_ROOT"
    exec {DIR_LOCK_FD}>"$DIR_LOCK"
    flock -w 300 "$DIR_LOCK_FD" || die "timed out waiting for the lock $DIR_LOCK"
}

lock_ports() {
    exec {PORT_LOCK_FD}>"$LOCK_ROOT/ports.lock"
    flock -w 300 "$PORT_LOCK_FD" || die "timed out waiting for the lock $LOCK_ROOT/ports.lock"
}

# ------------------------------------------------------------------------------------------- ceph CLI

remaining() { # seconds left of the start budget; fails when it is spent
    local left=$((DEADLINE - SECONDS))
    echo "$left"
    [ "$left" -gt 0 ] || { echo "start budget of ${CEPH_DEV_START_TIMEOUT:-90} s spent" >>"$SETUP_OUT"; return 1; }
}

ceph_cli() { # every ceph CLI call is bounded: without a mgr, mgr-only commands block forever (notes §6.2)
    local t; t=$(remaining) || return 124
    timeout -k 5 "$t" ceph -c "$CONF" --connect-timeout "$t" "$@" 2>>"$SETUP_OUT"
}

rbd_cli() { # rbd_cli ARGS: rbd, bounded like ceph_cli, and failing fast if a daemon dies meanwhile:
    # these calls wait for the OSD, which would otherwise mean waiting out the whole budget.
    local t pid; t=$(remaining) || return 124
    timeout -k 5 "$t" rbd -c "$CONF" "$@" >>"$SETUP_OUT" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if ! alive mon.a osd.0; then
            kill -TERM "$pid" 2>/dev/null || true   # timeout passes it on to rbd
            wait "$pid" 2>/dev/null || true
            die "a daemon died (during: rbd $*)"
        fi
        sleep 0.05
    done
    wait "$pid"
}

# -------------------------------------------------------------------------------------- the cluster

port_in_use() { # port_in_use PORT: any TCP socket, v4 or v6, any state, with this port
    local hex; printf -v hex '%04X' "$1"
    awk -v p="$hex" 'FNR > 1 { split($2, l, ":"); split($3, r, ":"); if (l[2] == p || r[2] == p) f = 1 }
                     END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

port_listening() { # port_listening PORT: some socket listens on it (state 0A)
    local hex; printf -v hex '%04X' "$1"
    awk -v p="$hex" 'FNR > 1 && $4 == "0A" { split($2, l, ":"); if (l[2] == p) f = 1 } END { exit !f }' \
        /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# A cluster takes a block of three ports: the mon's v2 and v1 (P, P+1) and the gateway's (P+2). Blocks
# do not overlap, and the mon listens on P and P+1 before the port lock is let go, so no other start
# takes a block in use even while this gateway is still starting (it listens ~1 s after the OSD is up).
pick_port() { # a free block's P, starting at a random block of the range; caller holds the lock
    local n=$(( (PORT_MAX - PORT_MIN + 1) / 3 )) i p
    local start=$(( (RANDOM * 32768 + RANDOM) % n ))
    for ((i = 0; i < n; i++)); do
        p=$(( PORT_MIN + 3 * ((start + i) % n) ))
        if ! port_in_use "$p" && ! port_in_use $((p + 1)) && ! port_in_use $((p + 2)); then
            echo "$p"; return 0
        fi
    done
    return 1
}

gen_key() { ceph-authtool --gen-print-key; }

global_section() { # global_section FSID PORT: the [global] of ceph.conf and client.conf
    local fsid=$1 port=$2
    cat <<EOF
[global]
fsid = $fsid
mon_host = [v2:127.0.0.1:$port,v1:127.0.0.1:$((port + 1))]
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
# Only new clients here; otherwise HEALTH_WARN AUTH_INSECURE_GLOBAL_ID_RECLAIM_ALLOWED (notes §6.5).
auth_allow_insecure_global_id_reclaim = false
# Nothing goes to /var/lib/ceph, /var/run/ceph or /var/log/ceph (notes §6.6).
run_dir = $DIR/run
crash_dir = $DIR/crash
# One OSD: pools of size 1, allowed and not warned about (notes §6.4).
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
# Tests may delete the pools they make.
mon_allow_pool_delete = true
# Fail in 30 s instead of Ceph's 300 when the cluster is not there.
client_mount_timeout = 30
EOF
}

write_conf() { # write_conf FSID PORT
    local fsid=$1 port=$2
    local bytes=${CEPH_DEV_MEMSTORE_BYTES:-$((4 << 30))}
    [[ "$bytes" =~ ^[0-9]+$ ]] || die "CEPH_DEV_MEMSTORE_BYTES must be a number of bytes, not '$bytes'"
    { echo "# Throw-away test cluster made by scripts/ceph-cluster.sh; see shared/ceph-notes.md."
      global_section "$fsid" "$port"
    } >"$CONF"
    cat >>"$CONF" <<EOF

[mon]
mon_data = $DIR/mon.a
keyring = $DIR/mon.a/keyring
log_file = $LOGS/mon.a.log
# Not written by default with -f; launch() falls back to it when setsid forked (notes §6.12).
pid_file = $DIR/run/mon.a.pid
mon_cluster_log_file = default=$LOGS/ceph.\$channel.log cluster=$LOGS/ceph.log
admin_socket = $SOCKDIR/mon.a.asok
# Otherwise every mon write waits ~1 s for a paxos proposal: 11.5 s start instead of 3-4 s (notes §6.1).
paxos_propose_interval = 0.1
# No mgr is started (rbd needs none); without this the mon turns HEALTH_WARN MGR_DOWN after 120 s (notes §6.2).
mon_mgr_mkfs_grace = 315360000
# The defaults warn at 30 % free disk and shut the mon down at 5 % (notes §6.3).
mon_data_avail_warn = 2
mon_data_avail_crit = 1

[osd]
osd_data = $DIR/osd.0
keyring = $DIR/osd.0/keyring
log_file = $LOGS/osd.0.log
pid_file = $DIR/run/osd.0.pid
admin_socket = $SOCKDIR/osd.0.asok
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
# RAM-backed store: fast, nothing on disk. The size is a capacity for the full checks, not an allocation;
# live data costs ~2x its size in OSD RSS (notes §4).
osd_objectstore = memstore
memstore_device_bytes = $bytes

[client]
# client.admin's key: rados_create2(..., "client.admin", 0) + rados_conf_read_file(DIR/ceph.conf) suffice.
keyring = $DIR/keyring
# Per process (\$pid.\$cctid), so parallel clients do not collide (notes §6.6).
admin_socket = $SOCKDIR/\$cluster-\$name.\$pid.\$cctid.asok
EOF
    if [ ${#USERS[@]} -gt 0 ]; then
        { echo "# The cluster of $CONF for its users other than client.admin (CEPH_DEV_USERS): no admin key here."
          global_section "$fsid" "$port"
          cat <<EOF

[client]
# Each user's own keyring, by name: DIR/ceph.client.ID.keyring; client.admin has none here.
# \$name, not \$cluster.\$name: the CLI takes the cluster name from the conf's file name ("client" here),
# librados does not ("ceph"), so \$cluster would send the two to different files.
keyring = $DIR/ceph.\$name.keyring
admin_socket = $SOCKDIR/\$cluster-\$name.\$pid.\$cctid.asok
EOF
        } >"$CLIENT_CONF"
    fi
    [ "$WITH_RGW" = 1 ] || return 0
    cat >>"$CONF" <<EOF

[client.rgw.a]
# radosgw -f -n client.rgw.a; it makes its pools itself (objectstore-notes).
keyring = $DIR/rgw.a/keyring
rgw_data = $DIR/rgw.a
log_file = $LOGS/rgw.a.log
pid_file = $DIR/run/rgw.a.pid
admin_socket = $SOCKDIR/rgw.a.asok
rgw_frontends = beast endpoint=127.0.0.1:$((port + 2))
# A test gateway: few threads, no usage or ops logs, one index shard per bucket and no resharding.
rgw_thread_pool_size = 32
rgw_enable_usage_log = false
rgw_enable_ops_log = false
rgw_override_bucket_index_max_shards = 1
rgw_dynamic_resharding = false
# A deleted object's data would stay in the OSD's RAM for 2 h (rgw_gc_obj_min_wait) before the hourly
# collector (rgw_gc_processor_period) frees it; tests that delete what they put get it back in ~a minute.
rgw_gc_obj_min_wait = 30
rgw_gc_processor_period = 30
# S3 SSE-C (Cinder's backup_s3_sse_customer_key) is refused over plain HTTP otherwise; the tests' gateway
# is on loopback only
rgw_crypt_require_ssl = false
EOF
}

write_keyrings() { # the mon's initial keyring (mon., client.admin, osd.0[, client.rgw.a]) and each one's own
    local mon admin osd rgw
    mon=$(gen_key); admin=$(gen_key); osd=$(gen_key); rgw=$(gen_key)
    (
        umask 077
        cat >"$DIR/keyring" <<EOF
[client.admin]
	key = $admin
	caps mds = "allow *"
	caps mgr = "allow *"
	caps mon = "allow *"
	caps osd = "allow *"
EOF
        cat >"$DIR/osd.0/keyring" <<EOF
[osd.0]
	key = $osd
EOF
        if [ "$WITH_RGW" = 1 ]; then
            cat >"$DIR/rgw.a/keyring" <<EOF
[client.rgw.a]
	key = $rgw
EOF
        fi
        # ceph-mon --mkfs imports every key of this keyring into the auth database.
        { cat <<EOF
[mon.]
	key = $mon
	caps mon = "allow *"
[osd.0]
	key = $osd
	caps mgr = "allow profile osd"
	caps mon = "allow profile osd"
	caps osd = "allow *"
EOF
          if [ "$WITH_RGW" = 1 ]; then
              cat <<EOF
[client.rgw.a]
	key = $rgw
	caps mon = "allow rw"
	caps osd = "allow rwx"
EOF
          fi
          local user id profile key
          for user in "${USERS[@]}"; do
              id=${user%%=*} profile=${user#*=} key=$(gen_key)
              printf '[client.%s]\n\tkey = %s\n' "$id" "$key" >"$(user_keyring "$id")"
              printf '[client.%s]\n\tkey = %s\n\tcaps mon = "profile rbd"\n\tcaps osd = "profile %s pool=%s"\n' \
                  "$id" "$key" "$profile" "$POOL"
          done
          cat "$DIR/keyring"
        } >"$DIR/mon-init.keyring"
    )
}

start_mon() { # mkfs and start mon.a on a free port pair; the port lock is held until it listens
    local fsid port
    fsid=$(cat /proc/sys/kernel/random/uuid)
    lock_ports
    port=$(pick_port) || die "no free block of 3 ports in $PORT_MIN-$PORT_MAX"
    RGW_PORT=$((port + 2))
    write_conf "$fsid" "$port"
    write_keyrings
    monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$port,v1:127.0.0.1:$((port + 1))]" \
        "$DIR/monmap" >>"$SETUP_OUT" 2>&1 || die "monmaptool failed"
    ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/mon-init.keyring" \
        >>"$SETUP_OUT" 2>&1 || die "ceph-mon --mkfs failed"
    rm -f "$DIR/mon-init.keyring" "$DIR/monmap"   # now in the mon's store
    log "mon mkfs done (ports $port/$((port + 1)))"
    launch mon.a ceph-mon -i a
    local i
    for ((i = 0; i < 300; i++)); do  # 15 s
        port_listening "$port" && port_listening $((port + 1)) && break
        alive mon.a || die "mon.a exited"
        sleep 0.05
    done
    port_listening "$port" || die "mon.a does not listen on $port"
    exec {PORT_LOCK_FD}>&-   # from now on others see the ports as taken
    log "mon listening"
}

start_osd() { # register osd.0, mkfs its memstore, start it
    local uuid id
    uuid=$(cat /proc/sys/kernel/random/uuid)
    # Its key is in the auth database already (mon mkfs keyring), so no secrets are passed here.
    id=$(ceph_cli osd new "$uuid") || die "ceph osd new failed"
    [ "$id" = 0 ] || die "ceph osd new gave id '$id', expected 0"
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >>"$SETUP_OUT" 2>&1 || die "ceph-osd --mkfs failed"
    log "osd.0 created"
    launch osd.0 ceph-osd -i 0
}

make_pool() { # pool POOL (rbd unless CEPH_DEV_POOL): 8 PGs, size 1 / min_size 1
    # Size 1 at creation (allowed by mon_allow_pool_size_one; min_size follows the conf's default of 1):
    # one call instead of create + two `pool set ... --yes-i-really-mean-it`, ~0.6 s less per start.
    ceph_cli osd pool create "$POOL" 8 8 replicated --size 1 >>"$SETUP_OUT" || die "pool create failed"
    echo "$POOL" >"$DIR/pool"
    log "pool $POOL created"
    # Waits for the OSD to be up and the PGs active.
    rbd_cli pool init "$POOL" || die "rbd pool init failed"
    log "pool $POOL initialised"
}

probe_io() { # the cluster is ready only when a client can really write through librbd
    local img=$POOL/ceph-cluster-probe-$$
    rbd_cli create --size 16M "$img" || die "probe: rbd create failed"
    rbd_cli bench --io-type write --io-size 4M --io-total 8M "$img" || die "probe: rbd bench failed"
    rbd_cli rm --no-progress "$img" || die "probe: rbd rm failed"
    log "probe I/O ok"
}

# ---------------------------------------------------------------------------------- the gateway

start_rgw() { # radosgw on the block's third port; it makes its pools while pool rbd is made and probed
    launch rgw.a radosgw -n client.rgw.a
}

rgw_admin() { # radosgw-admin, bounded like ceph_cli. Its JSON holds keys: stdout is never logged
    local t; t=$(remaining) || return 124
    timeout -k 5 "$t" radosgw-admin -c "$CONF" "$@" 2>>"$SETUP_OUT"
}

wait_rgw() { # until radosgw listens, failing fast if it exits
    while ! port_listening "$RGW_PORT"; do
        alive rgw.a || die "rgw.a exited (see $LOGS/rgw.a.log)"
        remaining >/dev/null || die "rgw.a does not listen on $RGW_PORT"
        sleep 0.05
    done
    log "rgw.a listening on $RGW_PORT"
}

make_rgw_user() { # the user with an S3 key and a Swift subuser; radosgw-admin makes the keys; writes RGW_ENV
    # Keys made here rather than passed in: a secret on a command line is visible in /proc to everyone.
    rgw_admin user create --uid "$RGW_USER" --display-name "restore-agent tests" >/dev/null ||
        die "radosgw-admin user create failed"
    local json
    json=$(rgw_admin subuser create --uid "$RGW_USER" --subuser "$RGW_USER:swift" --access=full \
        --key-type=swift --gen-secret) || die "radosgw-admin subuser create failed"
    ( umask 077
      /usr/bin/python3 -c '
import json, sys
port, uid = sys.argv[1:]
user = json.load(sys.stdin)
s3 = next(k for k in user["keys"] if k["user"] == uid)
swift = next(k for k in user["swift_keys"] if k["user"] == uid + ":swift")
base = "http://127.0.0.1:" + port
print("RGW_ENDPOINT=" + base)
print("RGW_S3_ACCESS_KEY=" + s3["access_key"])
print("RGW_S3_SECRET_KEY=" + s3["secret_key"])
print("RGW_SWIFT_AUTH_URL=" + base + "/auth/1.0")
print("RGW_SWIFT_USER=" + swift["user"])
print("RGW_SWIFT_KEY=" + swift["secret_key"])
' "$RGW_PORT" "$RGW_USER" <<<"$json" >"$RGW_ENV" 2>>"$SETUP_OUT"
    ) || die "radosgw-admin gave no S3 and Swift keys for $RGW_USER"
    log "user $RGW_USER made"
}

probe_rgw() { # an S3 and a Swift round trip, by clients that are not ours, with the keys just made
    local t; t=$(remaining) || die "no time left for the RGW probe"
    # exported in a subshell, not passed to env(1): its command line would show the keys
    ( while IFS= read -r line; do export "${line?}"; done <"$RGW_ENV"
      exec timeout -k 5 "$t" /usr/bin/python3 "$HERE/rgw-probe.py" "$t"
    ) >>"$SETUP_OUT" 2>&1 || die "RGW probe failed: $(tail -n 1 "$SETUP_OUT")"
    log "RGW probe ok (S3 and Swift)"
}

show_logs() { # the tails of the daemon logs and of the set-up output, to the caller's stderr
    local f
    for f in "$SETUP_OUT" "$LOGS"/*.out "$LOGS"/mon.a.log "$LOGS"/osd.0.log "$LOGS"/rgw.a.log; do
        [ -s "$f" ] || continue
        say "---- tail of $f"
        tail -n 25 "$f" >&3
    done
}

on_start_exit() {
    local rc=$?
    [ "$rc" -ne 0 ] && [ "${START_DONE:-0}" != 1 ] || return 0
    [ -z "${FAILED_CMD:-}" ] || say "failed at line $FAILED_LINE: $FAILED_CMD"
    show_logs
    kill_daemons
    say "start failed; daemons stopped, files left in $DIR for a look ($0 stop $DIR removes them)"
    exit "$rc"
}

# ------------------------------------------------------------------------------------------ commands

cmd_install() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}; run as root: $0 install"
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt job may hold the dpkg lock: wait for it rather than fail (notes §1). All output to
    # stderr: stdout is for results.
    apt-get -o DPkg::Lock::Timeout=600 update >&3 2>&3
    apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 "${PACKAGES[@]}" >&3 2>&3
}

cmd_start() {
    [[ "$WITH_RGW" =~ ^[01]$ ]] || die "CEPH_DEV_RGW must be 0 or 1, not '$WITH_RGW'"
    [[ "$POOL" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || die "CEPH_DEV_POOL is not a pool name: '$POOL'"
    local user
    for user in "${USERS[@]}"; do
        # admin and rgw.a are the cluster's own
        [[ "$user" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]*=(rbd|rbd-read-only)$ ]] && [ "${user%%=*}" != admin ] ||
            die "CEPH_DEV_USERS takes ID=rbd or ID=rbd-read-only words (ID not admin), not '$user'"
    done
    local bin bins=(ceph ceph-mon ceph-osd ceph-authtool monmaptool rbd)
    [ "$WITH_RGW" = 0 ] || bins+=(radosgw radosgw-admin /usr/bin/python3)
    for bin in "${bins[@]}"; do
        command -v "$bin" >/dev/null || die "$bin not found; run: $0 install"
    done
    lock_dir
    if running; then
        if [ "$WITH_RGW" = 1 ] && ! has_rgw; then
            die "the cluster in $DIR runs without a RADOS Gateway (CEPH_DEV_RGW=0); stop it first"
        fi
        has_users || die "the cluster in $DIR runs without pool $POOL or a user of CEPH_DEV_USERS; stop it first"
        log "already running"
        echo "CEPH_CONF=$CONF"
        return 0
    fi
    # Dead or half-dead leftovers of a crashed run: stop what is left, wipe, start fresh.
    if [ -e "$DIR" ]; then log "no running cluster in $DIR: wiping it"; fi
    kill_daemons
    wipe_dir
    mkdir -p "$DIR"
    touch "$DIR/$MARKER"
    mkdir -p "$LOGS" "$DIR/run" "$DIR/crash" "$DIR/mon.a" "$DIR/osd.0"
    [ "$WITH_RGW" = 0 ] || mkdir -p "$DIR/rgw.a"
    pick_sockdir

    local budget=${CEPH_DEV_START_TIMEOUT:-90}
    [[ "$budget" =~ ^[0-9]+$ ]] || die "CEPH_DEV_START_TIMEOUT must be a number of seconds, not '$budget'"
    DEADLINE=$((SECONDS + budget))
    trap 'FAILED_CMD=$BASH_COMMAND FAILED_LINE=$LINENO' ERR
    trap on_start_exit EXIT
    trap 'say "hangup"; exit 129' HUP
    trap 'say "interrupted"; exit 130' INT
    trap 'say "terminated"; exit 143' TERM

    start_mon
    start_osd
    if [ "$WITH_RGW" = 1 ]; then start_rgw; fi
    make_pool
    probe_io
    if [ "$WITH_RGW" = 1 ]; then wait_rgw; make_rgw_user; probe_rgw; fi
    if [ "$VERBOSE" = 1 ]; then log "health: $(ceph_cli health || true)"; fi

    START_DONE=1
    touch "$DIR/ready"
    echo "CEPH_CONF=$CONF"
}

cmd_stop() {
    lock_dir
    kill_daemons
    wipe_dir
}

rgw_port() { # the gateway's port, from its section of the conf (rgw_frontends = beast endpoint=HOST:PORT)
    sed -n 's/^rgw_frontends = .*endpoint=[^ ]*:\([0-9][0-9]*\).*$/\1/p' "$CONF" | head -n 1
}

cmd_rgw_kill() {
    lock_dir
    has_rgw || die "the cluster in $DIR has no RADOS Gateway"
    local pid
    for pid in $(daemon_pids rgw.a); do
        is_ours "$pid" || continue
        kill -KILL "$pid" 2>/dev/null || true
        gone "$pid" 50 || die "could not kill rgw.a (pid $pid)"
        log "rgw.a (pid $pid) killed"
    done
}

cmd_rgw_start() {
    lock_dir
    [ -f "$DIR/ready" ] && alive mon.a osd.0 || die "no running cluster in $DIR"
    has_rgw || die "the cluster in $DIR was started without a RADOS Gateway"
    if alive rgw.a; then
        log "rgw.a already running"
        return 0
    fi
    local budget=${CEPH_DEV_START_TIMEOUT:-90}
    [[ "$budget" =~ ^[0-9]+$ ]] || die "CEPH_DEV_START_TIMEOUT must be a number of seconds, not '$budget'"
    DEADLINE=$((SECONDS + budget))
    RGW_PORT=$(rgw_port)
    [ -n "$RGW_PORT" ] || die "no rgw_frontends endpoint in $CONF"
    # the dead gateway's line goes: alive() and stop read one rgw.a line, the new one's
    local kept; kept=$(grep -v '^rgw\.a ' "$PIDS" || true)
    printf '%s\n' "$kept" >"$PIDS"
    rm -f "$DIR/run/rgw.a.pid"
    launch rgw.a radosgw -n client.rgw.a
    wait_rgw
    # Not probe_rgw: its bucket writes notify every watcher of the gateway's cache, the killed one too, and
    # wait ~30 s until the OSD drops that one's watches (osd_client_watch_timeout). Reads do not: the
    # anonymous listing of / (HTTP 200) shows the gateway reads the cluster, as GETs of backups do.
    local url="http://127.0.0.1:$RGW_PORT/"
    until /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5).read()' \
            "$url" >>"$SETUP_OUT" 2>&1; do
        alive rgw.a || die "rgw.a exited (see $LOGS/rgw.a.log)"
        remaining >/dev/null || die "rgw.a does not answer $url"
        sleep 0.1
    done
    log "rgw.a answers $url"
}

answers() { # the cluster is running and its mon answers
    [ -f "$CONF" ] && running && timeout -k 2 10 ceph -c "$CONF" --connect-timeout 10 health >/dev/null 2>&1
}

cmd_status() {
    if answers; then echo running; else echo stopped; return 1; fi
}

cmd_env() {
    answers || return 1
    echo "CEPH_CONF=$CONF"
    if has_rgw; then cat "$RGW_ENV"; fi
}

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&3
    exit 2
}

main() {
    local cmd=${1:-}
    [ $# -le 2 ] || usage
    case "$cmd" in
        install) [ $# -eq 1 ] || usage; cmd_install; return ;;
        start | stop | status | env | rgw-kill | rgw-start) ;;
        *) usage ;;
    esac
    set_paths "${2:-${RESTORE_AGENT_CEPH_DIR:-/tmp/restore-agent-ceph}}"
    "cmd_${cmd//-/_}"
}

main "$@"
