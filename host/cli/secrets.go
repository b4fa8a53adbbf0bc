package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/idbridge/idbridge/host/secrets"
)

func init() { register(newSecretsCmd) }

// rotateFlags are the command line of `idbridge secrets rotate-key`.
type rotateFlags struct {
	data    string
	keyFile string
	dryRun  bool
}

// RotateResult is what `secrets rotate-key` prints, as text or as JSON.
type RotateResult struct {
	// DataDir is the data folder rotated.
	DataDir string `json:"data_dir"`
	// KeySource is where the current key came from: "file" or "environment".
	KeySource secrets.KeySource `json:"key_source"`
	// CurrentKeyID and NewKeyID name the keys without revealing them.
	CurrentKeyID string `json:"current_key_id"`
	NewKeyID     string `json:"new_key_id"`
	// DryRun is true when nothing was written.
	DryRun bool `json:"dry_run"`
	// Report counts the values and lists those that failed.
	secrets.Report
	// KeyInstalled is true when master.key now holds the new key.
	KeyInstalled bool `json:"key_installed"`
	// Next says what the admin does now.
	Next string `json:"next"`
}

// newSecretsCmd groups the commands that work on secrets at rest. They run
// offline, on the data folder of a stopped host, because they change what
// the running host's key can open.
func newSecretsCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{Use: "secrets", Short: "Work on secrets at rest in a stopped host's data folder (master key rotation)"}
	var f rotateFlags
	rotate := &cobra.Command{
		Use:   "rotate-key --new-key-file FILE",
		Short: "Re-seal every stored secret under a new master key (host stopped)",
		Long: `Re-seal every stored secret (integration API keys and other secret settings) under a
new master key, then make the new key the host's key.

Stop the host first: the command works on the data folder directly and refuses to run while
the host has the store open. The current key is found as the host finds it
(IDBRIDGE_MASTER_KEY, else DATA/master.key). The new key is read from --new-key-file
(base64 of 32 random bytes, the form of master.key; - reads stdin), never from the command line.

When the current key is DATA/master.key, the file is replaced with the new key at the end.
When it comes from IDBRIDGE_MASTER_KEY, set that variable to the new key before the next start.

The command can be run again at any time: values already under the new key are left alone,
so a run that was interrupted is finished by the next one. A value that opens with neither key
is listed, left unchanged, and makes the command exit with code 1.`,
		Example: `  (umask 077; head -c 32 /dev/urandom | base64 > new.key)
  idbridge secrets rotate-key --data /var/lib/idbridge --new-key-file new.key
  idbridge secrets rotate-key --data /var/lib/idbridge --new-key-file new.key --dry-run`,
		Args: refuseKeyArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd, g)
		},
	}
	fl := rotate.Flags()
	fl.StringVar(&f.data, "data", "", "the stopped host's data folder (env IDBRIDGE_DATA, default ./idbridge-data)")
	fl.StringVar(&f.keyFile, "new-key-file", "", "file holding the new master key in base64 (- for stdin)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "count what would be re-sealed and check every value opens; write nothing")
	_ = rotate.MarkFlagDirname("data")
	_ = rotate.MarkFlagFilename("new-key-file")
	cmd.AddCommand(rotate)
	return cmd
}

// refuseKeyArgs rejects positional arguments: the only thing anyone would
// put there is the key, and the command line is visible to other users
// and kept in shell history.
func refuseKeyArgs(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := "rotate-key takes no arguments: give the new key in a file (--new-key-file FILE, or - for stdin), never on the command line"
	for _, a := range args {
		if _, err := secrets.ParseKey(a); err == nil {
			msg += "; the argument looks like a key: it is now in your shell history and the process list, so make another one"
			break
		}
	}
	return &ExitError{Code: ExitUsage, Err: errors.New(msg)}
}

