"""The restore() the package's drivers share: the agent restores, Cinder waits and finishes.

What Cinder's ChunkedBackupDriver.restore does, and what becomes of it here:

- the chain (parent_id followed to the full backup) and each layer's metadata, read as Cinder reads
  them: the same InvalidBackup for a version it cannot restore, and each layer's ``volume_meta``;
- the data: one job of the agent, which finds every layer itself (backup_root or store, container,
  service_metadata), streams and verifies it under its memory budget, and writes the target;
- the cancel check before each object (the backup's status leaving ``restoring``) becomes a check
  every poll interval, then DELETE of the job and Cinder's BackupRestoreCancel;
- after the data, Cinder's own volume metadata step for each layer, oldest first, as in its driver.

A driver of another kind (Ceph's) gives its own source fields and its own steps before and after the
data (:meth:`AgentRestoreMixin.before_data`); the job, its wait, cancel, fallback and errors are these.
"""

import os
import time
import uuid

import eventlet
from oslo_log import log as logging

from cinder import exception
from cinder import objects
from cinder.objects import fields

from restore_agent_cinder import client as agent_client
from restore_agent_cinder import options
from restore_agent_cinder import target as targets

LOG = logging.getLogger(__name__)
CONF = options.CONF

FINAL_STATES = ('SUCCEEDED', 'FAILED', 'CANCELLED')
# the backup's data or metadata is at fault: Cinder's InvalidBackup; other failures are
# BackupOperationError (the target, the agent itself)
BACKUP_FAULTS = ('BAD_INPUT', 'VERIFICATION')
# a submit whose answer was lost is sent again with the same idempotency key, so it is one job
SUBMIT_ATTEMPTS = 3
MIB = float(1 << 20)


