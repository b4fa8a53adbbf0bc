package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/cli"
)

// docFolders hold the guides whose idbridge commands must exist.
var docFolders = []string{"../../docs/connectors", "../../docs/admin"}

// inlineCommand finds `idbridge ...` spans outside code blocks.
var inlineCommand = regexp.MustCompile("`+ ?((?:bin/)?idbridge [^`]+?) ?`+")

// commandLine is one idbridge invocation found in a guide.
type commandLine struct {
	where string // file:line
	text  string
	// planned is set when the paragraph or table row says the command is
	// planned, which excuses a command that does not exist yet.
	planned bool
}

// commandLines reads every idbridge invocation from a guide: lines of code
// blocks that start with it, and inline code spans.
func commandLines(t *testing.T, path string) []commandLine {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var out []commandLine
	inCode := false
	paraStart := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			inCode = !inCode
			continue
		}
		where := filepath.Base(path) + ":" + strconv.Itoa(i+1)
		if inCode {
			s := strings.TrimPrefix(strings.TrimSpace(l), "$ ") // a prompt in shown sessions
			if strings.HasPrefix(s, "idbridge ") || strings.HasPrefix(s, "bin/idbridge ") {
				out = append(out, commandLine{where: where, text: s})
			}
			continue
		}
		if strings.TrimSpace(l) == "" {
			paraStart = i + 1
		}
		for _, m := range inlineCommand.FindAllStringSubmatch(l, -1) {
			para := paragraph(lines, paraStart, i, strings.HasPrefix(l, "|"))
			out = append(out, commandLine{where: where, text: m[1], planned: strings.Contains(para, "planned")})
		}
	}
	return out
}

// paragraph is the text around line i: the table row itself, or the
// paragraph from start to the next blank line.
func paragraph(lines []string, start, i int, row bool) string {
	if row {
		return lines[i]
	}
	end := i
	for end < len(lines) && strings.TrimSpace(lines[end]) != "" {
		end++
	}
	return strings.Join(lines[start:end], " ")
}

// resolve walks the command tree along args and returns the command found,
// the words that named it, and the flags given. Walking stops at the first
// word that is not a subcommand (an argument) or at shell syntax.
func resolve(root *cobra.Command, args []string) (*cobra.Command, []string, []string) {
	cmd := root
	var path, flags []string
	walking := true
	for _, a := range args {
		if strings.ContainsAny(a, "#&;>") || strings.HasPrefix(a, "$(") {
			break // the rest is shell, not idbridge
		}
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			continue
		}
		if walking {
			if sub := findSub(cmd, a); sub != nil {
				cmd = sub
				path = append(path, a)
				continue
			}
			walking = false
		}
	}
	return cmd, path, flags
}

// findSub returns c's subcommand called name, or nil.
func findSub(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.Name() == name || s.HasAlias(name) {
			return s
		}
	}
	return nil
}

// hasFlag reports whether c accepts the flag written as f (--name,
// --name=value or -x).
func hasFlag(c *cobra.Command, f string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
	if strings.HasPrefix(f, "--") {
		return c.Flags().Lookup(name) != nil || c.InheritedFlags().Lookup(name) != nil
	}
	return c.Flags().ShorthandLookup(name) != nil || c.InheritedFlags().ShorthandLookup(name) != nil
}

// exists reports whether args name a command: at least one word matched,
// and when the command found only groups others, the next word is a flag,
// an ellipsis or a list of alternatives ("bash|zsh") rather than an unknown
// subcommand.
func exists(cmd *cobra.Command, path, args []string) bool {
	if len(path) == 0 {
		return false
	}
	if cmd.Runnable() || len(args) == len(path) {
		return true
	}
	next := args[len(path)]
	return strings.HasPrefix(next, "-") || next == "..." || strings.Contains(next, "|")
}

// TestGuidesUseCommandsThatExist keeps the guides honest about the CLI:
// every idbridge command they show must exist with every flag it uses,
// unless the text around it says it is planned.
func TestGuidesUseCommandsThatExist(t *testing.T) {
	root := cli.NewRoot(&cli.Globals{Env: func(string) string { return "" }})
	root.InitDefaultCompletionCmd() // cobra adds it only when executing
	checked := 0
	for _, dir := range docFolders {
		files, err := filepath.Glob(filepath.Join(dir, "*.md"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no guides in %s: %v", dir, err)
		}
		for _, f := range files {
			for _, cl := range commandLines(t, f) {
				checked++
				args := strings.Fields(strings.TrimPrefix(strings.TrimPrefix(cl.text, "bin/"), "idbridge"))
				cmd, path, flags := resolve(root, args)
				if !exists(cmd, path, args) {
					if !cl.planned {
						t.Errorf("%s: %q names no existing command (mark it planned if it is)", cl.where, cl.text)
					}
					continue
				}
				for _, fl := range flags {
					if !hasFlag(cmd, fl) {
						t.Errorf("%s: %q: %s has no flag %s", cl.where, cl.text, cmd.CommandPath(), fl)
					}
				}
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d idbridge commands found in the guides; the scan is broken", checked)
	}
}
