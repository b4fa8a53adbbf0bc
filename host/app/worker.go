package app

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
)

// workerName names this host in the durable queue's leases. It is the same
// for every process that runs on this data folder on this machine, so a
// restarted host takes back at once the leases its killed predecessor left
// instead of waiting for them to expire; the data-folder lock, held before
// the engine starts, proves that predecessor gone. Hosts sharing one store
// each have their own data folder and so their own name. See decision 0171.
func workerName(dataDir string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "host"
	}
	sum := sha256.Sum256([]byte(dataDir))
	return host + ":" + hex.EncodeToString(sum[:6])
}
