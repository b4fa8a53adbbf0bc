package ext_test

import (
	"errors"
	"testing"

	"github.com/idbridge/idbridge/marketplace/ext"
)

func TestCheckPath(t *testing.T) {
	for _, c := range []struct {
		name string
		want error
	}{
		{"README.md", nil},
		{"bin/linux-amd64/idbridge-clockify", nil},
		{"docs/a b.txt", nil},
		{"", ext.ErrUnsafePath},
		{"/etc/passwd", ext.ErrAbsolutePath},
		{`\\server\share`, ext.ErrAbsolutePath},
		{"c:/windows", ext.ErrAbsolutePath},
		{"..", ext.ErrPathTraversal},
		{"../x", ext.ErrPathTraversal},
		{"a/../../x", ext.ErrPathTraversal},
		{"a/..", ext.ErrPathTraversal},
		{`a\..\..\x`, ext.ErrPathTraversal},
		{"a/./b", ext.ErrUnsafePath},
		{"a//b", ext.ErrUnsafePath},
		{"a/", ext.ErrUnsafePath},
		{`a\b`, ext.ErrUnsafePath},
		{"ab:c", ext.ErrUnsafePath},
		{"a\x00b", ext.ErrUnsafePath},
		{"a\nb", ext.ErrUnsafePath},
		{"\xff\xfe", ext.ErrUnsafePath},
		{"dir./x", ext.ErrUnsafePath},
		{"x ", ext.ErrUnsafePath},
		{"COM1.txt", ext.ErrUnsafePath},
		{"aux", ext.ErrUnsafePath},
		{string(make([]byte, 300)), ext.ErrUnsafePath},
	} {
		err := ext.CheckPath(c.name)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("CheckPath(%q) = %v, want %v", c.name, err, c.want)
		}
	}
}
