"""Cinder's SwiftBackupDriver, its restores done by restore-agent from a store of its own agent.conf.

    backup_driver = restore_agent_cinder.swift.SwiftBackupDriver
    restore_agent_store = NAME     # agent.conf: store.NAME.type = swift, its endpoint and credentials
"""

from cinder.backup.drivers import swift
from cinder import exception

from restore_agent_cinder import agent_restore
from restore_agent_cinder import options


class SwiftBackupDriver(agent_restore.AgentRestoreMixin, swift.SwiftBackupDriver):
    """Backups in Swift containers, restored by the agent straight from the store."""

    def agent_source(self, backup):
        # the store's address and secrets are configured in the agent; none travel in a request
        if not options.CONF.restore_agent_store:
            raise exception.BackupOperationError(
                'restore_agent_store is not set: name the store of agent.conf (store.NAME.type = swift) '
                'that holds the backups of this driver')
        return {'store': options.CONF.restore_agent_store}
