#!/bin/bash
# The demo behind `make demo`: builds sample backups the way Cinder writes them, restores them with
# bin/restore-agent under a small memory budget into files and into RBD images on the project's
# throwaway Ceph cluster (CEPH_CONF, set by scripts/with-ceph.sh), restores backups Cinder's own S3 and
# Swift drivers wrote into the cluster's RADOS Gateway (RGW_*) and backups Cinder's own Ceph driver wrote
# into a second cluster (BACKUP_CEPH_*), and checks every result by sha256.
# Files go under demo-work/ (removed and made anew on each run); the images are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

work=demo-work
rm -rf "$work"
mkdir -p "$work"
testkit() {
    java -cp "testkit/target/testkit-0.1.0.jar:testkit/target/lib/*" dev.restoreagent.testkit.TestkitMain "$@"
}
json_field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
step() { printf '\n== %s\n' "$*"; }
check() { # check NAME EXPECTED_FILE ACTUAL_FILE_OR_rbd:IMAGE
    local want got
    want=$(sha256sum "$2" | cut -d' ' -f1)
    case "$3" in
        rbd:*) got=$(rbd -c "$CEPH_CONF" export "${3#rbd:}" - 2>/dev/null | sha256sum | cut -d' ' -f1) ;;
        *) got=$(sha256sum "$3" | cut -d' ' -f1) ;;
    esac
    if [ "$want" != "$got" ]; then
        echo "FAIL $1: sha256 $got, expected $want" >&2
        exit 1
    fi
    echo "OK   $1: sha256 $got"
}

step "a 160 MiB disk-like volume (zero runs, random and text data), and a changed copy of it"
testkit make-volume --out "$work/volume-v1.img" --size 160MiB --seed 2026
testkit mutate-volume --in "$work/volume-v1.img" --out "$work/volume-v2.img" --seed 7 --changes 12

step "a Cinder full backup (zstd, 32 MiB chunks: 5 objects) and an incremental on top of it"
full=$(testkit make-backup --root "$work/backups" --volume "$work/volume-v1.img" \
    --chunk-size 32MiB --compression zstd)
echo "$full"
incr=$(testkit make-backup --root "$work/backups" --volume "$work/volume-v2.img" \
    --chunk-size 32MiB --compression zstd --parent-metadata "$(echo "$full" | json_field metadata)")
echo "$incr"

step "restore the full backup into a new file, with a 64 MiB memory budget"
bin/restore-agent restore --backup-root "$work/backups" --backup-id "$(echo "$full" | json_field backup_id)" \
    --to "$work/restored-full.img" --memory-budget 64MiB
check "full backup" "$work/volume-v1.img" "$work/restored-full.img"

: "${CEPH_CONF:?run the demo through scripts/with-ceph.sh (make demo does)}"
images=()
trap 'for i in "${images[@]}"; do rbd -c "$CEPH_CONF" rm "$i" >/dev/null 2>&1 || true; done' EXIT
step "restore the full backup into a new RBD image: zero-copy librbd AIO writes (settings printed first)"
images+=("rbd/demo-full-$$")
bin/restore-agent restore --backup-root "$work/backups" --backup-id "$(echo "$full" | json_field backup_id)" \
    --to "rbd:rbd/demo-full-$$" --create --memory-budget 64MiB
check "full backup in RBD (rbd export | sha256sum)" "$work/volume-v1.img" "rbd:rbd/demo-full-$$"

step "restore the incremental chain into another RBD image"
images+=("rbd/demo-incremental-$$")
bin/restore-agent restore --backup-root "$work/backups" --backup-id "$(echo "$incr" | json_field backup_id)" \
    --to "rbd:rbd/demo-incremental-$$" --create --memory-budget 64MiB
check "incremental chain in RBD" "$work/volume-v2.img" "rbd:rbd/demo-incremental-$$"

step "restore the incremental into a file (its chain: full, then increment)"
bin/restore-agent restore --backup-root "$work/backups" --backup-id "$(echo "$incr" | json_field backup_id)" \
    --to "$work/restored-incremental.img" --memory-budget 64MiB
check "incremental chain" "$work/volume-v2.img" "$work/restored-incremental.img"

