# %postun: as %systemd_postun_with_restart; config (%config(noreplace)) and state are kept on erase
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    if [ "$1" -ge 1 ]; then
        systemctl try-restart restore-agent.service >/dev/null 2>&1 || true
    fi
fi
exit 0
