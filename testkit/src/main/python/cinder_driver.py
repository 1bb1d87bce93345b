#!/usr/bin/python3
"""Run Cinder's own backup drivers in this process, with only the control plane stubbed.

Uses the installed Cinder (Debian 12 python3-cinder, Zed 21.3.1): its backup driver classes, its
versioned objects and its real database API on a SQLite file (the schema made by Cinder's own
migrations). What is not Cinder here is only what a cinder-backup service gets from elsewhere: the
configuration (set in code from the options below), the API's creation of the volume and backup rows,
the volume attach (the volume is a file, opened as the manager opens an attached device) and the
message bus (oslo.messaging's fake transport; notifications are off, as in a deployment without
Ceilometer).

  cinder_driver.py backup --driver posix --backup-path DIR --volume FILE --backup-id ID --volume-id VID
      [--parent-id PID] [--compression zlib|zstd|bz2|none|...] [--chunk-size BYTES]
      [--sha-block-size BYTES] [--container NAME] [--db FILE] [--record FILE]
  cinder_driver.py restore --driver posix --backup-path DIR --backup-id ID --output FILE [--db FILE]
  cinder_driver.py backup --driver ceph --db FILE --rbd-volume --size-gib N --backup-id ID --volume-id VID
      [--parent-id PID] [--edits FILE] [--volume-conf CONF] [--volume-user ID] [--volume-pool POOL]
      [--chunk-size BYTES] [--record FILE] [--result FILE]
  cinder_driver.py backup --driver ceph --db FILE --volume FILE [--size-gib N] [--snapshot-id SID] ...
  cinder_driver.py remove-ceph-volume --db FILE --volume-id VID [--volume-conf CONF] ...

--driver swift|s3 need --db; they reach the test cluster's gateway from RGW_* in the environment
(scripts/with-ceph.sh exports them), and any other store, or any [DEFAULT] option, as --set OPTION=VALUE.

--driver ceph is Cinder's CephBackupDriver: backup_ceph_conf, backup_ceph_user and backup_ceph_pool come
from BACKUP_CEPH_CONF, BACKUP_CEPH_CINDER_USER and BACKUP_CEPH_POOL (the backup cluster of
scripts/with-ceph.sh: its client.conf, cinder-backup, backups), or --set. Its volume is either
  --rbd-volume: the RBD image volume-VID in --volume-pool (rbd) of the volume cluster (--volume-conf, default
      $CEPH_CONF, as --volume-user, default admin), made at --size-gib GiB as Cinder's RBD driver makes a
      volume if it is not there; the --edits (a JSON list of {"op": "write", "offset": N, "file": PATH} and
      {"op": "discard", "offset": N, "length": N}) are applied to it first. It is handed to the driver as
      os-brick's RBD connector hands an RBD volume to the backup manager (linuxrbd.RBDVolumeIOWrapper), so the
      driver takes its RBD path: rbd export-diff | rbd import-diff into the backup pool;
  --volume FILE: a plain file, which the driver copies in chunks (_full_backup) into a new image
      volume-VID.backup.ID, with no service_metadata. --size-gib (default: the file's size rounded up) is the
      volume's size, and the image's; a shorter file stands for the volume's first bytes, the rest zeros (the
      image's tail is left unwritten, see backup(): the copy writes every byte it reads, zeros too, and
      memstore keeps ~2 bytes of RAM per byte written).
--snapshot-id makes it a backup of that snapshot (a snapshot row, the backup's snapshot_id), which the driver
always copies in chunks, whatever the volume is, and always into volume-VID.backup.base: Zed still writes
that legacy name for backups of snapshots (_full_backup names them with _get_backup_base_name(volume_id),
without the backup), so no renaming is needed to get the legacy layout. --result writes what the driver
made, as JSON: the pool, base image, snapshot (or null), metadata object, service_metadata, and the sha256 of
the volume's size_gib GiB as the backup saw them, read back from the volume right after it. remove-ceph-volume
removes volume-VID (with its snapshots) from the volume cluster, and from the backup pool the images
volume-VID.backup.* (with theirs) and the metadata objects of the volume's backups in --db.
Note: Zed's own restore (restore --driver ceph) of a chunked copy made without a snapshot fails with
ImageNotFound: with no service_metadata, _full_restore opens volume-VID.backup.base, not the
volume-VID.backup.ID the backup wrote. Backups of snapshots and RBD-path backups restore.

backup runs what BackupManager.create_backup/continue_backup/_finish_backup do around the driver:
the volume goes to 'backing-up', the driver's backup() reads the volume file opened 'rb' through
eventlet's tpool.Proxy, then the backup row is finished (available, size, the driver's updates, the
parent's num_dependent_backups). It prints `cinder backup-export`'s record of the backup
(BackupManager.export_record) on stdout, or writes it to --record.

restore runs what BackupManager.restore_backup/_run_restore do: a new target volume row (as the API
makes one named restore_backup_<id>), the backup set to 'restoring', the output file opened 'wb'
and handed to the driver's restore() through tpool.Proxy, then the rows finished. It prints one JSON
line: the restore step's wall and CPU seconds (driver construction, open, restore, close), the
process's peak RSS before the step and at its end (VmHWM), and the bytes of the output.

--db (default: DIR/cinder.sqlite for posix) holds the rows between calls, so an incremental backup
finds its parent and a restore its chain as Cinder finds them: through the database.
"""

