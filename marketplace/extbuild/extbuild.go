// Package extbuild turns a connector's source into a signed .ext: it
// cross-compiles the connector for every platform, lays the binaries out
// beside the packaging template, and packs and signs the folder. `make ext`
// runs it through a small command, and the end-to-end tests call it
// directly, so both produce archives the same way.
package extbuild

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/packaging"
)

// DefaultPlatforms are the platforms every shipped connector is built for.
var DefaultPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/arm64", "windows/amd64"}

// Options says what to build. Zero values take the Clockify defaults.
type Options struct {
	// ModuleRoot is the repository root, where `go build` runs.
	ModuleRoot string
	// ID is the extension id, which names its packaging template; "clockify".
	ID string
	// Package is the connector's main package; ./plugins/<id>/cmd/idbridge-<id>.
	Package string
	// Version is the release written into the manifest; required.
	Version string
	// Platforms default to DefaultPlatforms.
	Platforms []string
	// OutDir receives <id>-<version>.ext; "dist" under ModuleRoot.
	OutDir string
	// KeyPath is the private signing key. When the file does not exist a
	// development key is created there (with KeyPath.pub beside it).
	KeyPath string
	// TemplatesDir holds orchestration templates (*.json) shipped in the
	// archive under templates/, so a host can offer the connector's
	// ready-made flows; plugins/<id>/templates under ModuleRoot by default,
	// skipped when it does not exist.
	TemplatesDir string
	// LDFlags are passed to go build, e.g. the host version stamp.
	LDFlags string
	// VersionVar is the string variable the release version is stamped
	// into (-X), so the binary describes the version the manifest says;
	// github.com/idbridge/idbridge/plugins/<id>.Version by default.
	VersionVar string
	// Logger reports progress; nil is silent.
	Logger hclog.Logger
}

// Result is what Build produced.
type Result struct {
	// Path is the signed archive.
	Path string
	// Manifest is its manifest.
	Manifest *ext.Manifest
	// KeyID names the key that signed it.
	KeyID string
	// KeyPath is the private key used; its public half is KeyPath.pub.
	KeyPath string
	// KeyCreated is set when a development key was created.
	KeyCreated bool
}

func (o *Options) defaults() error {
	if o.Version == "" {
		return errors.New("extbuild: Version is required")
	}
	if o.ModuleRoot == "" {
		o.ModuleRoot = "."
	}
	if o.ID == "" {
		o.ID = "clockify"
	}
	if o.Package == "" {
		o.Package = "./plugins/" + o.ID + "/cmd/idbridge-" + o.ID
	}
	if o.VersionVar == "" {
		o.VersionVar = "github.com/idbridge/idbridge/plugins/" + o.ID + ".Version"
	}
	if len(o.Platforms) == 0 {
		o.Platforms = DefaultPlatforms
	}
	if o.TemplatesDir == "" {
		o.TemplatesDir = filepath.Join(o.ModuleRoot, "plugins", o.ID, "templates")
	}
	if o.OutDir == "" {
		o.OutDir = filepath.Join(o.ModuleRoot, "dist")
	}
	if o.KeyPath == "" {
		o.KeyPath = filepath.Join(o.ModuleRoot, ".data", "marketplace-dev.key")
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	return nil
}

// Build compiles, lays out, packs and signs; see the package comment.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	key, created, err := loadOrCreateKey(opts.KeyPath)
	if err != nil {
		return nil, err
	}
	if created {
		opts.Logger.Warn("created a development signing key; hosts must trust its public half to install what it signs", "key", opts.KeyPath, "public", opts.KeyPath+".pub")
	}
	stage, err := os.MkdirTemp("", "idbridge-ext-"+opts.ID+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)

	man, err := copyTemplate(opts.ID, stage)
	if err != nil {
		return nil, err
	}
	if err := copyShippedTemplates(opts.TemplatesDir, filepath.Join(stage, "templates")); err != nil {
		return nil, err
	}
	man.Version = opts.Version
	man.Platforms = map[string]ext.Binary{}
	for _, plat := range opts.Platforms {
		rel := ext.BinaryPath(plat, "idbridge-"+opts.ID)
		if err := goBuild(ctx, opts, plat, filepath.Join(stage, filepath.FromSlash(rel))); err != nil {
			return nil, err
		}
		man.Platforms[plat] = ext.Binary{Path: rel}
	}
	raw, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(stage, ext.ManifestName), raw, 0o644); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, err
	}
	out := filepath.Join(opts.OutDir, opts.ID+"-"+opts.Version+".ext")
	packed, err := ext.PackFile(ctx, stage, out, ext.PackOptions{Key: key, Describe: Describe})
	if err != nil {
		return nil, err
	}
	opts.Logger.Info("wrote extension", "path", out, "version", packed.Version, "key_id", ext.KeyID(key.Public().(ed25519.PublicKey)))
	return &Result{Path: out, Manifest: packed, KeyID: ext.KeyID(key.Public().(ed25519.PublicKey)), KeyPath: opts.KeyPath, KeyCreated: created}, nil
}

// goBuild cross-compiles the connector without cgo, so one machine builds
// every platform.
func goBuild(ctx context.Context, opts Options, platform, out string) error {
	goos, goarch, ok := strings.Cut(platform, "/")
	if !ok {
		return fmt.Errorf("extbuild: platform %q must be os/arch", platform)
	}
	args := []string{"build", "-trimpath", "-o", out,
		"-ldflags", strings.TrimSpace(opts.LDFlags + " -X " + opts.VersionVar + "=" + opts.Version)}
	args = append(args, opts.Package)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = opts.ModuleRoot
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	opts.Logger.Info("building connector", "package", opts.Package, "platform", platform)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("extbuild: go build %s for %s: %w\n%s", opts.Package, platform, err, msg)
	}
	return nil
}

// copyShippedTemplates copies the orchestration templates (*.json) of src
// into dst; a missing src ships none. Only JSON is copied: the folder also
// holds the Go code that embeds and checks the same files.
func copyShippedTemplates(src, dst string) error {
	entries, err := os.ReadDir(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("extbuild: read templates: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return fmt.Errorf("extbuild: read template: %w", err)
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// copyTemplate writes the packaging template's files (but not its
// manifest) into dir and returns the template manifest.
func copyTemplate(id, dir string) (*ext.Manifest, error) {
	tmpl, err := fs.Sub(packaging.Templates, id)
	if err != nil {
		return nil, err
	}
	var man ext.Manifest
	err = fs.WalkDir(tmpl, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("extbuild: no packaging template for %q: %w", id, err)
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755)
		}
		data, err := fs.ReadFile(tmpl, p)
		if err != nil {
			return err
		}
		if path.Clean(p) == ext.ManifestName {
			return json.Unmarshal(data, &man)
		}
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), data, 0o644)
	})
	if err != nil {
		return nil, err
	}
	return &man, nil
}

// loadOrCreateKey reads the signing key, creating a development key when
// there is none yet.
func loadOrCreateKey(p string) (ed25519.PrivateKey, bool, error) {
	key, err := ext.ReadPrivateKeyFile(p)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, false, err
	}
	if key, err = ext.GenerateKey(); err != nil {
		return nil, false, err
	}
	if err := ext.WriteKeyPair(p, key); err != nil {
		return nil, false, err
	}
	return key, true, nil
}
