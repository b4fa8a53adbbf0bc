#!/bin/sh
# The service runs as its own system user, without a shell or a home of its own
# beyond the data folder systemd creates (StateDirectory).
set -e
if ! getent passwd idbridge >/dev/null; then
	adduser --system --group --no-create-home --home /var/lib/idbridge --shell /usr/sbin/nologin idbridge >/dev/null
fi
chown root:idbridge /etc/idbridge /etc/idbridge/idbridge.env
chmod 0750 /etc/idbridge
chmod 0640 /etc/idbridge/idbridge.env
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi
