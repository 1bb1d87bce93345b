# %preun: as %systemd_preun: on erase (not upgrade), disable and stop
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now restore-agent.service >/dev/null 2>&1 || true
fi
exit 0
