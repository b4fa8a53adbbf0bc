package pluginhost

import (
	"fmt"
	"time"
)

// State is where a plugin is in its life cycle.
type State int

// The states of a supervised plugin.
const (
	// StateStopped: not running; the next call launches it.
	StateStopped State = iota
	// StateRunning: the process is up and answered the handshake.
	StateRunning
	// StateCrashed: the process exited or failed to start; the next call
	// relaunches it once its backoff delay has passed.
	StateCrashed
	// StateCrashLoop: too many consecutive failures; calls are refused
	// until Reset.
	StateCrashLoop
	// StateRefused: the binary was refused (changed checksum, unknown
	// protocol, missing file). Each call checks again, so restoring or
	// reinstalling the binary is enough.
	StateRefused
	// StateRemoved: the handle was removed or the supervisor shut down.
	StateRemoved
)

var stateNames = [...]string{"stopped", "running", "crashed", "crash-loop", "refused", "removed"}

// String returns the state's name as shown to admins.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// MarshalText encodes the state by name for the admin API.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Status is what an admin sees of one plugin.
type Status struct {
	// ID is the key the handle is supervised under.
	ID string `json:"id"`
	// Name is the connector's name.
	Name string `json:"name"`
	// State is the current state.
	State State `json:"state"`
	// Since is when the plugin entered State.
	Since time.Time `json:"since"`
	// PID is the process id while running, else 0.
	PID int `json:"pid,omitempty"`
	// ProtocolVersion is the negotiated protocol while running.
	ProtocolVersion int `json:"protocol_version,omitempty"`
	// Launches counts successful launches; Restarts is Launches-1 when
	// positive.
	Launches int `json:"launches"`
	// Restarts counts launches after the first.
	Restarts int `json:"restarts"`
	// Failures counts consecutive crashes and failed launches; it returns
	// to zero when a run lasts StableAfter or on Reset.
	Failures int `json:"failures"`
	// LastError is the last failure, if any.
	LastError string `json:"last_error,omitempty"`
	// NextStart is the earliest time of the next launch while crashed.
	NextStart time.Time `json:"next_start,omitzero"`
}

// UnmarshalText decodes a state name, so API clients can read Status.
func (s *State) UnmarshalText(b []byte) error {
	for i, n := range stateNames {
		if n == string(b) {
			*s = State(i)
			return nil
		}
	}
	return fmt.Errorf("unknown plugin state %q", b)
}
