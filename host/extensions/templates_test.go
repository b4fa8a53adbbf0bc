package extensions_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idbridge/idbridge/host/extensions"
	"github.com/idbridge/idbridge/marketplace/ext"
	"github.com/idbridge/idbridge/marketplace/ext/exttest"
	"github.com/idbridge/idbridge/marketplace/templates"
)

// TestInstallValidatesShippedTemplates installs an extension whose
// templates are well formed, and refuses, leaving the data folder as it
// was, one whose template loops or has a field the format does not know.
func TestInstallValidatesShippedTemplates(t *testing.T) {
	good := `{"id":"sample-on","name":"On","connector":"sample","trigger":{"events":["scope.entered"]},
		"steps":[{"id":"add","kind":"webhook","webhook":"add-user","inputs":{"email":"%ad.mail%"}}]}`
	key := exttest.Key(t)
	e := newEnv(t, key, ext.Limits{})
	p := newParts(key, "1.0.0")
	p.addFile("templates/on.json", []byte(good))
	install(t, e.m, p.bytes(t))

	for name, body := range map[string]string{
		"loop":          `{"id":"loop","name":"Loop","steps":[{"id":"a","kind":"delay","delay":"1s","onSuccess":"a"}]}`,
		"unknown field": `{"id":"x","name":"X","stpes":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, key, ext.Limits{})
			before := tree(t, e.dir)
			p := newParts(key, "1.0.0")
			p.addFile("templates/bad.json", []byte(body))
			_, err := e.m.Install(context.Background(), extensions.Source{File: writeArchive(t, p.bytes(t))})
			if !errors.Is(err, templates.ErrInvalid) || !strings.Contains(err.Error(), "sample 1.0.0") {
				t.Fatalf("Install = %v, want a templates.ErrInvalid naming the extension", err)
			}
			if after := tree(t, e.dir); after != before {
				t.Fatalf("a refused install changed the data folder:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}
