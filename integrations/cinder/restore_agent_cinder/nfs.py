"""Cinder's NFSBackupDriver, its restores done by restore-agent.

    backup_driver = restore_agent_cinder.nfs.NFSBackupDriver
"""

import os

from cinder.backup.drivers import nfs

from restore_agent_cinder import agent_restore


class NFSBackupDriver(agent_restore.AgentRestoreMixin, nfs.NFSBackupDriver):
    """Backups on the NFS share Cinder mounts, restored by the agent from that mount point."""

    def agent_source(self, backup):
        # the mount point under backup_mount_point_base (a hash of backup_share): it must be inside
        # the agent's allowed_paths, e.g. allowed_paths = ..., /var/lib/cinder/backup_mount
        return {'backup_root': os.path.abspath(self.backup_path)}
