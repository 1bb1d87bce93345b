#!/usr/bin/env python3
"""Restore a posix Cinder chunked backup the way Cinder Zed does, independently of the Java code.

Re-implements ChunkedBackupDriver.restore/_restore_v1 of Cinder Zed (21.x), following Cinder's
cinder/backup/chunkeddriver.py and drivers/posix.py, for backups under a local backup_posix_path:

  cinder_restore.py [--strict] BACKUP_ROOT BACKUP_ID OUTPUT_FILE

OUTPUT_FILE is opened with mode 'wb' (truncated), then the full backup of the chain and each increment,
oldest first, are written into it object by object (seek(offset), write, flush, fsync). Each backup's
metadata is found by its id anywhere under BACKUP_ROOT (its own container). The chain follows parent_id.

--strict additionally checks what Cinder does not: that the metadata and sha256file bytes are exactly
json.dumps(..., sort_keys=True, indent=2), that volume_meta is exactly jsonutils.dumps output, and that each
object's uncompressed length and md5 match the metadata.

Python here has no zstd module, so zstd objects are decompressed with `zstd -d -c`.
"""

import argparse
import bz2
import hashlib
import json
import os
import subprocess
import sys
import zlib

DRIVER_VERSION_MAPPING = {'1.0.0': '_restore_v1'}


class InvalidBackup(Exception):
    pass


def find_metadata(root, backup_id):
    """Return (container_dir, prefix) of the backup whose metadata file is ..._backup_<id>_metadata."""
    suffix = '_backup_%s_metadata' % backup_id
    found = [os.path.join(dirpath, name)
             for dirpath, _, names in os.walk(root)
             for name in names if name.endswith(suffix)]
    if len(found) != 1:
        raise InvalidBackup('expected one metadata file for backup %s, found %s' % (backup_id, found))
    path = found[0]
    return os.path.dirname(path), os.path.basename(path)[:-len('_metadata')]


def read_json(path, strict):
    with open(path, 'rb') as f:
        raw = f.read()
    value = json.loads(raw.decode('utf-8'))
    if strict and json.dumps(value, sort_keys=True, indent=2).encode('utf-8') != raw:
        raise InvalidBackup('%s is not json.dumps(sort_keys=True, indent=2) output' % path)
    return value


def decompress(algorithm, body):
    """ChunkedBackupDriver._get_compressor(algorithm).decompress(body), or body for no compressor."""
    algorithm = algorithm.lower()
    if algorithm in ('none', 'off', 'no'):
        return body
    if algorithm in ('zlib', 'gzip'):
        return zlib.decompress(body)
    if algorithm in ('bz2', 'bzip2'):
        return bz2.decompress(body)
    if algorithm == 'zstd':
        return subprocess.run(['zstd', '-d', '-c', '-q'], input=body, stdout=subprocess.PIPE,
                              check=True).stdout
    raise ValueError('Unknown compression algorithm: %s' % algorithm)


def restore_v1(container, prefix, volume_file, strict):
    metadata = read_json(os.path.join(container, prefix + '_metadata'), strict)
    metadata_objects = metadata['objects']
    metadata_object_names = []
    for obj in metadata_objects:
        metadata_object_names.extend(obj.keys())
    prune_list = [prefix + '_metadata', prefix + '_sha256file']
    # PosixBackupDriver.get_container_entries: the entries of the container that start with the prefix.
    object_names = [name for name in os.listdir(container)
                    if name.startswith(prefix) and name not in prune_list]
    if sorted(object_names) != sorted(metadata_object_names):
        raise InvalidBackup('restore_backup aborted, actual object list does not match object list '
                            'stored in metadata.')
    for metadata_object in metadata_objects:
        object_name, obj = list(metadata_object.items())[0]
        with open(os.path.join(container, object_name), 'rb') as reader:
            body = reader.read()
        data = decompress(obj['compression'], body)
        if strict and (len(data) != obj['length'] or hashlib.md5(data).hexdigest() != obj['md5']):
            raise InvalidBackup('%s: length or md5 differs from the metadata' % object_name)
        volume_file.seek(obj['offset'])
        volume_file.write(data)
        volume_file.flush()
        os.fsync(volume_file.fileno())
    volume_meta = metadata.get('volume_meta')
    if volume_meta is not None:
        # BackupMetadataAPI.put_metadata accepts volume_meta versions 1 and 2 only.
        meta = json.loads(volume_meta)
        if meta.get('version') not in (1, 2):
            raise InvalidBackup('unsupported volume_meta version %s' % meta.get('version'))
        if strict and json.dumps(meta) != volume_meta:
            raise InvalidBackup('volume_meta of %s is not jsonutils.dumps output' % prefix)
    if strict:
        read_json(os.path.join(container, prefix + '_sha256file'), strict)
    return metadata.get('parent_id')


def restore(root, backup_id, output, strict):
    container, prefix = find_metadata(root, backup_id)
    metadata = read_json(os.path.join(container, prefix + '_metadata'), strict)
    version = metadata['version']
    if version not in DRIVER_VERSION_MAPPING:
        raise InvalidBackup('No support to restore backup version %s' % version)
    chain = [(container, prefix)]
    parent_id = metadata.get('parent_id')
    while parent_id:
        parent_container, parent_prefix = find_metadata(root, parent_id)
        chain.append((parent_container, parent_prefix))
        parent_id = read_json(os.path.join(parent_container, parent_prefix + '_metadata'),
                              strict).get('parent_id')
    with open(output, 'wb') as volume_file:
        for layer_container, layer_prefix in reversed(chain):
            restore_v1(layer_container, layer_prefix, volume_file, strict)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--strict', action='store_true', help='also check JSON bytes, lengths and md5s')
    parser.add_argument('backup_root')
    parser.add_argument('backup_id')
    parser.add_argument('output')
    args = parser.parse_args(argv)
    try:
        restore(args.backup_root, args.backup_id, args.output, args.strict)
    except (InvalidBackup, ValueError, zlib.error, OSError, subprocess.CalledProcessError) as e:
        print('restore failed: %s: %s' % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
