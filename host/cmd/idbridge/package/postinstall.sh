#!/bin/sh
# The service runs as its own system user, without a shell or a home of its own
# beyond the data folder systemd creates (StateDirectory). useradd (passwd,
# essential) rather than adduser: the package needs nothing else installed.
set -e
if ! getent passwd idbridge >/dev/null; then
	useradd --system --user-group --home-dir /var/lib/idbridge --no-create-home --shell /usr/sbin/nologin \
		--comment "idbridge service" idbridge
fi
chown root:idbridge /etc/idbridge /etc/idbridge/idbridge.env
chmod 0750 /etc/idbridge
chmod 0640 /etc/idbridge/idbridge.env
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi
