package sdk

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// viaScanner transcodes body with the frame path and decodes the frame
// back into records.
func viaScanner(body string, path []string, proj projection) ([]*structpb.Struct, int, error) {
	w := wireWriter{proj: proj.compile()}
	n, err := scanRecords([]byte(body), path, w.record)
	if err != nil {
		return nil, n, err
	}
	var got connectorv1.FetchResponse
	if err := proto.Unmarshal(w.buf, &got); err != nil {
		return nil, n, errors.New("the frame does not parse: " + err.Error())
	}
	return got.GetRecords(), n, nil
}

// viaJSONText reads body with the jsontext path, the reference.
func viaJSONText(body string, path []string, proj projection) ([]*structpb.Struct, int, error) {
	var out []*structpb.Struct
	n, err := walkRecords([]byte(body), path, func(dec *jsontext.Decoder) error {
		st, err := readProjected(dec, proj)
		if err != nil {
			return err
		}
		out = append(out, st)
		return nil
	})
	return out, n, err
}

// checkAgrees fails when the scanner and jsontext disagree on body:
// whatever jsontext accepts the scanner must accept with the same records;
// without a projection it must also refuse whatever jsontext refuses,
// since nothing is skipped.
func checkAgrees(t *testing.T, body string, path []string, proj projection) {
	t.Helper()
	want, wantN, wantErr := viaJSONText(body, path, proj)
	got, gotN, gotErr := viaScanner(body, path, proj)
	switch {
	case wantErr != nil && gotErr == nil && proj == nil && path == nil:
		t.Errorf("%q: the scanner accepted what jsontext refuses (%v)", body, wantErr)
	case wantErr == nil && gotErr != nil:
		t.Errorf("%q: the scanner refused valid JSON: %v", body, gotErr)
	case wantErr == nil && (gotN != wantN || !proto.Equal(&connectorv1.FetchResponse{Records: got}, &connectorv1.FetchResponse{Records: want})):
		t.Errorf("%q: scanner read %d records %v, jsontext %d records %v", body, gotN, got, wantN, want)
	}
}

var scanCorpus = []string{
	tricky,
	`[]`, ` [ ] `, `null`, `[{}]`, `[{"a":{}}]`, `[[[]]]`, `["x"]`, `[1,2.5,-0,0.1e-3,1E+2,123456789012345678]`,
	`[{"a":1e400,"b":-1e400,"c":1e-400,"d":0.000000000000000000001}]`,
	`[{"s":"\u0000\t\n\"\\\/\b\f\r"}]`, `[{"s":"\\"}]`, `[{"s":"\\\\\"x"}]`, `[{"é":"ü中😀"}]`,
	`[{"a":1,"a":2}]`, `[true,false,null]`, `[[{"id":"kept whole"}]]`, "[\n\t{ \"a\" : [ 1 , { } ] }\r\n]",
	// refused by both
	``, `[`, `[{`, `[{"a"`, `[{"a":`, `[{"a":1`, `[{"a":1,}]`, `[1,]`, `[,1]`, `{"a":[]}`, `"x"`, `5`,
	`[01]`, `[1.]`, `[.5]`, `[-]`, `[1e]`, `[+1]`, `[0x10]`, `[NaN]`, `[Infinity]`, `[tru]`, `[nul]`, `[truex]`,
	`["a` + "\x01" + `"]`, `["` + "\xff" + `"]`, `["\x"]`, `["\u12"]`, `["\ud800"]`, `[{"a":1}{"b":2}]`,
	`[{"a" 1}]`, `[{a:1}]`, `[{"a":1]}`, `[[1}]`, `["unterminated]`, `[{"` + "\xc3" + `":1}]`,
}

func TestScannerAgreesWithJSONText(t *testing.T) {
	for _, body := range scanCorpus {
		checkAgrees(t, body, nil, nil)
	}
}

func TestScannerProjectionAgreesWithJSONText(t *testing.T) {
	proj := newProjection([]string{"id", "memberships[].membershipStatus", "settings.weekStart"})
	for _, body := range append(scanCorpus,
		`[{"id":"1","email":"a@x","memberships":[{"membershipStatus":"ACTIVE","hourlyRate":{"amount":1}}],"settings":{"weekStart":"MONDAY","x":[1,{"y":"]}"}]}}]`,
		`[{"skip":"quote \" and backslash \\","id":"2"}]`,
	) {
		checkAgrees(t, body, nil, proj)
	}
}