step "Cinder's own S3 and Swift drivers back the volume up into the cluster's RADOS Gateway"
: "${RGW_ENDPOINT:?no RADOS Gateway: run the demo through scripts/with-ceph.sh, which exports RGW_*}"
cinder_driver() { /usr/bin/python3 testkit/src/main/python/cinder_driver.py "$@"; }
volume_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
s3_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
swift_id=$(python3 -c 'import uuid; print(uuid.uuid4())')
# Cinder's defaults: zlib, 50 MiB objects, bucket/container volumebackups; the Swift one goes to a container of its own
cinder_driver backup --driver s3 --db "$work/cinder-s3.sqlite" --volume "$work/volume-v1.img" \
    --backup-id "$s3_id" --volume-id "$volume_id" --record "$work/s3-record.json"
cinder_driver backup --driver swift --db "$work/cinder-swift.sqlite" --volume "$work/volume-v2.img" \
    --backup-id "$swift_id" --volume-id "$volume_id" --container demo-swift --record "$work/swift-record.json"
echo "S3 backup $s3_id and Swift backup $swift_id written by Cinder's drivers"

step "restore the S3 backup into a new RBD image, straight from the bucket"
images+=("rbd/demo-s3-$$")
AWS_ACCESS_KEY_ID=$RGW_S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_S3_SECRET_KEY \
    bin/restore-agent restore --s3-endpoint "$RGW_ENDPOINT" --cinder-record "$work/s3-record.json" \
    --to "rbd:rbd/demo-s3-$$" --create --memory-budget 64MiB
check "S3 backup in RBD" "$work/volume-v1.img" "rbd:rbd/demo-s3-$$"

step "restore the Swift backup into a new RBD image, found by its id in its container"
images+=("rbd/demo-swift-$$")
ST_KEY=$RGW_SWIFT_KEY bin/restore-agent restore --swift-auth-url "$RGW_SWIFT_AUTH_URL" --swift-user "$RGW_SWIFT_USER" \
    --swift-container demo-swift --backup-id "$swift_id" --to "rbd:rbd/demo-swift-$$" --create --memory-budget 64MiB
check "Swift backup in RBD" "$work/volume-v2.img" "rbd:rbd/demo-swift-$$"

step "Cinder's own Ceph driver backs an RBD volume up into a second cluster (full, then incremental); the agent restores it from there"
: "${BACKUP_CEPH_CONF:?no backup cluster: run the demo through scripts/with-ceph.sh, which exports BACKUP_CEPH_*}"
ceph_volume=$(python3 -c 'import uuid; print(uuid.uuid4())')
ceph_full=$(python3 -c 'import uuid; print(uuid.uuid4())')
ceph_incr=$(python3 -c 'import uuid; print(uuid.uuid4())')
# the RBD volume rbd/volume-ID of the first cluster gets volume-v1's bytes, is backed up, then volume-v2's
printf '[{"op": "write", "offset": 0, "file": "%s"}]' "$PWD/$work/volume-v1.img" > "$work/ceph-edits-1.json"
printf '[{"op": "write", "offset": 0, "file": "%s"}]' "$PWD/$work/volume-v2.img" > "$work/ceph-edits-2.json"
cinder_driver backup --driver ceph --db "$work/cinder-ceph.sqlite" --rbd-volume --size-gib 1 \
    --volume-id "$ceph_volume" --backup-id "$ceph_full" --edits "$work/ceph-edits-1.json" \
    --result "$work/ceph-full.json" --record "$work/ceph-full-record.json"
cinder_driver backup --driver ceph --db "$work/cinder-ceph.sqlite" --rbd-volume --size-gib 1 \
    --volume-id "$ceph_volume" --backup-id "$ceph_incr" --parent-id "$ceph_full" --edits "$work/ceph-edits-2.json" \
    --result "$work/ceph-incr.json" --record "$work/ceph-incr-record.json"
echo "Ceph backups $ceph_full and $ceph_incr: snapshots of $(json_field base < "$work/ceph-incr.json") in pool" \
    "$(json_field pool < "$work/ceph-incr.json") of the second cluster"
