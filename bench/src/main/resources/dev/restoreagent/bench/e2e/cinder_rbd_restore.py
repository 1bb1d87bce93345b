#!/usr/bin/python3
"""Cinder's own restore of a Ceph-driver backup into an RBD volume, timed, for the bench's Ceph section.

  cinder_rbd_restore.py CINDER_DRIVER_PY --db FILE --backup-id ID --target-volume-id TID

Runs what BackupManager._run_restore runs when os-brick's RBD connector attached the target: the connector
hands over the volume already file-like (linuxrbd.RBDVolumeIOWrapper), and the manager passes it to the driver's
restore() in tpool.Proxy. Everything else is the test kit's cinder_driver.py (CINDER_DRIVER_PY, imported as it
is): the configuration, the rows in the SQLite file, the volume cluster (CEPH_CONF, client.admin, pool rbd) and
the backup cluster (BACKUP_CEPH_*). The target is the RBD image volume-TID, made as Cinder's RBD driver makes a
volume if it is missing; the caller may have made it and written into it first, which sends Cinder's driver
down its full-copy path (_transfer_data in backup_ceph_chunk_size pieces) instead of rbd export-diff | rbd
import-diff.

Prints one JSON line: the step's wall and CPU seconds (the driver made, restore(), the image closed), the CPU of
its child processes (the rbd commands of the diff path, reaped after the step), the process's peak RSS before
and after the step (VmHWM), and the path the driver took ("diff" or "full", from its own debug log lines).
"""
import argparse
import importlib
import json
import logging
import os
import resource
import sys
import time


class _PathSeen(logging.Handler):
    """Which restore path Cinder's driver took, from the debug lines _restore_volume logs."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.paths = []

    def emit(self, record):
        message = record.getMessage()
        if message.startswith('Attempting differential restore'):
            self.paths.append('diff')
        elif message.startswith('Running full restore'):
            self.paths.append('full')


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_children():
    # _piped_execute waits for import-diff only; export-diff has exited (import-diff saw the end of its pipe) but
    # is not reaped yet, and RUSAGE_CHILDREN counts reaped children only
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('cinder_driver')
    parser.add_argument('--db', required=True)
    parser.add_argument('--backup-id', required=True)
    parser.add_argument('--target-volume-id', required=True)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.cinder_driver)))
    # the test kit's script monkey-patches as cinder-backup does, when it is imported
    cd = importlib.import_module(os.path.splitext(os.path.basename(args.cinder_driver))[0])
    from eventlet import tpool
    from oslo_utils import importutils
    from cinder import objects
    from cinder.objects import fields

    options = argparse.Namespace(driver='ceph', db=args.db, set=None, compression=None, chunk_size=None,
                                 sha_block_size=None, volume_conf=None, volume_user='admin', volume_pool='rbd')
    driver = cd._setup(options)
    seen = _PathSeen()
    ceph_log = logging.getLogger('cinder.backup.drivers.ceph')
    ceph_log.setLevel(logging.DEBUG)
    ceph_log.addHandler(seen)
    ctxt = cd._context()
    record = objects.Backup.get_by_id(ctxt, args.backup_id)
    target = cd._volume_row(ctxt, args.target_volume_id, record.size, 'restoring-backup',
                            'restore_backup_' + record.id)
    record.status = fields.BackupStatus.RESTORING
    record.save()
    # the attach: os-brick's connector opens the volume (made here if the caller did not make it)
    device = cd._rbd_volume(options, target, record.size)
    rss_before = cd._peak_rss_bytes()
    cpu0 = cd._cpu_seconds()
    children0 = _children_cpu_seconds()
    t0 = time.monotonic()
    service = importutils.import_class(driver.class_path)(ctxt)
    try:
        service.restore(record, target.id, tpool.Proxy(device))
    finally:
        device.close()  # the detach: rbd_close, after librbd wrote back what it held
    seconds = time.monotonic() - t0
    cpu = cd._cpu_seconds() - cpu0
    peak = cd._peak_rss_bytes()
    _reap_children()
    children_cpu = _children_cpu_seconds() - children0
    target.refresh()
    target.status = fields.VolumeStatus.AVAILABLE
    target.save()
    record.status = fields.BackupStatus.AVAILABLE
    record.save()
    print(json.dumps({'backup_id': record.id, 'seconds': seconds, 'cpu_seconds': cpu,
                      'children_cpu_seconds': children_cpu, 'peak_rss_bytes': peak, 'rss_before_bytes': rss_before,
                      'path': '+'.join(seen.paths) or None}))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
