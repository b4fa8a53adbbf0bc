package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Most resource commands are one API call and a printout; these build
// their RunE so that each command states only its path and its text.

// showing is the RunE of a command that reads one resource, or a list of
// them, at path(args) and prints it: JSON as the API answered, or text.
func showing[T any](g *Globals, path func(args []string) string, text func(w io.Writer, v T) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := g.Client()
		if err != nil {
			return err
		}
		var v T
		if err := c.Get(cmd.Context(), path(args), &v); err != nil {
			return err
		}
		return g.Print(v, func(w io.Writer) error { return text(w, v) })
	}
}

// deleting is the RunE of `<noun> delete ID`: it deletes path(args) and
// answers {"deleted": ID}, or "Deleted <noun> ID." as text.
func deleting(g *Globals, noun string, path func(args []string) string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := g.Client()
		if err != nil {
			return err
		}
		if err := c.Delete(cmd.Context(), path(args)); err != nil {
			return err
		}
		return g.Print(map[string]string{"deleted": args[0]}, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, "Deleted %s %s.\n", noun, args[0])
			return err
		})
	}
}