# the volume as each backup saw it: its 1 GiB, the rest zeros
for v in v1 v2; do cp "$work/volume-$v.img" "$work/volume-$v-1g.img" && truncate -s 1G "$work/volume-$v-1g.img"; done
images+=("rbd/demo-ceph-$$")
bin/restore-agent restore --cinder-record "$work/ceph-incr-record.json" --backup-ceph-conf "$BACKUP_CEPH_CONF" \
    --backup-ceph-user "$BACKUP_CEPH_USER" --to "rbd:rbd/demo-ceph-$$" --create --verify-after --memory-budget 64MiB
check "Ceph-driver incremental, second cluster into the first" "$work/volume-v2-1g.img" "rbd:rbd/demo-ceph-$$"
bin/restore-agent restore --backup-id "$ceph_full" --volume-id "$ceph_volume" --backup-ceph-conf "$BACKUP_CEPH_CONF" \
    --backup-ceph-user "$BACKUP_CEPH_USER" --to "$work/restored-ceph-full.img" --memory-budget 64MiB
check "Ceph-driver full, by backup and volume id, into a file" "$work/volume-v1-1g.img" "$work/restored-ceph-full.img"

step "a .zst image stream, from a file and from a pipe (like zstdcat disk.img.zst | rbd import -)"
zstd -q -3 -c "$work/volume-v1.img" > "$work/volume-v1.img.zst"
bin/restore-agent restore --image "$work/volume-v1.img.zst" --to "$work/restored-image.img" --memory-budget 64MiB
check "zstd image file" "$work/volume-v1.img" "$work/restored-image.img"
zstd -q -dc "$work/volume-v1.img.zst" | zstd -q -c | \
    bin/restore-agent restore --image - --to "$work/restored-stdin.img" --memory-budget 64MiB
check "zstd image on stdin" "$work/volume-v1.img" "$work/restored-stdin.img"

step "a corrupted object is caught, named, and the target is marked incomplete"
corrupt_id=$(echo "$full" | json_field backup_id)
cp -r "$work/backups" "$work/backups-corrupt"
object=$(ls "$work/backups-corrupt/${corrupt_id:0:2}/${corrupt_id:2:2}/$corrupt_id"/*-00003)
printf 'XXXX' | dd of="$object" bs=1 seek=5000 conv=notrunc status=none
set +e
bin/restore-agent restore --backup-root "$work/backups-corrupt" --backup-id "$corrupt_id" \
    --to "$work/restored-corrupt.img" --memory-budget 64MiB --progress none
code=$?
set -e
[ "$code" -eq 4 ] || { echo "FAIL corrupt object: exit code $code, expected 4 (verification)" >&2; exit 1; }
echo "OK   corrupt object: exit code 4 (verification failed)"

step "the daemon: restore-agent serve, a restore submitted through its Unix socket and followed live"
cat > "$work/agent.conf" <<CONF
memory_budget = 64MiB
socket = $PWD/$work/agent.sock
state_dir = $PWD/$work/state
allowed_paths = $PWD/$work
ceph_conf = $CEPH_CONF
CONF
bin/restore-agent serve --config "$work/agent.conf" > "$work/agent.log" 2>&1 &
agent_pid=$!
trap 'kill "$agent_pid" 2>/dev/null || true; for i in "${images[@]}"; do rbd -c "$CEPH_CONF" rm "$i" >/dev/null 2>&1 || true; done' EXIT
for _ in $(seq 300); do [ -S "$work/agent.sock" ] && break; sleep 0.1; done
export RESTORE_AGENT_SOCKET=$PWD/$work/agent.sock
images+=("rbd/demo-daemon-$$")
bin/restore-agent submit --backup-root "$PWD/$work/backups" --backup-id "$(echo "$incr" | json_field backup_id)" \
    --to "rbd:rbd/demo-daemon-$$" --create --watch
check "incremental chain in RBD, through the daemon" "$work/volume-v2.img" "rbd:rbd/demo-daemon-$$"
bin/restore-agent list
bin/restore-agent budget
kill -TERM "$agent_pid"
wait "$agent_pid" && echo "OK   daemon stopped on SIGTERM with exit code 0"

printf '\ndemo passed: every restore verified by sha256\n'
