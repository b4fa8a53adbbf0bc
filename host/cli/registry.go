package cli

import (
	"sync"

	"github.com/spf13/cobra"
)

// constructor builds one top-level command. It receives the shared Globals,
// whose fields are filled from flags before any command runs.
type constructor func(*Globals) *cobra.Command

// registry holds the command constructors added by init functions.
var registry struct {
	sync.Mutex
	list []constructor
}

// register adds a top-level command. Call it from an init function in the
// command's own file; NewRoot builds the commands in registration order.
func register(c constructor) {
	registry.Lock()
	defer registry.Unlock()
	registry.list = append(registry.list, c)
}

func registered() []constructor {
	registry.Lock()
	defer registry.Unlock()
	return append([]constructor(nil), registry.list...)
}

// addMerged adds cmd to parent. When parent already has a command of the
// same name, cmd's subcommands join the existing one, so that groups such
// as "plugin" can be filled from several files.
func addMerged(parent, cmd *cobra.Command) {
	for _, have := range parent.Commands() {
		if have.Name() == cmd.Name() {
			for _, sub := range cmd.Commands() {
				cmd.RemoveCommand(sub)
				addMerged(have, sub)
			}
			if have.Short == "" {
				have.Short = cmd.Short
			}
			return
		}
	}
	parent.AddCommand(cmd)
}
