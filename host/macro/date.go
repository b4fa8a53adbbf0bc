package macro

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date layouts use the .NET / PowerShell custom format tokens (Get-Date
// -Format "yyyy-MM-dd") because the admins who write them come from Windows
// tooling; Go's reference-date layouts and strftime's %Y would both be
// foreign, and strftime's percent signs would collide with macro delimiters.
// See docs/decisions/0061-macro-date-layouts.md.
var dateTokens = []string{
	"yyyy", "yy", "MMMM", "MMM", "MM", "M", "dddd", "ddd", "dd", "d",
	"HH", "H", "hh", "h", "mm", "m", "ss", "s", "fff", "tt", "K",
}

// checkLayout refuses layouts with stray letters, which are almost always a
// mistyped token (YYYY, DD) that would otherwise print as-is.
func checkLayout(layout string) (string, error) {
	_, err := walkLayout(layout, time.Time{}, false)
	if err != nil {
		return suggestLayout(layout), err
	}
	return "", nil
}

func suggestLayout(layout string) string {
	fixed := strings.NewReplacer("YYYY", "yyyy", "YY", "yy", "DD", "dd", "D", "d", "SS", "ss", "hh:MM", "hh:mm", "HH:MM", "HH:mm").Replace(layout)
	if _, err := walkLayout(fixed, time.Time{}, false); err == nil && fixed != layout {
		return strconv.Quote(fixed)
	}
	return ""
}

func formatDate(t time.Time, layout string) string {
	s, _ := walkLayout(layout, t, true)
	return s
}

func walkLayout(layout string, t time.Time, render bool) (string, error) {
	var b strings.Builder
	for i := 0; i < len(layout); {
		c := layout[i]
		switch {
		case c == '\'':
			end := strings.IndexByte(layout[i+1:], '\'')
			if end < 0 {
				return "", fmt.Errorf("%w: quoted text in the date layout is not closed; add a '", ErrArguments)
			}
			b.WriteString(layout[i+1 : i+1+end])
			i += end + 2
			continue
		case c == '\\' && i+1 < len(layout):
			b.WriteByte(layout[i+1])
			i += 2
			continue
		case ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
			tok := ""
			for _, cand := range dateTokens {
				if strings.HasPrefix(layout[i:], cand) {
					tok = cand
					break
				}
			}
			if tok == "" {
				return "", fmt.Errorf("%w: %q in the date layout is not a date token; use yyyy MM dd HH mm ss (see the function list) and quote literal text in '...'", ErrArguments, string(c))
			}
			if render {
				b.WriteString(dateToken(t, tok))
			}
			i += len(tok)
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), nil
}

func dateToken(t time.Time, tok string) string {
	switch tok {
	case "yyyy":
		return fmt.Sprintf("%04d", t.Year())
	case "yy":
		return fmt.Sprintf("%02d", t.Year()%100)
	case "MMMM":
		return t.Month().String()
	case "MMM":
		return t.Month().String()[:3]
	case "MM":
		return fmt.Sprintf("%02d", int(t.Month()))
	case "M":
		return strconv.Itoa(int(t.Month()))
	case "dddd":
		return t.Weekday().String()
	case "ddd":
		return t.Weekday().String()[:3]
	case "dd":
		return fmt.Sprintf("%02d", t.Day())
	case "d":
		return strconv.Itoa(t.Day())
	case "HH":
		return fmt.Sprintf("%02d", t.Hour())
	case "H":
		return strconv.Itoa(t.Hour())
	case "hh":
		return fmt.Sprintf("%02d", hour12(t))
	case "h":
		return strconv.Itoa(hour12(t))
	case "mm":
		return fmt.Sprintf("%02d", t.Minute())
	case "m":
		return strconv.Itoa(t.Minute())
	case "ss":
		return fmt.Sprintf("%02d", t.Second())
	case "s":
		return strconv.Itoa(t.Second())
	case "fff":
		return fmt.Sprintf("%03d", t.Nanosecond()/1e6)
	case "tt":
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	case "K":
		return "Z"
	}
	return tok
}

func hour12(t time.Time) int {
	h := t.Hour() % 12
	if h == 0 {
		return 12
	}
	return h
}

// parseTime reads the time formats found in directories and APIs: AD
// generalized time (20240102150405.0Z), RFC 3339, plain dates, and Windows
// FILETIME integers (accountExpires, lastLogonTimestamp). FILETIME 0 and the
// maximum mean "never", which is no value rather than year 1601.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{
		"20060102150405.0Z0700", "20060102150405Z0700", "20060102150405.0Z", "20060102150405Z",
		time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 15 {
		if n == 0 || n == 1<<63-1 {
			return time.Time{}, ErrMissingValue
		}
		const epochDiff = 116444736000000000 // 1601-01-01 to 1970-01-01 in 100 ns
		return time.Unix(0, (n-epochDiff)*100).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%w: %q is not a time date() can read (AD time, RFC 3339, yyyy-MM-dd or a Windows file time)", ErrFunction, s)
}
