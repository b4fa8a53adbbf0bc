#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
	systemctl stop idbridge.service >/dev/null 2>&1 || true
	systemctl disable idbridge.service >/dev/null 2>&1 || true
fi
