package mapping

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// FuzzMappingXML feeds Parse arbitrary documents, read with the access
// right nodes or the group nodes. The seeds under testdata/fuzz are the
// mapping examples of Encodify's documentation (/work/shared/seeds),
// including its example with trailing junk. Properties: no panic; work
// bounded by the input; a refused document gives a nil map and an error
// wrapping ErrMalformed whose text is printable (it reaches a terminal);
// an accepted one has only non-empty, trimmed keys and values, and
// written back as XML it parses to the same map.
func FuzzMappingXML(f *testing.F) {
	f.Fuzz(func(t *testing.T, doc []byte, groups bool) {
		valueNode := DefaultAccessNode
		if groups {
			valueNode = DefaultGroupNode
		}
		stop := fuzzWatchdog("Parse(%q, %v)", doc, groups)
		m, err := Parse(doc, DefaultKeyNode, valueNode)
		stop()
		if err != nil {
			if m != nil {
				t.Fatalf("Parse refused the document (%v) but returned %v", err, m)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %q does not wrap ErrMalformed", err)
			}
			if got := err.Error(); sanitize.Text(got) != got {
				t.Fatalf("error text is not printable: %q", got)
			}
			return
		}
		if len(m) == 0 {
			t.Fatal("Parse accepted a document without mappings")
		}
		for k, v := range m {
			if k == "" || v == "" || strings.TrimSpace(k) != k || strings.TrimSpace(v) != v {
				t.Fatalf("mapping %q -> %q is empty or untrimmed", k, v)
			}
		}
		again, err := Parse(fuzzWriteXML(t, m, valueNode), DefaultKeyNode, valueNode)
		if err != nil {
			t.Fatalf("the map written back does not parse: %v", err)
		}
		if !maps.Equal(m, again) {
			t.Fatalf("round trip changed the map:\n got %q\nwant %q", again, m)
		}
	})
}

// fuzzWatchdog crashes the fuzzing process when stop is not called within
// 10 s, naming the call (format and args, formatted only then): the
// fuzzer keeps the input that did not end.
func fuzzWatchdog(format string, args ...any) (stop func()) {
	t := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf(format, args...) + " did not return within 10s") })
	return func() { t.Stop() }
}

// fuzzWriteXML renders m as a mapping document, keys sorted.
func fuzzWriteXML(t *testing.T, m Map, valueNode string) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<MappingDocument>\n")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString("<Mapping><" + DefaultKeyNode + ">")
		if err := xml.EscapeText(&b, []byte(k)); err != nil {
			t.Fatal(err)
		}
		b.WriteString("</" + DefaultKeyNode + "><" + valueNode + ">")
		if err := xml.EscapeText(&b, []byte(m[k])); err != nil {
			t.Fatal(err)
		}
		b.WriteString("</" + valueNode + "></Mapping>\n")
	}
	b.WriteString("</MappingDocument>\n")
	return b.Bytes()
}
