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

--driver swift|s3 need --db; they reach the test cluster's gateway from RGW_* in the environment
(scripts/with-ceph.sh exports them), and any other store, or any [DEFAULT] option, as --set OPTION=VALUE.

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


DRIVERS = {
    'posix': Driver('cinder.backup.drivers.posix.PosixBackupDriver', 'backup_file_size',
                    'backup_sha_block_size_bytes', 'backup_container', _configure_posix),
    's3': Driver('cinder.backup.drivers.s3.S3BackupDriver', 'backup_s3_object_size',
                 'backup_s3_block_size', 'backup_s3_store_bucket', _configure_s3),
    'swift': Driver('cinder.backup.drivers.swift.SwiftBackupDriver', 'backup_swift_object_size',
                    'backup_swift_block_size', 'backup_swift_container', _configure_swift),
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


def backup(args):
    driver = _setup(args)
    ctxt = _context()
    size_gib = max(1, -(-os.path.getsize(args.volume) // GIB))
    volume = _volume_row(ctxt, args.volume_id, size_gib, 'backing-up', 'bench-volume')
    parent = objects.Backup.get_by_id(ctxt, args.parent_id) if args.parent_id else None
    # the row cinder.backup.api.API.create makes
    db.backup_create(ctxt, {
        'id': args.backup_id, 'volume_id': volume.id, 'user_id': USER_ID, 'project_id': PROJECT_ID,
        'display_name': 'bench ' + os.path.basename(args.volume), 'display_description': None,
        'status': fields.BackupStatus.CREATING, 'container': args.container, 'parent_id': args.parent_id,
        'size': volume.size, 'host': HOST, 'availability_zone': CONF.storage_availability_zone,
        'data_timestamp': timeutils.utcnow(), 'snapshot_id': None,
    })
    record = objects.Backup.get_by_id(ctxt, args.backup_id)
    # BackupManager.create_backup, continue_backup, _finish_backup
    record.service = driver.class_path
    record.save()
    service = importutils.import_class(driver.class_path)(ctxt)
    with open(args.volume, 'rb') as device_file:
        updates = service.backup(record, tpool.Proxy(device_file))
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
    for name in ('backup', 'restore'):
        p = commands.add_parser(name)
        p.add_argument('--driver', choices=sorted(DRIVERS), default='posix')
        p.add_argument('--backup-path', help='backup_posix_path (posix)')
        p.add_argument('--db', help='SQLite file of the rows (default: BACKUP_PATH/cinder.sqlite)')
        p.add_argument('--backup-id', required=True)
        p.add_argument('--set', action='append', metavar='OPTION=VALUE',
                       help="any option of cinder.conf's [DEFAULT], e.g. the object store's endpoint")
    b = commands.choices['backup']
    b.add_argument('--volume', required=True, help='the volume: a file, read as the attached device')
    b.add_argument('--volume-id', required=True)
    b.add_argument('--parent-id', help='an incremental backup on top of this backup')
    b.add_argument('--compression', help='backup_compression_algorithm (default: zlib, as Cinder)')
    b.add_argument('--chunk-size', type=_size, help="the driver's chunk size option (posix: backup_file_size)")
    b.add_argument('--sha-block-size', type=_size, help="the driver's sha block size option")
    b.add_argument('--container', help="the backup's container, as `cinder backup-create --container`")
    b.add_argument('--record', help='write the export record here instead of stdout')
    r = commands.choices['restore']
    r.add_argument('--output', required=True, help='the target: a file, opened as the attached device')
    args = parser.parse_args(argv)
    try:
        {'backup': backup, 'restore': restore}[args.command](args)
    except exception.CinderException as e:
        sys.stderr.write('cinder_driver: %s: %s\n' % (type(e).__name__, e))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