func TestScannerFollowsRecordsPath(t *testing.T) {
	for _, body := range []string{
		`{"skip":{"x":[1,"]"]},"data":{"items":["a",{"id":"b"}]}}`,
		`{"data":{"other":1}}`, `{"data":null}`, `{"data":{"items":null}}`, `{}`, `[]`, `{"data":5}`,
	} {
		checkAgrees(t, body, []string{"data", "items"}, nil)
	}
	if _, err := scanRecords([]byte(`{"data":5}`), []string{"data"}, (*jsonScanner).skip); !errors.Is(err, errNotList) {
		t.Fatalf("a path to a number must say the records are not a list: %v", err)
	}
}

// TestScannerSkipRefusesBrokenValues covers what a skipped value must
// still get right: a page cut short or garbled there is an error, never a
// silently shorter page.
func TestScannerSkipRefusesBrokenValues(t *testing.T) {
	proj := newProjection([]string{"id"})
	for _, body := range []string{
		`[{"id":"1","skip":{"a":[1,2}}]`,
		`[{"id":"1","skip":"unterminated}]`,
		`[{"id":"1","skip":[{"a":1}`,
		`[{"id":"1","skip":}]`,
		`[{"id":"1","skip":{"a":"x"]}]`,
	} {
		var w wireWriter
		w.proj = proj.compile()
		if _, err := scanRecords([]byte(body), nil, w.record); err == nil {
			t.Errorf("%q: accepted", body)
		} else if !strings.Contains(err.Error(), "invalid JSON at byte") {
			t.Errorf("%q: error %q does not say where the JSON is broken", body, err)
		}
	}
}

func TestScannerNumbers(t *testing.T) {
	for in, want := range map[string]float64{
		"0": 0, "-0": 0, "7": 7, "-12": -12, "999999999999999": 999999999999999,
		"1234567890123456789": 1234567890123456789, "2.5": 2.5, "1e3": 1000, "-1E-2": -0.01,
		"1e400": math.MaxFloat64, "-1e400": -math.MaxFloat64,
	} {
		s := &jsonScanner{data: []byte(in)}
		got, err := s.number()
		if err != nil || got != want || s.pos != len(in) {
			t.Errorf("%s: got %v, pos %d, err %v; want %v", in, got, s.pos, err, want)
		}
	}
}

func TestScannerDepthLimit(t *testing.T) {
	deep := "[" + strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1) + "]"
	var w wireWriter
	if _, err := scanRecords([]byte(deep), nil, w.record); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("nesting past %d levels: %v", maxJSONDepth, err)
	}
}

// FuzzScannerAgreesWithJSONText runs the corpus as a test; `go test -fuzz`
// explores further.
func FuzzScannerAgreesWithJSONText(f *testing.F) {
	for _, body := range scanCorpus {
		f.Add(body)
	}
	proj := newProjection([]string{"id", "m[].s"})
	f.Fuzz(func(t *testing.T, body string) {
		checkAgrees(t, body, nil, nil)
		checkAgrees(t, body, nil, proj)
	})
}

// widePage is a page of 200 records shaped like a SaaS user list: a few
// fields a sync reads and a wide tail it does not.
func widePage() []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range 200 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"6650a1b2c3d4e5f6a7b8%04x","email":"user.%d@example.com","name":"User Number %d",`+
			`"memberships":[{"userId":"6650a1b2c3d4e5f6a7b8%04x","hourlyRate":{"amount":5000,"currency":"USD"},"costRate":null,`+
			`"targetId":"6650a1b2c3d4e5f6a7b8c9d0","membershipType":"WORKSPACE","membershipStatus":"ACTIVE"}],`+
			`"profilePicture":"https://img.example.com/u/%d.png","activeWorkspace":"6650a1b2c3d4e5f6a7b8c9d0",`+
			`"defaultWorkspace":"6650a1b2c3d4e5f6a7b8c9d0","settings":{"weekStart":"MONDAY","timeZone":"Europe/Berlin",`+
			`"timeFormat":"HOUR24","dateFormat":"DD/MM/YYYY","summaryReportSettings":{"group":"PROJECT","subgroup":"CLIENT"}},`+
			`"status":"ACTIVE","customFields":[]}`, i, i, i, i, i)
	}
	b.WriteString("]")
	return []byte(b.String())
}

// BenchmarkScanPage transcodes one wide page with and without the
// projection a sync sends, and reports the JSON bytes read per second.
func BenchmarkScanPage(b *testing.B) {
	page := widePage()
	for _, v := range []struct {
		name   string
		fields []string
	}{
		{"all-fields", nil},
		{"projected", []string{"id", "email", "name", "status", "memberships[].membershipStatus"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			w := wireWriter{proj: newProjection(v.fields).compile()}
			b.SetBytes(int64(len(page)))
			for b.Loop() {
				w.buf = w.buf[:0]
				if n, err := scanRecords(page, nil, w.record); err != nil || n != 200 {
					b.Fatal(n, err)
				}
			}
		})
	}
}
