package macro

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldASCII covers letters that do not decompose into a base letter plus
// accents, so ascii() still gives a readable result for them.
var foldASCII = map[rune]string{
	'ß': "ss", 'Æ': "AE", 'æ': "ae", 'Ø': "O", 'ø': "o", 'Œ': "OE", 'œ': "oe",
	'Ł': "L", 'ł': "l", 'Đ': "D", 'đ': "d", 'Þ': "Th", 'þ': "th", 'ı': "i",
}

// toASCII removes accents by decomposing (NFD) and dropping combining
// marks, maps the letters above, and drops anything else outside ASCII.
func toASCII(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
		default:
			b.WriteString(foldASCII[r])
		}
	}
	return b.String()
}
