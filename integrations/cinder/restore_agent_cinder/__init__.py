"""Cinder backup drivers that hand their restores to the local restore-agent daemon.

Each class subclasses the Cinder driver of the same name and keeps all of it (backups, deletes,
exports are Cinder's own code) except ``restore()``, which asks the agent over its Unix socket for
the same restore, waits for it, and then runs Cinder's own volume metadata step. An operator
switches with one line of cinder.conf, for example::

    backup_driver = restore_agent_cinder.posix.PosixBackupDriver

(or ``.nfs.NFSBackupDriver``, ``.swift.SwiftBackupDriver``, ``.s3.S3BackupDriver``,
``.ceph.CephBackupDriver``). The options are in :mod:`restore_agent_cinder.options`.
"""
