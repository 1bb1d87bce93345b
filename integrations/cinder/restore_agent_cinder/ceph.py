"""Cinder's CephBackupDriver, its restores done by restore-agent from the backup cluster.

    backup_driver = restore_agent_cinder.ceph.CephBackupDriver
    # the agent reads the backup pool as the driver's own backup_ceph_conf, backup_ceph_user and
    # backup_ceph_pool name it (the conf and the keyring it names under /etc/ceph or in agent.conf's
    # allowed_paths), unless:
    restore_agent_store = NAME     # agent.conf: store.NAME.type = ceph, e.g. a read-only user's
"""

import os

from oslo_utils import units

from cinder.backup.drivers import ceph

from restore_agent_cinder import agent_restore
from restore_agent_cinder import options


class CephBackupDriver(agent_restore.AgentRestoreMixin, ceph.CephBackupDriver):
    """Backups in a Ceph pool (an RBD image per volume, a snapshot per backup), restored by the agent
    with its own librbd client; the metadata step after the data is Cinder's own."""

    def agent_source(self, backup):
        # found as Cinder finds it: the id of the volume the backup was made from (not the target's)
        # names the base image; the row's container (the pool) and service_metadata (the base) come
        # with every request
        source = {'volume_id': backup.volume_id}
        if options.CONF.restore_agent_store:
            # the store's cluster, user and keyring are configured in the agent
            source['store'] = options.CONF.restore_agent_store
            return source
        # the cluster as the driver itself connects to it (_connect_to_rados): Cinder has no keyring or
        # cluster name option, the conf names the keyring; a user of None is librados' client.admin
        source['backup_cluster'] = {'conf': os.path.abspath(self._ceph_backup_conf),
                                    'user': self._ceph_backup_user or 'admin',
                                    'pool': self._ceph_backup_pool}
        return source

    def before_data(self, backup, volume_id):
        # Cinder's own restore (_restore_volume, _transfer_data) reads nothing first and copies the target
        # volume's whole size, padding a file past the backup's end with zeros; after the data it restores
        # the metadata saved beside the backup (the object backup.ID.meta in the pool), once
        volume = self.db.volume_get(self.context, volume_id)
        return int(volume.size) * units.Gi, lambda: self._restore_metadata(backup, volume_id)
