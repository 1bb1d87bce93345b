"""The shim's options, in cinder.conf's [DEFAULT] section beside Cinder's own backup_* options."""

from oslo_config import cfg

# the socket the packaged agent listens on (agent.conf's socket, systemd's RuntimeDirectory)
DEFAULT_SOCKET = '/run/restore-agent/agent.sock'

restore_agent_opts = [
    cfg.StrOpt('restore_agent_socket',
               default=DEFAULT_SOCKET,
               help='The Unix socket of the local restore-agent daemon (agent.conf: socket). '
                    'The cinder-backup user must be allowed there: a member of the group '
                    'restore-agent, or named in allowed_uids.'),
    cfg.BoolOpt('restore_agent_fallback',
                default=False,
                help='When the agent cannot be reached (or cannot write to the volume as Cinder '
                     'attached it), run Cinder\'s own restore instead of failing the restore. '
                     'Off by default: Cinder\'s own restore holds each backup object whole in '
                     'memory, which is what the agent is there to avoid.'),
    cfg.FloatOpt('restore_agent_poll_interval',
                 default=2.0,
                 min=0.01,
                 help='Seconds between two looks at the agent\'s job and at the backup\'s status '
                      '(a cancel is noticed within this time).'),
    cfg.FloatOpt('restore_agent_progress_interval',
                 default=30.0,
                 min=0,
                 help='Seconds between two progress lines of a running restore in Cinder\'s log.'),
    cfg.FloatOpt('restore_agent_unreachable_timeout',
                 default=120.0,
                 min=0,
                 help='How long the agent may not answer about a submitted restore (a restart: '
                      'it resumes its jobs) before the restore fails.'),
    cfg.StrOpt('restore_agent_store',
               help='Swift and S3 drivers: the name of the store in agent.conf '
                    '(store.NAME.type = swift or s3) that holds this driver\'s containers or '
                    'buckets. The store\'s endpoint and credentials are the agent\'s own: no '
                    'secret travels over the socket. Ceph driver: optional, the store '
                    '(store.NAME.type = ceph) of the backup cluster; unset, the agent reads it as '
                    'backup_ceph_conf, backup_ceph_user and backup_ceph_pool name it.'),
]

CONF = cfg.CONF
CONF.register_opts(restore_agent_opts)


def list_opts():
    """For oslo-config-generator (entry point oslo.config.opts)."""
    return [(None, restore_agent_opts)]
