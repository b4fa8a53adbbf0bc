package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/apiclient"
)

// Most resource commands are one API call and a printout; these build
// their RunE so that each command states only its route and its text. The
// routes are the typed client's methods, taken as method expressions such
// as (*apiclient.Client).GetTemplatesID, so a command cannot name a route
// the API does not have.

// getter reads a resource for a command's arguments.
type getter[T any] func(ctx context.Context, c *apiclient.Client, args []string) (T, error)

// list adapts a route without path parameters.
func list[T any](f func(*apiclient.Client, context.Context, ...apiclient.Option) (T, error)) getter[T] {
	return func(ctx context.Context, c *apiclient.Client, _ []string) (T, error) { return f(c, ctx) }
}

// one adapts a route whose one path parameter is the first argument.
func one[T any](f func(*apiclient.Client, context.Context, string, ...apiclient.Option) (T, error)) getter[T] {
	return func(ctx context.Context, c *apiclient.Client, args []string) (T, error) { return f(c, ctx, args[0]) }
}

// two adapts a route whose two path parameters are the first arguments.
func two[T any](f func(*apiclient.Client, context.Context, string, string, ...apiclient.Option) (T, error)) getter[T] {
	return func(ctx context.Context, c *apiclient.Client, args []string) (T, error) {
		return f(c, ctx, args[0], args[1])
	}
}

// showing is the RunE of a command that reads one resource, or a list of
// them, with get and prints it: JSON as the API answered, or text.
func showing[T any](g *Globals, get getter[T], text func(w io.Writer, v T) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := g.Client()
		if err != nil {
			return err
		}
		v, err := get(cmd.Context(), c.Client, args)
		if err != nil {
			return err
		}
		return g.Print(v, func(w io.Writer) error { return text(w, v) })
	}
}

// remover runs a delete route for a command's arguments.
type remover func(ctx context.Context, c *apiclient.Client, args []string) error

// removeOne adapts a delete route whose one path parameter is the first
// argument.
func removeOne(f func(*apiclient.Client, context.Context, string, ...apiclient.Option) error) remover {
	return func(ctx context.Context, c *apiclient.Client, args []string) error { return f(c, ctx, args[0]) }
}

// removeTwo adapts a delete route whose two path parameters are the first
// arguments.
func removeTwo(f func(*apiclient.Client, context.Context, string, string, ...apiclient.Option) error) remover {
	return func(ctx context.Context, c *apiclient.Client, args []string) error {
		return f(c, ctx, args[0], args[1])
	}
}

// removing is the RunE of a command that deletes what its arguments name:
// it calls del and answers {key: the last argument} as JSON, or text's
// line as text.
func removing(g *Globals, key string, del remover, text func(args []string) string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		c, err := g.Client()
		if err != nil {
			return err
		}
		if err := del(cmd.Context(), c.Client, args); err != nil {
			return err
		}
		return g.Print(map[string]string{key: args[len(args)-1]}, func(w io.Writer) error {
			_, err := fmt.Fprintln(w, text(args))
			return err
		})
	}
}

// deleting is the RunE of `<noun> delete ID`: it calls del with the ID and
// answers {"deleted": ID}, or "Deleted <noun> ID." as text.
func deleting(g *Globals, noun string, del func(*apiclient.Client, context.Context, string, ...apiclient.Option) error) func(*cobra.Command, []string) error {
	return removing(g, "deleted", removeOne(del), func(args []string) string { return fmt.Sprintf("Deleted %s %s.", noun, args[0]) })
}
