package ext_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
)

func validManifest() *ext.Manifest {
	sum := strings.Repeat("a", 64)
	return &ext.Manifest{
		FormatVersion: 1, ID: "clockify", Name: "Clockify", Version: "1.0.0", Publisher: "idbridge",
		Description: "d", ProtocolVersions: []int{1}, HostVersion: ">= 0.1.0, < 1.0.0",
		Platforms: map[string]ext.Binary{"linux/amd64": {Path: "bin/x", SHA256: sum, Size: 1}},
		Files:     []ext.File{{Path: "README.md", SHA256: sum}, {Path: "icon.png", SHA256: sum}},
		Readme:    "README.md", Icon: "icon.png", OutboundHosts: []string{"api.clockify.me", "*.clockify.me", "localhost:8080"},
	}
}

func TestManifestValidateNamesTheField(t *testing.T) {
	if err := validManifest().Validate(); err != nil {
		t.Fatal(err)
	}
	for field, edit := range map[string]func(*ext.Manifest){
		"format_version":         func(m *ext.Manifest) { m.FormatVersion = 0 },
		"id":                     func(m *ext.Manifest) { m.ID = "clock_ify" },
		"name":                   func(m *ext.Manifest) { m.Name = " " },
		"version":                func(m *ext.Manifest) { m.Version = "1.0" },
		"publisher":              func(m *ext.Manifest) { m.Publisher = "ID Bridge" },
		"description":            func(m *ext.Manifest) { m.Description = "a\x01b" },
		"protocol_versions":      func(m *ext.Manifest) { m.ProtocolVersions = []int{1, 1} },
		"host_version":           func(m *ext.Manifest) { m.HostVersion = "newest" },
		"platforms":              func(m *ext.Manifest) { m.Platforms = nil },
		"platforms[linux-amd64]": func(m *ext.Manifest) { m.Platforms["linux-amd64"] = m.Platforms["linux/amd64"] },
		"platforms[linux/amd64].sha256": func(m *ext.Manifest) {
			b := m.Platforms["linux/amd64"]
			b.SHA256 = strings.Repeat("A", 64)
			m.Platforms["linux/amd64"] = b
		},
		"files[1].path":     func(m *ext.Manifest) { m.Files[1].Path = "readme.md" },
		"files[0].path":     func(m *ext.Manifest) { m.Files[0].Path = "manifest.sig" },
		"readme":            func(m *ext.Manifest) { m.Readme = "NOTES.md" },
		"icon":              func(m *ext.Manifest) { m.Icon = "README.md" },
		"outbound_hosts[0]": func(m *ext.Manifest) { m.OutboundHosts[0] = "https://api.clockify.me/" },
	} {
		m := validManifest()
		edit(m)
		err := m.Validate()
		var me *ext.ManifestError
		if !errors.As(err, &me) || !errors.Is(err, ext.ErrInvalidManifest) || !strings.HasPrefix(me.Field, field) {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestCheckHost(t *testing.T) {
	m := validManifest()
	if err := m.CheckHost("0.1.0-dev", []int{1}); err != nil {
		t.Errorf("a development build of 0.1.0 should fit >= 0.1.0: %v", err)
	}
	if err := m.CheckHost("1.2.0", []int{1}); !errors.Is(err, ext.ErrHostVersion) {
		t.Errorf("1.2.0 against < 1.0.0: %v", err)
	}
	if err := m.CheckHost("0.5.0", []int{2}); !errors.Is(err, ext.ErrUnsupportedProtocol) {
		t.Errorf("protocol 2 only: %v", err)
	}
	if _, err := m.HostBinary("darwin/arm64"); !errors.Is(err, ext.ErrNoPlatform) || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("missing platform: %v", err)
	}
}