# cinder-backup monkey patches first (cinder/cmd/backup.py), so that greenthreads and tpool behave here
# as they do in the service
import eventlet
eventlet.monkey_patch()
import __original_module_threading as orig_threading  # noqa: E402 pylint: disable=E0401
import threading  # noqa: E402
orig_threading.current_thread.__globals__['_active'] = threading._active

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from eventlet import tpool  # noqa: E402
from oslo_config import cfg  # noqa: E402
import oslo_messaging.opts  # noqa: E402
from oslo_utils import importutils  # noqa: E402
from oslo_utils import timeutils  # noqa: E402

from cinder.common import config  # noqa: E402,F401  (registers the global options)
from cinder import context  # noqa: E402
from cinder import db  # noqa: E402
from cinder.db import migration  # noqa: E402
from cinder import exception  # noqa: E402
from cinder import objects  # noqa: E402
from cinder.objects import fields  # noqa: E402
from cinder import rpc  # noqa: E402

CONF = cfg.CONF
GIB = 1 << 30
# what the API and the volumes would carry; any constant does, Cinder only stores them
PROJECT_ID = 'c1de0000000000000000000000000001'
USER_ID = 'c1de0000000000000000000000000002'
HOST = 'bench-host'


class Driver:
    """A backup driver: its class, and the options its chunk size, sha block size and container use."""

    def __init__(self, class_path, chunk_option, sha_option, container_option, configure):
        self.class_path = class_path
        self.chunk_option = chunk_option
        self.sha_option = sha_option
        self.container_option = container_option
        self.configure = configure


def _configure_posix(args):
    if not args.backup_path:
        raise SystemExit('cinder_driver: --driver posix needs --backup-path')
    CONF.set_override('backup_posix_path', os.path.abspath(args.backup_path))


def _from_env(option, name):
    # the test cluster's gateway (RGW_* in scripts/ceph-cluster.sh's rgw.env), when it is there; --set
    # OPTION=VALUE, applied after, names another store
    if os.environ.get(name):
        CONF.set_override(option, os.environ[name])


def _configure_s3(args):
    _from_env('backup_s3_endpoint_url', 'RGW_ENDPOINT')
    _from_env('backup_s3_store_access_key', 'RGW_S3_ACCESS_KEY')
    _from_env('backup_s3_store_secret_key', 'RGW_S3_SECRET_KEY')


def _configure_swift(args):
    # backup_swift_auth = single_user with v1 auth, as RGW and tempauth serve it
    CONF.set_override('backup_swift_auth', 'single_user')
    CONF.set_override('backup_swift_auth_version', '1')
    _from_env('backup_swift_auth_url', 'RGW_SWIFT_AUTH_URL')
    _from_env('backup_swift_user', 'RGW_SWIFT_USER')
    _from_env('backup_swift_key', 'RGW_SWIFT_KEY')


