# %pre: the system group and user (EL9's rpm 4.16 has no built-in sysusers)
getent group restore-agent >/dev/null || groupadd -r restore-agent
getent passwd restore-agent >/dev/null || \
    useradd -r -g restore-agent -d /var/lib/restore-agent -s /sbin/nologin \
        -c "restore-agent daemon" restore-agent
exit 0
