// Package examples holds the connectors written in other languages than
// Go (python-acme, ts-acme) and no Go code of its own. Its tests keep the
// protocol stubs those connectors carry in line with
// proto/connector/v1/connector.proto, as `make proto-check` does for the
// Go code: every generate.sh records the SHA-256 of the protocol it read
// and of each stub it wrote in SOURCES.sha256, and the tests compare
// that record with the files, and, where the generators are installed
// (always in CI), regenerate the stubs and compare them byte for byte.
// See decision 0283.
package examples
