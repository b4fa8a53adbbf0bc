#!/bin/sh
# The data folder (/var/lib/idbridge) and the idbridge user are kept, even on
# purge: the folder holds the master key without which the stored secrets are
# lost. Delete them yourself once you no longer need them.
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi
