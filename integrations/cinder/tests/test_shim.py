"""The shim against real Cinder code and a real restore-agent daemon.

Cinder (Debian's python3-cinder) runs in this process with only its control plane stubbed, as in
testkit's cinder_driver.py (whose setup this reuses): its versioned objects and database API on a
SQLite file, the fake message bus. Backups are made by Cinder's own drivers (cinder_driver.py backup,
a process of its own), restores go through the shim's drivers here, into files, a loop device and an
RBD image as os-brick hands it over, and the daemon is `bin/restore-agent serve` of this checkout.
Backups of Cinder's own Ceph driver (RBD volumes of the volume cluster into the pool of the backup
cluster) are restored through the shim's Ceph driver the same way.

    /usr/bin/python3 integrations/cinder/tests/test_shim.py        (scripts/cinder-shim-test.sh)

CEPH_CONF (scripts/with-ceph.sh) enables the RBD test, RGW_* the Swift and S3 ones and BACKUP_CEPH_*
the Ceph driver's; under CI=true their absence is a failure, not a skip.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
from unittest import mock
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKOUT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
sys.path.insert(0, os.path.join(CHECKOUT, 'integrations', 'cinder'))
sys.path.insert(0, os.path.join(CHECKOUT, 'testkit', 'src', 'main', 'python'))

import cinder_driver  # noqa: E402  (monkey patches first, as cinder-backup does)

# eventlet's and Cinder's own, on Python 3.11; not about the shim
warnings.simplefilter('ignore', DeprecationWarning)

import eventlet  # noqa: E402
from eventlet import tpool  # noqa: E402
from oslo_config import cfg  # noqa: E402
import argparse  # noqa: E402

from cinder import db  # noqa: E402
from cinder import exception  # noqa: E402
from cinder import objects  # noqa: E402
from cinder.objects import fields  # noqa: E402

from restore_agent_cinder import client as agent_client  # noqa: E402
from restore_agent_cinder import options  # noqa: E402
from restore_agent_cinder import posix as shim_posix  # noqa: E402

RGW = bool(os.environ.get('RGW_ENDPOINT'))
if RGW:
    from restore_agent_cinder import s3 as shim_s3  # noqa: E402
    from restore_agent_cinder import swift as shim_swift  # noqa: E402
# the backup cluster of scripts/with-ceph.sh; the Ceph driver's tests need the volume cluster too
CEPH_BACKUPS = bool(os.environ.get('BACKUP_CEPH_CONF') and os.environ.get('CEPH_CONF'))
if CEPH_BACKUPS:
    from cinder.backup.drivers import ceph as cinder_ceph  # noqa: E402
    from restore_agent_cinder import ceph as shim_ceph  # noqa: E402

CONF = cfg.CONF
MIB = 1 << 20
CHUNK = 1 * MIB  # backup_file_size: several objects per backup
GIB = 1 << 30
CI = os.environ.get('CI') == 'true'
SEED_BYTES = 16 * MIB
SEED_RESTORES = 41

work = None
agent = None


def _volume_bytes(size, seed):
    """Disk-like data: random runs, repeated runs (compressible) and zero runs (skipped)."""
    rnd = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        kind = rnd.randrange(3)
        run = rnd.randrange(1, 64) * 4096
        if kind == 0:
            out += rnd.randbytes(run)
        elif kind == 1:
            out += (rnd.randbytes(512)) * (run // 512)
        else:
            out += bytes(run)
    return bytes(out[:size])


def _write(path, data):
    with open(path, 'wb') as f:
        f.write(data)


def _read(path):
    with open(path, 'rb') as f:
        return f.read()


def _cinder_backup(*args):
    """One backup by Cinder's own driver, in a process of its own; returns nothing (rows in the DB)."""
    subprocess.run([sys.executable, os.path.join(CHECKOUT, 'testkit', 'src', 'main', 'python',
                                                 'cinder_driver.py'), 'backup', '--db', work.db] + list(args),
                   check=True, stdout=subprocess.DEVNULL)


class Work:
    """The test's directory: volumes, the backup repository, the DB, the agent's socket and state."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='cinder-shim-')
        self.backups = os.path.join(self.dir, 'backups')
        os.mkdir(self.backups)
        self.db = os.path.join(self.dir, 'cinder.sqlite')
        self.socket = os.path.join(self.dir, 'agent.sock')
        self.volume_id = str(uuid.uuid4())
        self.v1 = _volume_bytes(6 * MIB + 12345, 1)
        changed = bytearray(self.v1)
        changed[2 * MIB:2 * MIB + 300000] = random.Random(2).randbytes(300000)
        self.v2 = bytes(changed)
        self.full = str(uuid.uuid4())
        self.incr = str(uuid.uuid4())
        self.corrupt = str(uuid.uuid4())
        self.large = str(uuid.uuid4())
        self.seed = str(uuid.uuid4())
        self.s3_full = str(uuid.uuid4())
        self.s3_incr = str(uuid.uuid4())
        self.swift_full = str(uuid.uuid4())
        self.swift_container = 'cinder-shim-' + uuid.uuid4().hex[:8]
        # Cinder's Ceph driver: RBD volume-<ceph_volume_id> of the volume cluster, a full backup and an
        # incremental one; ceph_results[backup id] is what cinder_driver.py --result says the driver made
        self.ceph_volume_id = str(uuid.uuid4())
        self.ceph_full = str(uuid.uuid4())
        self.ceph_incr = str(uuid.uuid4())
        self.ceph_results = {}

    def path(self, name):
        return os.path.join(self.dir, name)


def _start_agent():
    conf = work.path('agent.conf')
    allowed = [work.dir, '/dev']
    if CEPH_BACKUPS:
        # backup_cluster from the driver's own options: its conf (and the keyrings beside it, which the
        # conf names) must be in /etc/ceph or an allowed directory
        allowed.append(os.path.dirname(os.environ['BACKUP_CEPH_CONF']))
    lines = ['memory_budget = 64MiB', 'socket = ' + work.socket, 'state_dir = ' + work.path('state'),
             'allowed_paths = ' + ', '.join(allowed)]
    if os.environ.get('CEPH_CONF'):
        lines.append('ceph_conf = ' + os.environ['CEPH_CONF'])
    if CEPH_BACKUPS:
        # the backup cluster as a store, read as the read-only user
        lines += ['store.cephbackups.type = ceph', 'store.cephbackups.conf = ' + os.environ['BACKUP_CEPH_CONF'],
                  'store.cephbackups.user = ' + os.environ['BACKUP_CEPH_USER'],
                  'store.cephbackups.keyring = ' + os.environ['BACKUP_CEPH_KEYRING'],
                  'store.cephbackups.pool = ' + os.environ['BACKUP_CEPH_POOL']]
    if os.environ.get('RGW_ENDPOINT'):
        _write(work.path('s3-credentials'), (
            '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n'
            % (os.environ['RGW_S3_ACCESS_KEY'], os.environ['RGW_S3_SECRET_KEY'])).encode())
        _write(work.path('swift-credentials'), ('user = %s\nkey = %s\n' % (
            os.environ['RGW_SWIFT_USER'], os.environ['RGW_SWIFT_KEY'])).encode())
        os.chmod(work.path('s3-credentials'), 0o600)
        os.chmod(work.path('swift-credentials'), 0o600)
        lines += ['store.rgw.type = s3', 'store.rgw.endpoint = ' + os.environ['RGW_ENDPOINT'],
                  'store.rgw.credentials_file = ' + work.path('s3-credentials'),
                  'store.rgwswift.type = swift', 'store.rgwswift.auth_url = ' + os.environ['RGW_SWIFT_AUTH_URL'],
                  'store.rgwswift.credentials_file = ' + work.path('swift-credentials')]
    _write(conf, ('\n'.join(lines) + '\n').encode())
    # the agent removes its socket when it stops; a killed one leaves it, so wait for a file made now
    if os.path.exists(work.socket):
        os.remove(work.socket)
    with open(work.path('agent.log'), 'wb') as log:
        process = subprocess.Popen([os.path.join(CHECKOUT, 'bin', 'restore-agent'), 'serve', '--config', conf],
                                   stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not os.path.exists(work.socket):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError('restore-agent serve did not start; its log:\n' + _read(work.path('agent.log')).decode())
        time.sleep(0.1)
    return process


def setUpModule():
    global work, agent
    work = Work()
    # Cinder's configuration, DB and bus once for this process, as cinder_driver.py makes them
    cinder_driver._setup(argparse.Namespace(driver='posix', backup_path=work.backups, db=work.db,
                                            compression=None, chunk_size=None, sha_block_size=None, set=None))
    ctxt = cinder_driver._context()
    # the source volume, with metadata that Cinder's backup records in volume_meta
    cinder_driver._volume_row(ctxt, work.volume_id, 1, 'available', 'source')
    db.volume_metadata_update(ctxt, work.volume_id, {'restored-by': 'volume_meta'}, False)
    _write(work.path('v1.img'), work.v1)
    _write(work.path('v2.img'), work.v2)
    _write(work.path('small.img'), work.v1[:3 * MIB])
    _write(work.path('large.img'), _volume_bytes(128 * MIB, 4))
    posix = ['--driver', 'posix', '--backup-path', work.backups, '--volume-id', work.volume_id,
             '--chunk-size', str(CHUNK)]
    _cinder_backup(*posix, '--volume', work.path('v1.img'), '--backup-id', work.full)
    _cinder_backup(*posix, '--volume', work.path('v2.img'), '--backup-id', work.incr, '--parent-id', work.full)
    _cinder_backup(*posix, '--volume', work.path('small.img'), '--backup-id', work.corrupt, '--container', 'other')
    _cinder_backup('--driver', 'posix', '--backup-path', work.backups, '--volume-id', str(uuid.uuid4()),
                   '--volume', work.path('large.img'), '--backup-id', work.large, '--chunk-size', str(8 * MIB),
                   '--compression', 'none')
    # the seed scenario's backup: one object of 16 MiB, as each of Cinder's own restores would hold it whole
    _write(work.path('seed.img'), _volume_bytes(SEED_BYTES, 5))
    _cinder_backup('--driver', 'posix', '--backup-path', work.backups, '--volume-id', str(uuid.uuid4()),
                   '--volume', work.path('seed.img'), '--backup-id', work.seed, '--chunk-size', str(SEED_BYTES))
    if RGW:
        # Cinder's S3 and Swift drivers into the test RGW, rows in the same DB; this process's
        # drivers get the same cinder.conf lines
        cinder_driver._configure_s3(None)
        cinder_driver._configure_swift(None)
        s3 = ['--driver', 's3', '--volume-id', work.volume_id, '--chunk-size', str(CHUNK)]
        _cinder_backup(*s3, '--volume', work.path('v1.img'), '--backup-id', work.s3_full)
        _cinder_backup(*s3, '--volume', work.path('v2.img'), '--backup-id', work.s3_incr, '--parent-id', work.s3_full)
        _cinder_backup('--driver', 'swift', '--volume-id', work.volume_id, '--chunk-size', str(CHUNK),
                       '--volume', work.path('v2.img'), '--backup-id', work.swift_full,
                       '--container', work.swift_container, '--compression', 'zstd')
    if CEPH_BACKUPS:
        _ceph_backups(ctxt)
    agent = _start_agent()


def _ceph_backups(ctxt):
    """A full and an incremental backup by Cinder's own CephBackupDriver of a 1 GiB RBD volume of the volume
    cluster into the backup cluster (cinder_driver.py, as the Java tests make them), each with the volume's
    metadata as it was then; this process's drivers get the same backup_ceph_* lines of cinder.conf."""
    cinder_driver._configure_ceph(None)
    vid = work.ceph_volume_id
    cinder_driver._volume_row(ctxt, vid, 1, 'available', 'ceph source')
    edits = {
        # a few MiB of data in a 1 GiB volume; then written over, an object discarded, and written
        # up to its last byte
        work.ceph_full: [('write', 0, 3 * MIB + 12345), ('write', 100 * MIB, 4 * MIB)],
        work.ceph_incr: [('write', MIB + 4096, 65536), ('discard', 100 * MIB, 4 * MIB),
                         ('write', 700 * MIB + 12345, 2 * MIB), ('write', GIB - 4096, 4096)],
    }
    parent = None
    for n, backup_id in enumerate((work.ceph_full, work.ceph_incr)):
        listed = []
        for i, (op, offset, length) in enumerate(edits[backup_id]):
            if op == 'write':
                data = work.path('ceph-edit-%d-%d' % (n, i))
                _write(data, random.Random(10 * n + i).randbytes(length))
                listed.append({'op': 'write', 'offset': offset, 'file': data})
            else:
                listed.append({'op': 'discard', 'offset': offset, 'length': length})
        _write(work.path('ceph-edits-%d.json' % n), json.dumps(listed).encode())
        # Cinder's driver saves the volume's metadata beside each backup (backup.ID.meta)
        db.volume_metadata_update(ctxt, vid, {'restored-by': 'ceph-meta', 'backup': backup_id}, False)
        result = work.path('ceph-result-%d.json' % n)
        _cinder_backup('--driver', 'ceph', '--rbd-volume', '--size-gib', '1', '--volume-id', vid,
                       '--backup-id', backup_id, '--edits', work.path('ceph-edits-%d.json' % n),
                       '--result', result, *(['--parent-id', parent] if parent else []))
        with open(result) as f:
            work.ceph_results[backup_id] = json.load(f)
        parent = backup_id


def tearDownModule():
    if agent is not None:
        agent.terminate()
        agent.wait(30)
    if work is not None:
        if work.ceph_results:
            # the source volume's image, the backup images and their metadata objects
            subprocess.run([sys.executable, os.path.join(CHECKOUT, 'testkit', 'src', 'main', 'python',
                                                         'cinder_driver.py'), 'remove-ceph-volume', '--db', work.db,
                            '--volume-id', work.ceph_volume_id], check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(work.dir, ignore_errors=True)


def _restore(driver_class, backup_id, volume_file_of, volume_is_new=None):
    """BackupManager.restore_backup/_run_restore around the driver, as cinder_driver.py restore does;
    volume_file_of(target volume) gives the attached volume's file object. Returns the target row."""
    ctxt = cinder_driver._context()
    record = objects.Backup.get_by_id(ctxt, backup_id)
    target = cinder_driver._volume_row(ctxt, str(uuid.uuid4()), record.size, 'restoring-backup',
                                       'restore_backup_' + record.id)
    record.status = fields.BackupStatus.RESTORING
    record.save()
    try:
        service = driver_class(ctxt)
        with volume_file_of(target) as volume_file:
            args = (record, target.id, tpool.Proxy(volume_file))
            service.restore(*(args if volume_is_new is None else args + (volume_is_new,)))
    finally:
        record.refresh()
        record.status = fields.BackupStatus.AVAILABLE
        record.save()
    return target


def _rss_bytes():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    raise RuntimeError('no VmRSS in /proc/self/status')


def _into_file(path):
    return lambda target: open(path, 'wb')  # BackupManager._run_restore opens the device path 'wb'


def _metadata(volume_id):
    return db.volume_metadata_get(cinder_driver._context(), volume_id)


class AgentTestCase(unittest.TestCase):

    def _jobs_seen(self):
        """Records every job answer the shim gets, through the real client."""
        seen = []
        real = agent_client.AgentClient.job

        def job(client, job_id):
            answer = real(client, job_id)
            seen.append(answer)
            return answer
        patcher = mock.patch.object(agent_client.AgentClient, 'job', job)
        patcher.start()
        self.addCleanup(patcher.stop)
        return seen


class ShimTest(AgentTestCase):

    def setUp(self):
        CONF.set_override('restore_agent_socket', work.socket)
        CONF.set_override('restore_agent_poll_interval', 0.02)
        CONF.set_override('restore_agent_progress_interval', 0)
        self.addCleanup(CONF.clear_override, 'restore_agent_socket')
        self.addCleanup(CONF.clear_override, 'restore_agent_poll_interval')
        self.addCleanup(CONF.clear_override, 'restore_agent_progress_interval')
        self.addCleanup(CONF.clear_override, 'restore_agent_fallback')

    def test_options_registered_with_their_defaults(self):
        CONF.clear_override('restore_agent_socket')
        self.assertEqual('/run/restore-agent/agent.sock', CONF.restore_agent_socket)
        self.assertFalse(CONF.restore_agent_fallback)
        self.assertIsNone(CONF.restore_agent_store)
        self.assertEqual(options.DEFAULT_SOCKET, CONF.restore_agent_socket)

    def test_full_backup_restored_byte_exact_into_a_file(self):
        out = work.path('full.out')
        seen = self._jobs_seen()
        with self.assertLogs('restore_agent_cinder.agent_restore', 'INFO') as logs:
            _restore(shim_posix.PosixBackupDriver, work.full, _into_file(out))
        self.assertEqual(work.v1, _read(out))
        self.assertEqual('SUCCEEDED', seen[-1]['state'])
        self.assertTrue(seen[-1]['request']['target_zeroed'], 'an emptied file reads as zeros')
        self.assertTrue(any('handed to restore-agent' in line for line in logs.output), logs.output)
        self.assertTrue(any('bytes written' in line for line in logs.output), logs.output)
        self.assertTrue(any(' MiB/s' in line for line in logs.output), 'a progress line: %s' % logs.output)

    def test_chain_restored_byte_exact_and_volume_meta_applied(self):
        out = work.path('incr.out')
        target = _restore(shim_posix.PosixBackupDriver, work.incr, _into_file(out))
        self.assertEqual(work.v2, _read(out))
        metadata = db.volume_metadata_get(cinder_driver._context(), target.id)
        self.assertEqual('volume_meta', metadata.get('restored-by'))

    def test_cancel_mid_restore(self):
        out = work.path('cancel.out')
        ctxt = cinder_driver._context()
        seen = self._jobs_seen()
        real = agent_client.AgentClient.job

        def job(client, job_id):
            answer = real(client, job_id)
            # Cinder's cancel (`cinder backup-reset-state`, or the API's delete) changes the row
            if answer['state'] == 'RUNNING' and answer['bytes_done'] > 0:
                db.backup_update(ctxt, work.large, {'status': fields.BackupStatus.AVAILABLE})
            return answer
        with mock.patch.object(agent_client.AgentClient, 'job', job):
            with self.assertRaises(exception.BackupRestoreCancel):
                _restore(shim_posix.PosixBackupDriver, work.large, _into_file(out))
        job_id = seen[-1]['id'] if seen else None
        final = agent_client.AgentClient(work.socket).job(job_id)
        self.assertEqual('CANCELLED', final['state'], 'the job was cancelled, not left to finish')
        self.assertLess(final['bytes_done'], 128 * MIB)
        self.assertNotEqual(_read(work.path('large.img')), _read(out))

    def test_agent_restarted_mid_restore_is_waited_for(self):
        global agent
        out = work.path('restart.out')
        seen = self._jobs_seen()
        real = agent_client.AgentClient.job
        restarts = []

        def restart():
            # a package upgrade: SIGTERM drains the running job and journals it, the next start resumes it
            agent.terminate()
            agent.wait(60)
            restarts.append(_start_agent())

        def job(client, job_id):
            answer = real(client, job_id)
            if not restarts and answer['state'] == 'RUNNING' and answer['bytes_done'] > 0:
                restarts.append(eventlet.spawn(restart))
            return answer
        with mock.patch.object(agent_client.AgentClient, 'job', job):
            with self.assertLogs('restore_agent_cinder.agent_restore', 'WARNING') as logs:
                _restore(shim_posix.PosixBackupDriver, work.large, _into_file(out))
        restarts[0].wait()
        agent = restarts[1]
        self.assertEqual(_read(work.path('large.img')), _read(out))
        self.assertTrue(any('cannot be reached' in line or 'stopped answering' in line for line in logs.output),
                        logs.output)
        self.assertIsNotNone(seen[-1]['resumed_from'], 'the job went on from its checkpoint')

    def test_agent_down_fails_clearly_without_fallback(self):
        gone = work.path('no-agent.sock')
        CONF.set_override('restore_agent_socket', gone)
        out = work.path('down.out')
        with self.assertRaises(exception.BackupOperationError) as caught:
            _restore(shim_posix.PosixBackupDriver, work.full, _into_file(out))
        message = str(caught.exception)
        self.assertIn('restore-agent at %s cannot be reached' % gone, message)
        self.assertIn('restore_agent_fallback is off', message)

    def test_agent_down_with_fallback_runs_cinders_own_restore(self):
        CONF.set_override('restore_agent_socket', work.path('no-agent.sock'))
        CONF.set_override('restore_agent_fallback', True)
        out = work.path('fallback.out')
        with self.assertLogs('restore_agent_cinder.agent_restore', 'WARNING') as logs:
            _restore(shim_posix.PosixBackupDriver, work.incr, _into_file(out))
        self.assertEqual(work.v2, _read(out))
        self.assertIn('Cinder restores it itself', logs.output[0])

    def test_corrupt_object_is_invalid_backup_with_the_agents_sentence(self):
        container = os.path.join(work.backups, 'other')
        name = sorted(n for n in os.listdir(container) if n.endswith('-00002') and work.corrupt in n)[0]
        with open(os.path.join(container, name), 'r+b') as f:
            f.seek(100)
            f.write(b'XXXXXXXX')
        with self.assertRaises(exception.InvalidBackup) as caught:
            _restore(shim_posix.PosixBackupDriver, work.corrupt, _into_file(work.path('corrupt.out')))
        message = str(caught.exception)
        self.assertIn('restore-agent job', message)
        self.assertIn(name, message)

    def test_41_concurrent_restores_leave_cinders_memory_flat(self):
        # the seed: 41 restores at once in one cinder-backup process (greenthreads, as its manager
        # runs them); the agent's budget (64 MiB here) bounds the data path, not Cinder's heap
        ctxt = cinder_driver._context()
        record = objects.Backup.get_by_id(ctxt, work.seed)
        record.status = fields.BackupStatus.RESTORING
        record.save()
        outs = [work.path('seed-%02d.out' % i) for i in range(SEED_RESTORES)]
        rss = [_rss_bytes()]
        done = []

        def one(out):
            target = cinder_driver._volume_row(ctxt, str(uuid.uuid4()), record.size, 'restoring-backup', 'seed')
            with open(out, 'wb') as f:
                shim_posix.PosixBackupDriver(ctxt).restore(objects.Backup.get_by_id(ctxt, work.seed), target.id,
                                                           tpool.Proxy(f))

        def sample():
            while len(done) < SEED_RESTORES:
                rss.append(_rss_bytes())
                eventlet.sleep(0.05)
        CONF.set_override('restore_agent_poll_interval', 0.2)
        CONF.set_override('restore_agent_progress_interval', 3600)
        try:
            sampler = eventlet.spawn(sample)
            threads = [eventlet.spawn(one, out) for out in outs]
            for t in threads:
                try:
                    t.wait()
                finally:
                    done.append(t)
            sampler.wait()
        finally:
            record.status = fields.BackupStatus.AVAILABLE
            record.save()
        expected = _read(work.path('seed.img'))
        for out in outs:
            self.assertEqual(expected, _read(out), out)
        growth = max(rss) - rss[0]
        # 41 x 16 MiB went through; Cinder's own restore would hold each object whole, compressed and
        # decompressed: less than one object's growth means none was (measured: about 2 MiB)
        self.assertLess(growth, SEED_BYTES, 'RSS grew %.1f MiB over %d samples' % (growth / MIB, len(rss)))

    def test_target_the_agent_may_not_write_is_its_refusal(self):
        outside = tempfile.NamedTemporaryFile(dir='/var/tmp', prefix='cinder-shim-', delete=False).name
        self.addCleanup(os.remove, outside)
        with self.assertRaises(exception.BackupOperationError) as caught:
            _restore(shim_posix.PosixBackupDriver, work.full, _into_file(outside))
        message = str(caught.exception)
        self.assertIn('restore-agent refused to restore backup %s to %s' % (work.full, outside), message)
        self.assertIn('is outside the directories this agent may use', message)  # the agent's sentence

    def test_loop_device(self):
        if os.geteuid() != 0:
            if CI:
                self.fail('a loop device needs root, and CI runs as root')
            self.skipTest('a loop device needs root')
        backing = work.path('loop.backing')
        _write(backing, bytes(len(work.v2) + MIB))
        found = subprocess.run(['losetup', '--find', '--show', backing], capture_output=True, text=True)
        if found.returncode != 0:
            if CI:
                self.fail('losetup failed: ' + found.stderr.strip())
            self.skipTest('no loop device here: ' + found.stderr.strip())
        device = found.stdout.strip()
        self.addCleanup(subprocess.run, ['losetup', '-d', device], check=False)
        _restore(shim_posix.PosixBackupDriver, work.incr, _into_file(device))
        with open(device, 'rb') as f:
            self.assertEqual(work.v2, f.read(len(work.v2)))

    def test_rbd_image_as_os_brick_attaches_it(self):
        conf = os.environ.get('CEPH_CONF')
        if not conf:
            if CI:
                self.fail('CEPH_CONF is not set (scripts/with-ceph.sh)')
            self.skipTest('no test cluster (scripts/with-ceph.sh sets CEPH_CONF)')
        import rados
        import rbd
        from os_brick.initiator import linuxrbd
        name = 'cinder-shim-%s' % uuid.uuid4().hex[:8]
        with rados.Rados(conffile=conf) as cluster, cluster.open_ioctx('rbd') as ioctx:
            rbd.RBD().create(ioctx, name, len(work.v2))
            try:
                def attach(target):
                    # what os-brick's RBD connector hands the backup manager (connectors/rbd.py)
                    rbd_client = linuxrbd.RBDClient('admin', 'rbd', conffile=conf)
                    volume = linuxrbd.RBDVolume(rbd_client, name)
                    return linuxrbd.RBDVolumeIOWrapper(linuxrbd.RBDImageMetadata(volume, 'rbd', 'admin', conf))
                seen = self._jobs_seen()
                _restore(shim_posix.PosixBackupDriver, work.incr, attach, volume_is_new=True)
                self.assertEqual('rbd:rbd/' + name, seen[-1]['request']['to'])
                self.assertTrue(seen[-1]['request']['target_zeroed'])
                with rbd.Image(ioctx, name, read_only=True) as image:
                    self.assertEqual(work.v2, image.read(0, len(work.v2)))
            finally:
                rbd.RBD().remove(ioctx, name)


@unittest.skipUnless(RGW or CI, 'no RGW (scripts/with-ceph.sh exports RGW_*)')
class ObjectStoreTest(unittest.TestCase):
    """Backups Cinder's own S3 and Swift drivers wrote to the RGW, restored by the agent from its stores."""

    def setUp(self):
        self.assertTrue(RGW, 'RGW_ENDPOINT is not set (scripts/with-ceph.sh)')
        CONF.set_override('restore_agent_socket', work.socket)
        CONF.set_override('restore_agent_poll_interval', 0.02)
        self.addCleanup(CONF.clear_override, 'restore_agent_socket')
        self.addCleanup(CONF.clear_override, 'restore_agent_poll_interval')
        self.addCleanup(CONF.clear_override, 'restore_agent_store')

    def test_s3_chain_restored_byte_exact(self):
        CONF.set_override('restore_agent_store', 'rgw')
        out = work.path('s3.out')
        target = _restore(shim_s3.S3BackupDriver, work.s3_incr, _into_file(out))
        self.assertEqual(work.v2, _read(out))
        metadata = db.volume_metadata_get(cinder_driver._context(), target.id)
        self.assertEqual('volume_meta', metadata.get('restored-by'))

    def test_swift_backup_restored_byte_exact(self):
        CONF.set_override('restore_agent_store', 'rgwswift')
        out = work.path('swift.out')
        _restore(shim_swift.SwiftBackupDriver, work.swift_full, _into_file(out))
        self.assertEqual(work.v2, _read(out))

    def test_store_name_missing_is_a_clear_error(self):
        with self.assertRaises(exception.BackupOperationError) as caught:
            _restore(shim_s3.S3BackupDriver, work.s3_full, _into_file(work.path('nostore.out')))
        self.assertIn('restore_agent_store is not set', str(caught.exception))



@unittest.skipUnless(CEPH_BACKUPS or CI, 'no backup cluster (scripts/with-ceph.sh exports BACKUP_CEPH_*)')
class CephDriverTest(AgentTestCase):
    """Backups Cinder's own CephBackupDriver wrote into the backup cluster, restored by the agent as the shim's
    Ceph driver asks: from the agent's store (the read-only user) or from the driver's own backup_ceph_*."""

    def setUp(self):
        self.assertTrue(CEPH_BACKUPS, 'BACKUP_CEPH_CONF or CEPH_CONF is not set (scripts/with-ceph.sh)')
        self.assertEqual({work.ceph_full, work.ceph_incr}, set(work.ceph_results), 'the backups were made')
        CONF.set_override('restore_agent_socket', work.socket)
        CONF.set_override('restore_agent_poll_interval', 0.02)
        self.addCleanup(CONF.clear_override, 'restore_agent_socket')
        self.addCleanup(CONF.clear_override, 'restore_agent_poll_interval')
        self.addCleanup(CONF.clear_override, 'restore_agent_store')
        self.addCleanup(CONF.clear_override, 'restore_agent_fallback')

    def _assert_restored(self, backup_id, sha256, target):
        """The volume as it was when backup_id was taken, and that backup's metadata on the target volume."""
        result = work.ceph_results[backup_id]
        self.assertEqual(result['sha256'], sha256, 'the volume as it was at backup %s' % backup_id)
        metadata = _metadata(target.id)
        self.assertEqual('ceph-meta', metadata.get('restored-by'), 'Cinder\'s _restore_metadata ran')
        self.assertEqual(backup_id, metadata.get('backup'), 'the metadata saved with this backup')

    def _assert_request(self, request, backup_id):
        """The backup as Cinder's row names it: its volume (not the target), pool and base image."""
        self.assertEqual(backup_id, request['backup_id'])
        self.assertEqual(work.ceph_volume_id, request['volume_id'])
        self.assertEqual(os.environ['BACKUP_CEPH_POOL'], request['container'])
        self.assertEqual(work.ceph_results[backup_id]['service_metadata'], request['service_metadata'])

    def _backup_cluster_of_the_options(self):
        return {'conf': os.environ['BACKUP_CEPH_CONF'], 'user': os.environ['BACKUP_CEPH_CINDER_USER'],
                'pool': os.environ['BACKUP_CEPH_POOL']}

    def test_incremental_into_an_rbd_volume_from_the_agents_store(self):
        import rados
        import rbd
        from os_brick.initiator import linuxrbd
        CONF.set_override('restore_agent_store', 'cephbackups')
        conf = os.environ['CEPH_CONF']
        name = 'cinder-shim-ceph-%s' % uuid.uuid4().hex[:8]
        with rados.Rados(conffile=conf) as cluster, cluster.open_ioctx('rbd') as ioctx:
            rbd.RBD().create(ioctx, name, GIB)
            try:
                with rbd.Image(ioctx, name) as image:
                    # other data where the backup has none (the discarded object): it must read as zeros after
                    image.write(b'\x5a' * MIB, 101 * MIB)

                def attach(target):
                    # os-brick's RBD connector, as in test_rbd_image_as_os_brick_attaches_it
                    rbd_client = linuxrbd.RBDClient('admin', 'rbd', conffile=conf)
                    volume = linuxrbd.RBDVolume(rbd_client, name)
                    return linuxrbd.RBDVolumeIOWrapper(linuxrbd.RBDImageMetadata(volume, 'rbd', 'admin', conf))
                seen = self._jobs_seen()
                target = _restore(shim_ceph.CephBackupDriver, work.ceph_incr, attach)
                request = seen[-1]['request']
                self._assert_request(request, work.ceph_incr)
                self.assertEqual('cephbackups', request['store'])
                self.assertNotIn('backup_cluster', request)
                self.assertEqual('rbd:rbd/' + name, request['to'])
                self.assertTrue(request['force'], 'Cinder holds the image open')
                self.assertIn('as client.' + os.environ['BACKUP_CEPH_USER'], seen[-1]['source'])
                self.assertEqual('SUCCEEDED', seen[-1]['state'])
                with rbd.Image(ioctx, name, read_only=True) as image:
                    self._assert_restored(work.ceph_incr, cinder_driver._sha256_rbd(image, GIB), target)
            finally:
                rbd.RBD().remove(ioctx, name)

    def test_full_into_a_file_from_the_drivers_own_options(self):
        out = work.path('ceph-full.out')
        seen = self._jobs_seen()
        real = cinder_ceph.CephBackupDriver._restore_metadata
        with mock.patch.object(shim_ceph.CephBackupDriver, '_restore_metadata', autospec=True,
                               side_effect=real) as restore_metadata:
            with self.assertLogs('restore_agent_cinder.agent_restore', 'INFO') as logs:
                target = _restore(shim_ceph.CephBackupDriver, work.ceph_full, _into_file(out))
        # as Cinder's own restore() calls it, once, after the data
        restore_metadata.assert_called_once_with(mock.ANY, mock.ANY, target.id)
        self.assertEqual(work.ceph_full, restore_metadata.call_args.args[1].id)
        request = seen[-1]['request']
        self._assert_request(request, work.ceph_full)
        self.assertEqual(self._backup_cluster_of_the_options(), request['backup_cluster'])
        self.assertNotIn('store', request)
        self.assertTrue(request['target_zeroed'], 'an emptied file reads as zeros')
        self.assertIn('as client.' + os.environ['BACKUP_CEPH_CINDER_USER'], seen[-1]['source'])
        self.assertTrue(any('handed to restore-agent' in line for line in logs.output), logs.output)
        # the length Cinder's own restore leaves it with: the target volume's size
        self.assertEqual(GIB, os.path.getsize(out))
        self._assert_restored(work.ceph_full, cinder_driver._sha256_file(out, GIB), target)

    def test_incremental_into_a_loop_device_from_the_drivers_own_options(self):
        if os.geteuid() != 0:
            if CI:
                self.fail('a loop device needs root, and CI runs as root')
            self.skipTest('a loop device needs root')
        backing = work.path('ceph-loop.backing')
        with open(backing, 'wb') as f:
            f.truncate(GIB)
            # other data where the backup has a hole: a device is not known to read as zeros
            f.seek(100 * MIB + 5)
            f.write(b'\x77' * 4096)
        found = subprocess.run(['losetup', '--find', '--show', backing], capture_output=True, text=True)
        if found.returncode != 0:
            if CI:
                self.fail('losetup failed: ' + found.stderr.strip())
            self.skipTest('no loop device here: ' + found.stderr.strip())
        device = found.stdout.strip()
        self.addCleanup(subprocess.run, ['losetup', '-d', device], check=False)
        seen = self._jobs_seen()
        target = _restore(shim_ceph.CephBackupDriver, work.ceph_incr, _into_file(device))
        request = seen[-1]['request']
        self.assertEqual(self._backup_cluster_of_the_options(), request['backup_cluster'])
        self.assertNotIn('target_zeroed', request)
        self._assert_restored(work.ceph_incr, cinder_driver._sha256_file(device, GIB), target)

    def test_agent_down_with_fallback_runs_cinders_own_restore(self):
        CONF.set_override('restore_agent_socket', work.path('no-agent.sock'))
        CONF.set_override('restore_agent_fallback', True)
        out = work.path('ceph-fallback.out')
        calls = []
        real = cinder_ceph.CephBackupDriver.restore

        def cinders_restore(driver, *args):
            calls.append(args)
            return real(driver, *args)
        with mock.patch.object(cinder_ceph.CephBackupDriver, 'restore', cinders_restore):
            with self.assertLogs('restore_agent_cinder.agent_restore', 'WARNING') as logs:
                target = _restore(shim_ceph.CephBackupDriver, work.ceph_full, _into_file(out))
        self.assertEqual(1, len(calls), "Cinder's own CephBackupDriver.restore, once")
        self.assertIn('Cinder restores it itself', logs.output[0])
        self._assert_restored(work.ceph_full, cinder_driver._sha256_file(out, GIB), target)

    def test_agent_down_fails_clearly_without_fallback(self):
        gone = work.path('no-agent.sock')
        CONF.set_override('restore_agent_socket', gone)
        with self.assertRaises(exception.BackupOperationError) as caught:
            _restore(shim_ceph.CephBackupDriver, work.ceph_full, _into_file(work.path('ceph-down.out')))
        self.assertIn('restore-agent at %s cannot be reached' % gone, str(caught.exception))
        self.assertIn('restore_agent_fallback is off', str(caught.exception))

    def test_unknown_backup_is_invalid_backup_with_the_agents_sentence(self):
        # a row of the Ceph driver whose backup is not in the pool (deleted there, or another cluster's)
        ctxt = cinder_driver._context()
        backup_id = str(uuid.uuid4())
        db.backup_create(ctxt, {
            'id': backup_id, 'volume_id': work.ceph_volume_id, 'user_id': cinder_driver.USER_ID,
            'project_id': cinder_driver.PROJECT_ID, 'status': fields.BackupStatus.AVAILABLE,
            'container': os.environ['BACKUP_CEPH_POOL'], 'size': 1, 'host': cinder_driver.HOST,
            'service': 'cinder.backup.drivers.ceph.CephBackupDriver',
        })
        out = work.path('ceph-unknown.out')
        with mock.patch.object(shim_ceph.CephBackupDriver, '_restore_metadata') as restore_metadata:
            with self.assertRaises(exception.InvalidBackup) as caught:
                _restore(shim_ceph.CephBackupDriver, backup_id, _into_file(out))
        message = str(caught.exception)
        self.assertIn('restore-agent job', message)
        self.assertIn(backup_id, message)
        self.assertIn(os.environ['BACKUP_CEPH_POOL'], message)
        restore_metadata.assert_not_called()

if __name__ == '__main__':
    result = unittest.main(verbosity=2, exit=False).result
    if CI and result.skipped:
        # under CI every test runs: a skip hides a missing install step
        for test, reason in result.skipped:
            print('FAIL (skipped under CI=true): %s: %s' % (test.id(), reason), file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if result.wasSuccessful() else 1)
