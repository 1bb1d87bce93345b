# the class-data archive for this node's JVM (AppCDS, see restore-agent-cds); again when the JDK changes
RESTORE_AGENT_CDS=/var/cache/restore-agent/restore-agent.jsa RESTORE_AGENT_LAUNCHER=/usr/bin/restore-agent \
    /usr/share/restore-agent/bin/restore-agent-cds >/dev/null 2>&1 ||
    echo "restore-agent: no class-data archive made; the agent starts without it" >&2