func (f *rotateFlags) run(cmd *cobra.Command, g *Globals) error {
	ctx := cmd.Context()
	if f.data == "" {
		f.data = g.Env("IDBRIDGE_DATA")
	}
	if f.data == "" {
		f.data = "idbridge-data"
	}
	newKey, err := f.readNewKey(cmd.InOrStdin())
	if err != nil {
		return err
	}
	// Hold the folder for the whole rotation, so that a host cannot start
	// on it half-way.
	folder, err := holdOfflineFolder(ctx, f.data, "--data or IDBRIDGE_DATA", g.Env)
	if err != nil {
		return err
	}
	defer folder.release()
	current, src := folder.key, folder.keySource

	// Every plaintext the rotation opens is taught to this masker, and
	// everything the command prints passes through it.
	masker := secrets.NewMasker()
	out := secrets.MaskingWriter(g.Out, masker)
	log := secrets.NewLogger(&hclog.LoggerOptions{Name: "idbridge", Output: g.Err, Level: hclog.Warn}, masker)
	rot, err := secrets.NewRotator(current, newKey, masker)
	if err != nil {
		return err
	}
	st, err := folder.openStore(ctx, log)
	if err != nil {
		return err
	}
	rep, err := secrets.ResealDocs(ctx, st, rot, secrets.ResealOptions{DryRun: f.dryRun})
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the store: %w (run the command again to check every value)", cerr)
	}
	if err != nil {
		return err
	}

	res := &RotateResult{DataDir: f.data, KeySource: src, CurrentKeyID: rot.CurrentKeyID(), NewKeyID: rot.NewKeyID(),
		DryRun: f.dryRun, Report: *rep}
	opened := rep.Resealed + rep.AlreadyCurrent
	switch {
	case f.dryRun:
		res.Next = "dry run: nothing was written; run again without --dry-run to rotate"
	case opened == 0 && len(rep.Failed) > 0:
		res.Next = "nothing was changed"
		return f.finish(out, g, res, &ExitError{Code: ExitFailure, Err: fmt.Errorf(
			"the current master key (%s, id %s) opens none of the %d sealed values: check that it is this data folder's key (%s overrides %s)",
			src, rot.CurrentKeyID(), len(rep.Failed), secrets.MasterKeyEnv, secrets.MasterKeyFile)})
	case bytes.Equal(current, newKey):
		res.Next = fmt.Sprintf("the new key (id %s) is already the host's key (%s); start the host", rot.NewKeyID(), src)
	case src == secrets.FromEnv:
		res.Next = fmt.Sprintf("set %s to the new key (id %s) before the host starts again: the stored secrets no longer open with the old one "+
			"(%s was not written, as the host takes its key from the environment)", secrets.MasterKeyEnv, rot.NewKeyID(), secrets.MasterKeyFile)
	default:
		if err := secrets.WriteMasterKeyFile(f.data, newKey); err != nil {
			return fmt.Errorf("every value is sealed with the new key but %s could not be replaced: %w; "+
				"run this command again, or put the new key in %s yourself", secrets.MasterKeyFile, err, secrets.MasterKeyFile)
		}
		res.KeyInstalled = true
		res.Next = fmt.Sprintf("%s now holds the new key (id %s); start the host. Keep a copy of the new key with your backups",
			secrets.MasterKeyFile, rot.NewKeyID())
		if f.keyFile != "-" {
			res.Next += fmt.Sprintf("; delete %s unless it is that copy", f.keyFile)
		}
	}
	var failed error
	if len(rep.Failed) > 0 {
		failed = &ExitError{Code: ExitFailure, Err: fmt.Errorf(
			"%d sealed values opened with neither the current nor the new key and were left unchanged (listed above); "+
				"the host could not read them before either: set each again with `idbridge integration auth ID KEY=@FILE` once the host runs, "+
				"or, if you have the key a value names, run this command again with %s set to that key and the same --new-key-file",
			len(rep.Failed), secrets.MasterKeyEnv)}
	}
	return f.finish(out, g, res, failed)
}

// readNewKey reads and decodes the new key from --new-key-file.
func (f *rotateFlags) readNewKey(stdin io.Reader) ([]byte, error) {
	if f.keyFile == "" {
		return nil, &ExitError{Code: ExitUsage, Err: errors.New(
			"give the new key with --new-key-file FILE (or - for stdin); make one with: (umask 077; head -c 32 /dev/urandom | base64 > new.key)")}
	}
	var raw []byte
	var err error
	if f.keyFile == "-" {
		raw, err = io.ReadAll(io.LimitReader(stdin, 4096))
	} else {
		raw, err = readPrivateFile(f.keyFile)
	}
	if errors.Is(err, fs.ErrNotExist) {
		if _, perr := secrets.ParseKey(f.keyFile); perr == nil {
			return nil, &ExitError{Code: ExitUsage, Err: errors.New(
				"--new-key-file takes a file name, and this looks like the key itself: it is now in your shell history and the process list, " +
					"so make another key, write it to a file and pass that file")}
		}
	}
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("read --new-key-file: %w", err)}
	}
	key, err := secrets.ParseKey(string(raw))
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: fmt.Errorf("--new-key-file %s: %w", f.keyFile, err)}
	}
	return key, nil
}

// readPrivateFile reads a key file, refusing one that other users can
// read, as the host refuses such a master.key: the key it holds may
// already be known to them.
func readPrivateFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s has mode %04o and other users can read it: make another key in a file only you can read (umask 077, or chmod 600 before writing it)",
			path, fi.Mode().Perm())
	}
	return os.ReadFile(path)
}

// finish prints the result and returns failed.
func (f *rotateFlags) finish(out io.Writer, g *Globals, res *RotateResult, failed error) error {
	if g.JSON() {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
		return failed
	}
	verb := "re-sealed"
	if res.DryRun {
		verb = "to re-seal"
	}
	fmt.Fprintf(out, "Master key rotation in %s: key %s (%s) to key %s\n", res.DataDir, res.CurrentKeyID, res.KeySource, res.NewKeyID)
	fmt.Fprintf(out, "  %-16s %d\n  %-16s %d\n  %-16s %d\n", verb, res.Resealed, "already current", res.AlreadyCurrent, "failed", len(res.Failed))
	for _, fl := range res.Failed {
		fmt.Fprintf(out, "    %s\n", fl)
	}
	fmt.Fprintln(out, res.Next)
	return failed
}