def _configure_ceph(args):
    # the backup cluster of scripts/with-ceph.sh, when it is there: its conf for users (no admin key; the
    # user's keyring is found by name), the user Cinder's driver writes as, and the pool
    _from_env('backup_ceph_conf', 'BACKUP_CEPH_CONF')
    _from_env('backup_ceph_user', 'BACKUP_CEPH_CINDER_USER')
    _from_env('backup_ceph_pool', 'BACKUP_CEPH_POOL')


DRIVERS = {
    'posix': Driver('cinder.backup.drivers.posix.PosixBackupDriver', 'backup_file_size',
                    'backup_sha_block_size_bytes', 'backup_container', _configure_posix),
    's3': Driver('cinder.backup.drivers.s3.S3BackupDriver', 'backup_s3_object_size',
                 'backup_s3_block_size', 'backup_s3_store_bucket', _configure_s3),
    'swift': Driver('cinder.backup.drivers.swift.SwiftBackupDriver', 'backup_swift_object_size',
                    'backup_swift_block_size', 'backup_swift_container', _configure_swift),
    # no sha blocks: an RBD image per backup, and RBD snapshots for the increments
    'ceph': Driver('cinder.backup.drivers.ceph.CephBackupDriver', 'backup_ceph_chunk_size', None,
                   'backup_ceph_pool', _configure_ceph),
}



def _default_db(args):
    if args.driver == 'posix' and args.backup_path:
        return os.path.join(args.backup_path, 'cinder.sqlite')
    raise SystemExit('cinder_driver: --db is needed with --driver ' + args.driver)


def _setup(args):
    """Configuration as cinder.conf would give it, the database, and the message bus; returns the driver."""
    driver = DRIVERS[args.driver]
    # the driver modules register their options on import
    importutils.import_module(driver.class_path.rsplit('.', 1)[0])
    # oslo.messaging registers transport_url only when it makes a transport; rpc.init reads it then
    for group, options in oslo_messaging.opts.list_opts():
        if group is None or group == 'DEFAULT':
            CONF.register_opts(options)
    CONF([], project='cinder', default_config_files=[])
    CONF.set_override('host', HOST)
    CONF.set_override('transport_url', 'fake:/')
    database = os.path.abspath(args.db or _default_db(args))
    CONF.set_override('connection', 'sqlite:///' + database, group='database')
    driver.configure(args)
    for setting in args.set or []:
        name, sep, value = setting.partition('=')
        if not sep:
            raise SystemExit('cinder_driver: --set takes OPTION=VALUE, not ' + setting)
        CONF.set_override(name, value)  # converted by the option's own type
    if getattr(args, 'compression', None):
        CONF.set_override('backup_compression_algorithm', args.compression)
    if getattr(args, 'chunk_size', None):
        CONF.set_override(driver.chunk_option, args.chunk_size)
    if getattr(args, 'sha_block_size', None):
        if driver.sha_option is None:
            raise SystemExit('cinder_driver: --driver %s has no sha blocks' % args.driver)
        CONF.set_override(driver.sha_option, args.sha_block_size)
    objects.register_all()
    if not os.path.exists(database):
        migration.db_sync()
    rpc.init(CONF)
    return driver


def _volume_row(ctxt, volume_id, size_gib, status, name):
    """The volume's row, made as the API makes it if it is not there yet; returns the Volume object."""
    try:
        db.volume_get(ctxt, volume_id)
    except exception.VolumeNotFound:
        default_type = db.volume_type_get_by_name(ctxt, '__DEFAULT__')
        db.volume_create(ctxt, {
            'id': volume_id, 'size': size_gib, 'status': 'available', 'display_name': name,
            'user_id': USER_ID, 'project_id': PROJECT_ID, 'host': HOST + '@backend#pool',
            'availability_zone': CONF.storage_availability_zone, 'attach_status': 'detached',
            'volume_type_id': default_type['id'],
        })
    db.volume_update(ctxt, volume_id, {'status': status, 'previous_status': 'available'})
    return objects.Volume.get_by_id(ctxt, volume_id)


