#!/bin/sh
# "remove" keeps the settings, the data folder and the idbridge user, so a
# reinstall carries on where it stopped. "purge" means forget this install:
# the settings, the data folder (store, master key, admin token: no key or
# sealed secret is left behind on the disk) and the user go. Back up
# /var/lib/idbridge/master.key first if the secrets are still wanted, e.g.
# by other hosts on a shared PostgreSQL store. See decision 0239.
set -e
if [ "$1" = purge ]; then
	rm -rf /var/lib/idbridge
	# userdel and groupdel (passwd, essential) rather than adduser's
	# tools, which may be gone by the time a purge runs.
	if getent passwd idbridge >/dev/null; then
		userdel idbridge
	fi
	if getent group idbridge >/dev/null; then
		groupdel idbridge
	fi
	# Files an admin put there (a password file, a certificate) are the
	# admin's: the folder goes only when nothing else is in it.
	if [ -d /etc/idbridge ] && ! rmdir /etc/idbridge 2>/dev/null; then
		echo "idbridge: /etc/idbridge still holds files you added; delete them if they are no longer needed" >&2
	fi
fi
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi
