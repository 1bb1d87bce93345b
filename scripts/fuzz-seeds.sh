#!/bin/bash
# Makes the fuzz targets' seed corpora from real objects, once; they are committed (fuzz/src/test/resources),
# so a build needs neither Cinder nor this script. Run it again only to remake them:
#   scripts/fuzz-seeds.sh
# Cinder's own posix driver (testkit's cinder_driver.py on the installed python3-cinder) backs up a small
# volume once per compression (zlib, bz2, zstd, none), and once more as an increment; its metadata,
# sha256files, objects and export records become the seeds of the targets that read them. The image seeds
# are the volume's first chunk as zstd, gzip and bzip2 write it; the RBD extents are those librbd reports
# for small Ceph-driver backups, written in the target's input format. What no tool writes (HTTP requests,
# request bodies, agent.conf files) is committed as it was written by hand, and left alone here.
set -euo pipefail
cd "$(dirname "$0")/.."
driver=testkit/src/main/python/cinder_driver.py
resources=fuzz/src/test/resources/dev/restoreagent
backup_id=f022ba5e-0000-4000-8000-000000000001   # fuzz/.../Seeds.java: BACKUP_ID
parent_id=f022ba5e-0000-4000-8000-000000000002
volume_id=f022ba5e-0000-4000-8000-0000000000aa   # Seeds.VOLUME_ID
chunk=32768                                      # Decoding.RECORDED_BYTES
work=$(mktemp -d /tmp/fuzz-seeds.XXXXXX)
trap 'rm -rf "$work"' EXIT

corpus() {   # corpus CLASS-PATH METHOD: the seed directory, emptied of what this script made before
    local dir=$resources/$1Inputs/$2
    mkdir -p "$dir"
    find "$dir" -name 'seed-*' -delete
    echo "$dir"
}

# the volume: three chunks as a disk has them: text, mostly zeros, and varied bytes
/usr/bin/python3 - "$work/volume" "$work/volume-2" "$chunk" <<'PY'
import random, sys
path, changed, chunk = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = b''.join(b'line %d of the fuzz volume\n' % i for i in range(chunk))[:chunk]
zeros = bytearray(chunk)
for at in range(0, chunk, 4096):
    zeros[at:at + 16] = b'restore-agent!!\n'
r = random.Random(23)
varied = bytes(r.randrange(16) for _ in range(4096)) * (chunk // 4096)
volume = text + bytes(zeros) + varied
open(path, 'wb').write(volume)
# the increment: 4 KiB of the second chunk changed
volume = bytearray(volume)
volume[chunk + 8192:chunk + 12288] = bytes(r.randrange(256) for _ in range(4096))
open(changed, 'wb').write(bytes(volume))
PY

backup() {   # backup DIR ID COMPRESSION VOLUME [PARENT]
    mkdir -p "$1"
    /usr/bin/python3 "$driver" backup --driver posix --backup-path "$1" --volume "$4" --backup-id "$2" \
        --volume-id "$volume_id" --compression "$3" --chunk-size "$chunk" --sha-block-size 4096 \
        --container fuzz --record "$1/record.json" ${5:+--parent-id "$5"} >/dev/null
}

metadata=$(corpus fuzz/CinderMetadataFuzzTest metadata)
sha256=$(corpus fuzz/Sha256FileFuzzTest sha256file)
records=$(corpus fuzz/ExportRecordFuzzTest record)
for codec in zlib bz2 zstd none; do
    backup "$work/$codec" "$backup_id" "$codec" "$work/volume"
    cp "$work/$codec"/fuzz/*_metadata "$metadata/seed-$codec"
    cp "$work/$codec"/fuzz/*_sha256file "$sha256/seed-$codec"
    case $codec in
        zlib) objects=$(corpus agent/decode/ZlibFuzzTest zlib) ;;
        bz2) objects=$(corpus agent/decode/Bzip2FuzzTest bzip2) ;;
        zstd) objects=$(corpus agent/decode/ZstdFuzzTest zstd) ;;
        none) objects= ;;
    esac
    if [ -n "$objects" ]; then
        for object in "$work/$codec"/fuzz/*-0000?; do
            cp "$object" "$objects/seed-${object##*-}"
        done
    fi
done
cp "$work/zlib/record.json" "$records/seed-posix"
# the increment: a parent, then the backup on top of it
backup "$work/incremental" "$parent_id" zlib "$work/volume"
rm "$work/incremental/record.json"
backup "$work/incremental" "$backup_id" zlib "$work/volume-2" "$parent_id"
cp "$work/incremental"/fuzz/*backup_${backup_id}_metadata "$metadata/seed-incremental"
cp "$work/incremental"/fuzz/*backup_${backup_id}_sha256file "$sha256/seed-incremental"
cp "$work/incremental/record.json" "$records/seed-incremental"
# the same row as the Ceph driver's export record names it (no Ceph cluster needed to write the record)
/usr/bin/python3 - "$work/zlib/record.json" "$records/seed-ceph" "$volume_id" <<'PY'
import base64, json, sys
record = json.load(open(sys.argv[1]))
row = json.loads(base64.b64decode(record['backup_url']))
row['service'] = 'cinder.backup.drivers.ceph.CephBackupDriver'
row['container'] = 'backups'
row['service_metadata'] = json.dumps({'base': 'volume-%s.backup.base' % sys.argv[3]})
record = {'backup_service': row['service'], 'backup_url': base64.b64encode(json.dumps(row).encode()).decode()}
open(sys.argv[2], 'w').write(json.dumps(record) + '\n')
PY

# images: the volume's first chunk raw, and as the tools write it
images=$(corpus fuzz/ImageStreamFuzzTest imageStream)
head -c "$chunk" "$work/volume" >"$images/seed-raw"
zstd -q -19 -c "$images/seed-raw" >"$images/seed-zst"
gzip -9 -n -c "$images/seed-raw" >"$images/seed-gz"
bzip2 -9 -c "$images/seed-raw" >"$images/seed-bz2"
cat "$images/seed-zst" "$images/seed-zst" >"$images/seed-zst-two-frames"
cp "$work/zlib/fuzz/"*-00001 "$images/seed-zlib"

# RBD extents (RbdExtentsFuzzTest's format: size, then offset, length, exists per callback): a 64 MiB image
# written whole, one with two objects written, one written only at its end, and librbd's per-object calls
# for a 12 MiB image in 4 MiB objects, out of order
extents=$(corpus agent/source/rbd/RbdExtentsFuzzTest extents)
/usr/bin/python3 - "$extents" <<'PY'
import struct, sys
mib = 1 << 20
def seed(name, size, calls):
    with open('%s/seed-%s' % (sys.argv[1], name), 'wb') as f:
        f.write(struct.pack('>q', size))
        for offset, length, exists in calls:
            f.write(struct.pack('>qq?', offset, length, exists))
seed('full', 64 * mib, [(0, 64 * mib, True)])
seed('sparse', 64 * mib, [(4 * mib, 4 * mib, True), (40 * mib, 4 * mib, True)])
seed('end', 64 * mib, [(60 * mib, 4 * mib, True)])
seed('objects', 12 * mib, [(8 * mib, 4 * mib, True), (0, 4 * mib, True), (4 * mib, 4 * mib, True)])
PY
echo "fuzz-seeds: seeds made under $resources"