def _snapshot_row(ctxt, snapshot_id, volume, status):
    """The snapshot's row, made as the API makes it if it is not there yet, in this status."""
    try:
        db.snapshot_get(ctxt, snapshot_id)
    except exception.SnapshotNotFound:
        db.snapshot_create(ctxt, {
            'id': snapshot_id, 'volume_id': volume.id, 'user_id': USER_ID, 'project_id': PROJECT_ID,
            'status': 'available', 'progress': '100%', 'volume_size': volume.size,
            'display_name': 'bench snapshot', 'volume_type_id': volume.volume_type_id,
        })
    db.snapshot_update(ctxt, snapshot_id, {'status': status})


def _check_backup_args(args):
    if args.rbd_volume:
        if args.driver != 'ceph':
            raise SystemExit('cinder_driver: --rbd-volume needs --driver ceph')
        if args.volume or not args.size_gib:
            raise SystemExit('cinder_driver: --rbd-volume takes --size-gib and no --volume')
    elif not args.volume:
        raise SystemExit('cinder_driver: backup needs --volume FILE (or, with --driver ceph, --rbd-volume)')
    elif args.edits:
        raise SystemExit('cinder_driver: --edits needs --rbd-volume')
    if args.result and args.driver != 'ceph':
        raise SystemExit('cinder_driver: --result needs --driver ceph')


