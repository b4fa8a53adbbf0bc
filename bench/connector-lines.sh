#!/usr/bin/env bash
# Prints the size of the tutorial's Acme connector and of the SCIM
# connector, the way the changelog reports them: every line (code, comment
# and blank) of the connector package's non-test Go files plus its plugin
# main; the app's test server and the shipped templates are not the
# connector and are left out. The second figure leaves out blank and
# comment lines, for comparison.
# Usage: bench/connector-lines.sh
set -euo pipefail
cd "$(dirname "$0")/.."

count() { # count NAME PACKAGE-DIR MAIN
	local files
	files=$(find "$2" -maxdepth 1 -name '*.go' ! -name '*_test.go' | sort)
	files="$files $3"
	local all code
	# The file names have no spaces; word splitting is wanted here.
	# shellcheck disable=SC2086
	all=$(cat $files | wc -l)
	# shellcheck disable=SC2086
	code=$(cat $files | grep -v '^[[:space:]]*$' | grep -cv '^[[:space:]]*//')
	# shellcheck disable=SC2086
	printf '%-5s %4d lines of non-test Go (%d without blank and comment lines): %s\n' "$1" "$all" "$code" "$(echo $files)"
}

count acme plugins/tutorial plugins/tutorial/cmd/idbridge-acme/main.go
count scim plugins/scim plugins/scim/cmd/idbridge-scim/main.go
