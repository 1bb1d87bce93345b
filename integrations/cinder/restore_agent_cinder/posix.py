"""Cinder's PosixBackupDriver, its restores done by restore-agent.

    backup_driver = restore_agent_cinder.posix.PosixBackupDriver
"""

import os

from cinder.backup.drivers import posix

from restore_agent_cinder import agent_restore


class PosixBackupDriver(agent_restore.AgentRestoreMixin, posix.PosixBackupDriver):
    """Backups in backup_posix_path, restored by the agent from the same directory."""

    def agent_source(self, backup):
        # the agent reads the repository itself: backup_root must be inside its allowed_paths
        return {'backup_root': os.path.abspath(self.backup_path)}
