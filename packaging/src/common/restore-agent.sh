#!/bin/sh
# /usr/bin/restore-agent: runs the packaged launcher on the packaged jars.
RESTORE_AGENT_LIB=/usr/share/restore-agent/lib
RESTORE_AGENT_JAR=/usr/share/restore-agent/lib/@agent.jar@
export RESTORE_AGENT_LIB RESTORE_AGENT_JAR
exec /usr/share/restore-agent/bin/restore-agent "$@"
