package sdk

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneGCRespectsGOGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "150")
	debug.SetGCPercent(150)
	tuneGC()
	if got := debug.SetGCPercent(100); got != 150 {
		t.Fatalf("with GOGC set, the collector target is %d; the operator's 150 must stand", got)
	}

	os.Unsetenv("GOGC") // t.Setenv restores it
	tuneGC()
	if got := debug.SetGCPercent(100); got != connectorGCPercent {
		t.Fatalf("without GOGC, the collector target is %d, want %d", got, connectorGCPercent)
	}
}