class AgentRestoreMixin:
    """restore() through the agent. Put it before Cinder's driver class among the bases."""

    def agent_source(self, backup):
        """The request's source fields for backup: backup_root (posix, NFS), store (Swift, S3), or
        volume_id with store or backup_cluster (Ceph)."""
        raise NotImplementedError

    def before_data(self, backup, volume_id):
        """What Cinder's own restore reads and checks before the data, as it does.

        Returns (extent, after_data): the length Cinder's own restore leaves a regular-file target
        with, and its step after the data, called once the agent's job has succeeded. Here, for a
        chunked driver: the chain's metadata read and checked, each layer's volume_meta applied after
        the data, oldest first.

        :raises InvalidBackup: a layer's metadata version Cinder cannot restore
        """
        layers = [self._layer(b) for b in self._chain(backup)]

        def after_data():
            for _, volume_meta in layers:
                self._put_volume_meta(volume_id, volume_meta)
        return max(extent for extent, _ in layers), after_data

    def restore(self, backup, volume_id, volume_file, volume_is_new=None):
        """Restore backup (and its chain) into volume_file through the agent.

        volume_is_new is the argument Cinder 2023.1 and later pass; Zed passes three arguments.

        :raises BackupRestoreCancel: the backup's status left 'restoring'; the job was cancelled
        :raises InvalidBackup: the backup cannot be restored (the agent's sentence says why)
        :raises BackupOperationError: the agent, the target or the configuration failed
        """
        try:
            target = targets.target_of(volume_file)
        except targets.UnsupportedTarget as e:
            return self._fallback_or_fail(str(e), backup, volume_id, volume_file, volume_is_new)
        extent, after_data = self.before_data(backup, volume_id)
        zeroed = bool(volume_is_new)
        if target.kind == 'file':
            zeroed = _size_file(target.fd, extent) or zeroed
        request = dict(self.agent_source(backup), backup_id=backup.id, to=target.to,
                       idempotency_key='cinder-restore/%s/%s/%s' % (backup.id, volume_id, uuid.uuid4()))
        if backup.container:
            request['container'] = backup.container
        if backup.service_metadata:
            request['service_metadata'] = backup.service_metadata
        if target.force:
            request['force'] = True
        if zeroed:
            request['target_zeroed'] = True
        client = agent_client.AgentClient(CONF.restore_agent_socket)
        try:
            job = self._submit(client, request, backup, target)
        except agent_client.AgentUnreachable as e:
            return self._fallback_or_fail(str(e), backup, volume_id, volume_file, volume_is_new)
        LOG.info('Backup %(backup)s: restore to volume %(volume)s handed to restore-agent, job %(job)s: '
                 '%(source)s -> %(target)s.',
                 {'backup': backup.id, 'volume': volume_id, 'job': job['id'],
                  'source': job.get('source'), 'target': target.description})
        self._wait(client, job, backup, volume_id)
        after_data()
        LOG.debug('restore %(backup_id)s to %(volume_id)s finished.',
                  {'backup_id': backup.id, 'volume_id': volume_id})
        return None

    def _chain(self, backup):
        """The backups to lay down, the full one first: Cinder's own walk of parent_id."""
        chain = [backup]
        while chain[-1].parent_id:
            chain.append(objects.Backup.get_by_id(self.context, chain[-1].parent_id))
        chain.reverse()
        return chain

    def _layer(self, backup):
        """(end of its data, volume_meta) of one backup, its metadata read and checked as Cinder does."""
        metadata = self._read_metadata(backup)
        version = metadata.get('version')
        if self.DRIVER_VERSION_MAPPING.get(version) is None:
            raise exception.InvalidBackup(reason='No support to restore backup version %s' % version)
        extent = 0
        for entry in metadata.get('objects', []):
            for obj in entry.values():
                extent = max(extent, obj['offset'] + obj['length'])
        return extent, metadata.get('volume_meta')

    def _put_volume_meta(self, volume_id, volume_meta):
        if not volume_meta:
            LOG.debug('No volume metadata in this backup.')
            return
        try:
            self.put_metadata(volume_id, volume_meta)
        except exception.BackupMetadataUnsupportedVersion:
            msg = 'Metadata restore failed due to incompatible version.'
            LOG.error(msg)
            raise exception.BackupOperationError(msg)

    def _fallback_or_fail(self, reason, backup, volume_id, volume_file, volume_is_new):
        if not CONF.restore_agent_fallback:
            raise exception.BackupOperationError(
                'Backup %s cannot be restored through restore-agent: %s (restore_agent_fallback is off).'
                % (backup.id, reason))
        LOG.warning('Backup %(backup)s: %(reason)s; restore_agent_fallback is on, so Cinder restores it '
                    'itself.', {'backup': backup.id, 'reason': reason})
        if volume_is_new is None:
            return super().restore(backup, volume_id, volume_file)
        return super().restore(backup, volume_id, volume_file, volume_is_new)

    def _submit(self, client, request, backup, target):
        lost = None
        for attempt in range(SUBMIT_ATTEMPTS):
            try:
                return client.submit(request)
            except agent_client.AgentUnreachable as e:
                if attempt == 0:
                    raise  # nothing was sent: the caller may fall back
                raise exception.BackupOperationError(
                    'Backup %s: %s after a submit whose answer was lost (idempotency key %s).'
                    % (backup.id, e, request['idempotency_key'])) from e
            except agent_client.AgentConnectionLost as e:
                lost = e
                eventlet.sleep(CONF.restore_agent_poll_interval)
            except agent_client.AgentError as e:
                hint = ''
                if e.status == 403:
                    hint = (' (uid %d must be root, in allowed_uids or in allowed_groups of agent.conf,'
                            ' e.g. a member of the group restore-agent)' % os.getuid())
                raise exception.BackupOperationError(
                    'restore-agent refused to restore backup %s to %s: %s%s'
                    % (backup.id, target.description, e.sentence, hint)) from e
        raise exception.BackupOperationError('Backup %s: %s' % (backup.id, lost)) from lost

    def _wait(self, client, job, backup, volume_id):
        """Polls the job to its end; cancels it when the backup leaves 'restoring'."""
        job_id = job['id']
        progress_at = time.monotonic()
        while job['state'] not in FINAL_STATES:
            eventlet.sleep(CONF.restore_agent_poll_interval)
            if _cancel_requested(backup):
                self._cancel(client, job_id, backup, volume_id)
            job = _poll(client, job_id)
            if time.monotonic() - progress_at >= CONF.restore_agent_progress_interval:
                progress_at = time.monotonic()
                LOG.info('restore-agent job %s (backup %s to volume %s): %s',
                         job_id, backup.id, volume_id, _progress(job))
        if job['state'] == 'SUCCEEDED':
            LOG.info('restore-agent job %(job)s restored backup %(backup)s to volume %(volume)s: '
                     '%(written)d bytes written, %(zeroed)d zeroed, %(skipped)d skipped as zero.',
                     {'job': job_id, 'backup': backup.id, 'volume': volume_id,
                      'written': job.get('bytes_written', 0), 'zeroed': job.get('bytes_zeroed', 0),
                      'skipped': job.get('bytes_skipped_zero', 0)})
            return
        sentence = job.get('error') or 'no reason given'
        if job.get('target_note'):
            sentence += ' (' + job['target_note'] + ')'
        if job['state'] == 'CANCELLED':
            raise exception.BackupOperationError(
                'restore-agent job %s (backup %s) was cancelled outside Cinder: %s' % (job_id, backup.id, sentence))
        LOG.error('restore-agent job %(job)s (backup %(backup)s to volume %(volume)s) failed, %(kind)s: '
                  '%(sentence)s', {'job': job_id, 'backup': backup.id, 'volume': volume_id,
                                   'kind': job.get('error_kind'), 'sentence': sentence})
        if job.get('error_kind') in BACKUP_FAULTS:
            raise exception.InvalidBackup(reason='restore-agent job %s: %s' % (job_id, sentence))
        raise exception.BackupOperationError('restore-agent job %s: %s' % (job_id, sentence))

    def _cancel(self, client, job_id, backup, volume_id):
        LOG.info('Backup %(backup)s is no longer restoring: cancelling restore-agent job %(job)s.',
                 {'backup': backup.id, 'job': job_id})
        try:
            job = client.cancel(job_id)
        except agent_client.AgentError as e:
            if e.status != 409:  # 409: it has just finished
                raise exception.BackupOperationError(
                    'restore-agent job %s: the cancel was refused: %s' % (job_id, e.sentence)) from e
            job = _poll(client, job_id)
        # the job drains its writes in flight before it is CANCELLED; Cinder detaches the volume
        # as soon as restore() returns, so wait for that
        while job['state'] not in FINAL_STATES:
            eventlet.sleep(CONF.restore_agent_poll_interval)
            job = _poll(client, job_id)
        LOG.info('restore-agent job %(job)s ended %(state)s.', {'job': job_id, 'state': job['state']})
        raise exception.BackupRestoreCancel(back_id=backup.id, vol_id=volume_id)


def _cancel_requested(backup):
    # Cinder's own check (ChunkedBackupDriver._restore_v1): anything but 'restoring' cancels
    with backup.as_read_deleted():
        backup.refresh()
    return backup.status != fields.BackupStatus.RESTORING


def _poll(client, job_id):
    """The job now; rides out an agent that does not answer for restore_agent_unreachable_timeout."""
    since = None
    while True:
        try:
            return client.job(job_id)
        except (agent_client.AgentUnreachable, agent_client.AgentConnectionLost) as e:
            now = time.monotonic()
            if since is None:
                since = now
                LOG.warning('%s; waiting up to %d s for it to come back (it resumes its jobs).',
                            e, CONF.restore_agent_unreachable_timeout)
            elif now - since > CONF.restore_agent_unreachable_timeout:
                raise exception.BackupOperationError(
                    '%s for %d s; restore-agent job %s may still be running there (restore-agent show %s).'
                    % (e, now - since, job_id, job_id)) from e
        except agent_client.AgentError as e:
            raise exception.BackupOperationError('restore-agent job %s: %s' % (job_id, e.sentence)) from e
        eventlet.sleep(CONF.restore_agent_poll_interval)


def _progress(job):
    if job['state'] == 'QUEUED':
        return 'queued, position %s (waiting for the agent\'s memory budget)' % job.get('queue_position')
    done = job.get('bytes_done') or 0
    total = job.get('bytes_total')
    line = '%.1f MiB' % (done / MIB)
    if total:
        line += ' of %.1f MiB (%d%%)' % (total / MIB, 100 * done // total)
    line += ', %.1f MiB/s' % ((job.get('rate_bytes_per_second') or 0) / MIB)
    if job.get('eta_seconds') is not None:
        line += ', ETA %d s' % job['eta_seconds']
    return line


def _size_file(fd, extent):
    """Gives a regular file target the length of the data; True when it was empty (reads as zeros).

    BackupManager opens the attached path 'wb', which empties a regular file (a volume of a
    file-based backend), and Cinder's own restore writes it back up to the end of the data. The
    agent writes an existing file in place and refuses one shorter than the data, so the file gets
    that length first.
    """
    size = os.fstat(fd).st_size
    if size >= extent:
        return False
    os.ftruncate(fd, extent)
    return size == 0