def backup(args):
    _check_backup_args(args)
    driver = _setup(args)
    ctxt = _context()
    size_gib = args.size_gib or max(1, -(-os.path.getsize(args.volume) // GIB))
    # a backup of a snapshot leaves the volume as it is and takes the snapshot to 'backing-up'
    volume = _volume_row(ctxt, args.volume_id, size_gib, 'available' if args.snapshot_id else 'backing-up',
                         'bench-volume')
    if args.snapshot_id:
        _snapshot_row(ctxt, args.snapshot_id, volume, 'backing-up')
    parent = objects.Backup.get_by_id(ctxt, args.parent_id) if args.parent_id else None
    # the row cinder.backup.api.API.create makes
    db.backup_create(ctxt, {
        'id': args.backup_id, 'volume_id': volume.id, 'user_id': USER_ID, 'project_id': PROJECT_ID,
        'display_name': 'bench ' + (os.path.basename(args.volume) if args.volume else volume.name),
        'display_description': None,
        'status': fields.BackupStatus.CREATING, 'container': args.container, 'parent_id': args.parent_id,
        'size': volume.size, 'host': HOST, 'availability_zone': CONF.storage_availability_zone,
        'data_timestamp': timeutils.utcnow(), 'snapshot_id': args.snapshot_id,
    })
    record = objects.Backup.get_by_id(ctxt, args.backup_id)
    # BackupManager.create_backup, continue_backup, _finish_backup
    record.service = driver.class_path
    record.save()
    if (args.driver == 'ceph' and args.volume and os.path.getsize(args.volume) < size_gib * GIB
            and not any(o.startswith('restore_discard_excess_bytes=') for o in args.set or [])):
        # A file shorter than the volume: the chunked copy stops at its end and, with this option on (the
        # default), discards the rest of the new backup image. Zed's _discard_bytes fails there on the
        # RBD wrapper behind tpool.Proxy ("'function' object has no attribute 'discard'": the Proxy wraps
        # the image as a function), so the rest is left unwritten instead, which reads as zeros just the
        # same. A file of the volume's full size would be copied whole, zeros and all: GiBs of OSD RAM.
        CONF.set_override('restore_discard_excess_bytes', False)
    service = importutils.import_class(driver.class_path)(ctxt)
    sha256 = None
    if args.rbd_volume:
        # BackupManager._run_backup: an RBD volume comes from os-brick's connector already file-like, and is
        # handed to the driver as it is (in tpool.Proxy)
        device = _rbd_volume(args, volume, size_gib)
        try:
            _apply_edits(device.rbd_image, args.edits)
            updates = service.backup(record, tpool.Proxy(device))
            if args.result:
                sha256 = _sha256_rbd(device.rbd_image, size_gib * GIB)
        finally:
            device.close()
    else:
        with open(args.volume, 'rb') as device_file:
            updates = service.backup(record, tpool.Proxy(device_file))
        if args.result:
            sha256 = _sha256_file(args.volume, size_gib * GIB)
    if args.snapshot_id:
        db.snapshot_update(ctxt, args.snapshot_id, {'status': 'available'})
    else:
        db.volume_update(ctxt, volume.id, {'status': 'available', 'previous_status': 'backing-up'})
    record.refresh()
    record.status = fields.BackupStatus.AVAILABLE
    record.size = volume.size
    if updates:
        record.update(updates)
    record.save()
    if parent:
        parent.num_dependent_backups += 1
        parent.save()
    # BackupManager.export_record
    export = {'backup_service': record.service,
              'backup_url': record.encode_record(driver_info=service.export_record(record))}
    text = json.dumps(export)
    if args.record:
        with open(args.record, 'w') as f:
            f.write(text + '\n')
    else:
        print(text)
    if args.result:
        with open(args.result, 'w') as f:
            f.write(json.dumps(_ceph_result(service, record, size_gib, sha256)) + '\n')


# -------------------------------------------------------------------------- Cinder's Ceph backup driver

def _volume_cluster(args):
    """The volume cluster's conf, user and pool: what Cinder's RBD volume driver has in its backend."""
    conf = args.volume_conf or os.environ.get('CEPH_CONF')
    if not conf:
        raise SystemExit('cinder_driver: no --volume-conf and no CEPH_CONF')
    return os.path.abspath(conf), args.volume_user, args.volume_pool


def _rbd_volume(args, volume, size_gib):
    """The RBD volume as os-brick's RBDConnector._get_rbd_handle opens it for the backup manager.

    The image is made first if it is missing, as RBDDriver.create_volume makes it: volume.name
    (volume-VID), the conf's rbd_default_features, 4 MiB objects (rbd_store_chunk_size)."""
    import rbd
    from os_brick.initiator import linuxrbd
    conf, user, pool = _volume_cluster(args)
    client = linuxrbd.RBDClient(user, pool, conffile=conf, rbd_cluster_name='ceph')
    try:
        if volume.name not in rbd.RBD().list(client.ioctx):
            features = int(client.client.conf_get('rbd_default_features'))
            rbd.RBD().create(client.ioctx, volume.name, size_gib * GIB, order=22, old_format=False,
                             features=features)
        rbd_volume = linuxrbd.RBDVolume(client, volume.name)
    except Exception:
        client.disconnect()
        raise
    # os-brick hands over its own conf (a temporary file naming the mons and the user's keyring); this is
    # the volume cluster's, which names both. The driver passes it, the user and the pool to `rbd export-diff`.
    return linuxrbd.RBDVolumeIOWrapper(linuxrbd.RBDImageMetadata(rbd_volume, pool, user, conf))


def _apply_edits(image, edits_file):
    """Writes and discards on the volume before its backup, as a guest would make them."""
    if not edits_file:
        return
    with open(edits_file) as f:
        edits = json.load(f)
    for edit in edits:
        if edit['op'] == 'write':
            offset = int(edit['offset'])
            with open(edit['file'], 'rb') as source:
                while True:
                    data = source.read(4 << 20)
                    if not data:
                        break
                    image.write(data, offset)
                    offset += len(data)
        elif edit['op'] == 'discard':
            image.discard(int(edit['offset']), int(edit['length']))
        else:
            raise SystemExit('cinder_driver: unknown edit %r' % (edit,))
    image.flush()


def _sha256_rbd(image, length):
    digest = hashlib.sha256()
    step = 8 << 20
    for offset in range(0, length, step):
        digest.update(image.read(offset, min(step, length - offset)))
    return digest.hexdigest()


def _sha256_file(path, length):
    """The sha256 of what the driver's chunked copy makes of the file: its first LENGTH bytes, padded with
    zeros to LENGTH when it is shorter (the driver discards the rest of the backup image)."""
    digest = hashlib.sha256()
    done = 0
    with open(path, 'rb') as f:
        while done < length:
            data = f.read(min(8 << 20, length - done))
            if not data:
                break
            digest.update(data)
            done += len(data)
    zeros = bytes(8 << 20)
    while done < length:
        n = min(len(zeros), length - done)
        digest.update(zeros[:n])
        done += n
    return digest.hexdigest()


def _ceph_result(service, record, size_gib, sha256):
    """Where Cinder's Ceph driver put the backup, found by the driver's own naming and looked up in the pool."""
    import rbd
    from cinder.backup.drivers import ceph
    from cinder.volume.drivers import rbd as rbd_driver
    if record.snapshot_id:
        # _full_backup of a snapshot: the name without a backup, volume-VID.backup.base
        base = service._get_backup_base_name(record.volume_id)
    else:
        # service_metadata's base (the RBD path, its increments), else volume-VID.backup.ID (_full_backup)
        base = service._get_backup_base_name(record.volume_id, backup=record)
    with rbd_driver.RADOSClient(service, record.container) as client:
        if base not in rbd.RBD().list(client.ioctx):
            raise RuntimeError('the driver made no image %s in pool %s' % (base, record.container))
        image = rbd.Image(client.ioctx, base, read_only=True)
        try:
            snapshot = service._get_backup_snap_name(image, base, record.id)
        finally:
            image.close()
        # _backup_metadata's object (written whenever the volume has metadata to save, which is always:
        # its base fields)
        meta = ceph.VolumeMetadataBackup(client, record.id).name
        metadata_object = meta if _object_exists(client.ioctx, meta) else None
    return {'backup_id': record.id, 'volume_id': record.volume_id, 'parent_id': record.parent_id,
            'snapshot_id': record.snapshot_id, 'pool': record.container, 'base': base, 'snapshot': snapshot,
            'metadata_object': metadata_object, 'service_metadata': record.service_metadata,
            'size_gib': size_gib, 'sha256': sha256}


def _object_exists(ioctx, name):
    import rados
    try:
        ioctx.stat(name)
        return True
    except rados.ObjectNotFound:
        return False


def _remove_image(ioctx, name):
    """Removes an image and its snapshots (unprotected first)."""
    import rbd
    image = rbd.Image(ioctx, name)
    try:
        for snap in list(image.list_snaps()):
            if image.is_protected_snap(snap['name']):
                image.unprotect_snap(snap['name'])
            image.remove_snap(snap['name'])
    finally:
        image.close()
    rbd.RBD().remove(ioctx, name)


def remove_ceph_volume(args):
    """The volume's image in the volume cluster, and its backups' images and metadata objects in the pool."""
    import rbd
    from os_brick.initiator import linuxrbd
    from cinder.backup.drivers import ceph
    from cinder.volume.drivers import rbd as rbd_driver
    args.driver = 'ceph'
    _setup(args)
    ctxt = _context()
    service = ceph.CephBackupDriver(ctxt)
    prefix = 'volume-%s.backup.' % args.volume_id
    with rbd_driver.RADOSClient(service, CONF.backup_ceph_pool) as client:
        for name in rbd.RBD().list(client.ioctx):
            if name.startswith(prefix):
                _remove_image(client.ioctx, name)
        for row in db.backup_get_all_by_volume(ctxt, args.volume_id, PROJECT_ID):
            ceph.VolumeMetadataBackup(client, row.id).remove_if_exists()
    conf, user, pool = _volume_cluster(args)
    with linuxrbd.RBDClient(user, pool, conffile=conf, rbd_cluster_name='ceph') as client:
        name = CONF.volume_name_template % args.volume_id
        if name in rbd.RBD().list(client.ioctx):
            _remove_image(client.ioctx, name)


def restore(args):
    driver = _setup(args)
    ctxt = _context()
    record = objects.Backup.get_by_id(ctxt, args.backup_id)
    # the API's new volume for a restore without a target, and its status changes
    target = _volume_row(ctxt, str(uuid.uuid4()), record.size, 'restoring-backup', 'restore_backup_' + record.id)
    record.status = fields.BackupStatus.RESTORING
    record.save()
    rss_before = _peak_rss_bytes()
    cpu0 = _cpu_seconds()
    t0 = time.monotonic()
    # BackupManager._run_restore: the service is made per restore; a device path is opened 'wb'
    service = importutils.import_class(driver.class_path)(ctxt)
    with open(args.output, 'wb') as device_file:
        service.restore(record, target.id, tpool.Proxy(device_file))
    seconds = time.monotonic() - t0
    cpu = _cpu_seconds() - cpu0
    peak = _peak_rss_bytes()
    target.refresh()
    target.status = fields.VolumeStatus.AVAILABLE
    target.save()
    db.volume_metadata_update(ctxt, target.id, {'src_backup_id': record.id}, False)
    record.status = fields.BackupStatus.AVAILABLE
    record.save()
    print(json.dumps({'backup_id': record.id, 'driver': driver.class_path, 'seconds': seconds,
                      'cpu_seconds': cpu, 'peak_rss_bytes': peak, 'rss_before_bytes': rss_before,
                      'bytes': os.path.getsize(args.output)}))


def _context():
    # a request's context, as the API passes the caller's over RPC: the swift driver connects only when the
    # context names a user (SwiftBackupDriver.__init__)
    return context.RequestContext(user_id=USER_ID, project_id=PROJECT_ID, is_admin=True)


def _peak_rss_bytes():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec from the forked parent (a JVM that starts
    # this script would lend it its own peak), while VmHWM belongs to this process's memory alone
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) * 1024
    raise RuntimeError('no VmHWM in /proc/self/status')


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)  # every thread of the process, tpool's too
    return usage.ru_utime + usage.ru_stime


def _size(text):
    return int(text, 0)


def main(argv):
    parser = argparse.ArgumentParser(description="Runs Cinder's own backup drivers in process.")
    commands = parser.add_subparsers(dest='command', required=True)
    for name in ('backup', 'restore', 'remove-ceph-volume'):
        p = commands.add_parser(name)
        if name != 'remove-ceph-volume':
            p.add_argument('--driver', choices=sorted(DRIVERS), default='posix')
            p.add_argument('--backup-path', help='backup_posix_path (posix)')
            p.add_argument('--backup-id', required=True)
        p.add_argument('--db', help='SQLite file of the rows (default: BACKUP_PATH/cinder.sqlite)')
        p.add_argument('--set', action='append', metavar='OPTION=VALUE',
                       help="any option of cinder.conf's [DEFAULT], e.g. the object store's endpoint")
        if name != 'restore':
            p.add_argument('--volume-conf', help="ceph: the volume cluster's conf (default: $CEPH_CONF)")
            p.add_argument('--volume-user', default='admin', help='ceph: the user that opens the RBD volume')
            p.add_argument('--volume-pool', default='rbd', help="ceph: the RBD volume's pool")
    b = commands.choices['backup']
    b.add_argument('--volume', help='the volume: a file, read as the attached device')
    b.add_argument('--rbd-volume', action='store_true',
                   help='ceph: the volume is the RBD image volume-VID of the volume cluster (see above)')
    b.add_argument('--size-gib', type=int, help="the volume's size (default: the file's, rounded up)")
    b.add_argument('--edits', help='ceph, --rbd-volume: a JSON file of writes and discards made before')
    b.add_argument('--snapshot-id', help='a backup of this snapshot of the volume')
    b.add_argument('--result', help="ceph: write what the driver made here, as JSON")
    b.add_argument('--volume-id', required=True)
    b.add_argument('--parent-id', help='an incremental backup on top of this backup')
    b.add_argument('--compression', help='backup_compression_algorithm (default: zlib, as Cinder)')
    b.add_argument('--chunk-size', type=_size, help="the driver's chunk size option (posix: backup_file_size)")
    b.add_argument('--sha-block-size', type=_size, help="the driver's sha block size option")
    b.add_argument('--container', help="the backup's container, as `cinder backup-create --container`")
    b.add_argument('--record', help='write the export record here instead of stdout')
    r = commands.choices['restore']
    r.add_argument('--output', required=True, help='the target: a file, opened as the attached device')
    commands.choices['remove-ceph-volume'].add_argument('--volume-id', required=True)
    args = parser.parse_args(argv)
    try:
        {'backup': backup, 'restore': restore, 'remove-ceph-volume': remove_ceph_volume}[args.command](args)
    except exception.CinderException as e:
        sys.stderr.write('cinder_driver: %s: %s\n' % (type(e).__name__, e))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
