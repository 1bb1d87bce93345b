"""Cinder's S3BackupDriver, its restores done by restore-agent from a store of its own agent.conf.

    backup_driver = restore_agent_cinder.s3.S3BackupDriver
    restore_agent_store = NAME     # agent.conf: store.NAME.type = s3, its endpoint and credentials
"""

from cinder.backup.drivers import s3
from cinder import exception

from restore_agent_cinder import agent_restore
from restore_agent_cinder import options


class S3BackupDriver(agent_restore.AgentRestoreMixin, s3.S3BackupDriver):
    """Backups in S3 buckets, restored by the agent straight from the store."""

    def agent_source(self, backup):
        # the store's address and secrets are configured in the agent; none travel in a request
        if not options.CONF.restore_agent_store:
            raise exception.BackupOperationError(
                'restore_agent_store is not set: name the store of agent.conf (store.NAME.type = s3) '
                'that holds the backups of this driver')
        return {'store': options.CONF.restore_agent_store}
