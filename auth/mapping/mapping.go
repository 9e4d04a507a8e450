// Package mapping reads a platform's mapping XML (Encodify's access-right
// and user-group mappings) and previews what its just-in-time
// provisioning assigns a user from the id_token's claims. The node names
// are chosen per site, so they are parameters; Encodify's documentation
// uses ExternalSystemAccess for the key, and EncodeAccessRight or
// EncodeGroup for the value (groups comma-separated).
package mapping

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ssohelper/ssohelper/auth/sanitize"
)

// Default node names, as in Encodify's documentation.
const (
	DefaultKeyNode    = "ExternalSystemAccess"
	DefaultAccessNode = "EncodeAccessRight"
	DefaultGroupNode  = "EncodeGroup"
)

// ErrMalformed wraps every parse error; the message names the line and
// the element.
var ErrMalformed = errors.New("malformed mapping XML")

// Map is one mapping document: external value -> platform value (a
// comma-separated list for groups).
type Map map[string]string

// Parse reads doc: a root element holding elements that each have one
// keyNode and one valueNode child. Anything after the root element (the
// documentation's own example has some) is an error.
func Parse(doc []byte, keyNode, valueNode string) (Map, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	start := 1 // the line the current token starts on
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w: line %d: %s", ErrMalformed, start, fmt.Sprintf(format, a...))
	}
	out := Map{}
	depth := 0
	var root, cur string // the root's name; the child element being read
	var key, val *string
	var text strings.Builder
	mappings := 0
	for {
		start, _ = d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The decoder's messages quote the document's bytes raw.
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("%w: line %d: %s", ErrMalformed, se.Line, sanitize.Text(se.Msg))
			}
			return nil, fail("%s", sanitize.Text(err.Error()))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 && root != "" {
				return nil, fail("element <%s> after the root element </%s>: a document has one root; remove what follows it", t.Name.Local, root)
			}
			depth++
			switch depth {
			case 1:
				root = t.Name.Local
			case 2:
				key, val = nil, nil
			case 3:
				cur = t.Name.Local
				text.Reset()
			default:
				return nil, fail("element <%s> is nested too deep: a mapping holds <%s> and <%s> with text", t.Name.Local, keyNode, valueNode)
			}
		case xml.CharData:
			if depth == 0 && root != "" && len(bytes.TrimSpace(t)) > 0 {
				start += bytes.Count(t[:len(t)-len(bytes.TrimLeft(t, " \t\r\n"))], []byte("\n"))
				return nil, fail("text %q after the root element </%s>: remove it", clip(string(bytes.TrimSpace(t))), root)
			}
			if depth == 3 {
				text.Write(t)
			}
		case xml.EndElement:
			switch depth {
			case 3:
				v := strings.TrimSpace(text.String())
				switch cur {
				case keyNode:
					key = &v
				case valueNode:
					val = &v
				}
			case 2:
				mappings++
				if key == nil || val == nil || *key == "" || *val == "" {
					return nil, fail("mapping %d (<%s>) needs a <%s> and a <%s> with text", mappings, t.Name.Local, keyNode, valueNode)
				}
				out[*key] = *val
			}
			depth--
		}
	}
	if root == "" {
		return nil, fmt.Errorf("%w: the file has no XML element", ErrMalformed)
	}
	if mappings == 0 {
		return nil, fmt.Errorf("%w: <%s> holds no mapping with <%s> and <%s>; check the node names", ErrMalformed, root, keyNode, valueNode)
	}
	return out, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Preview is what provisioning would assign.
type Preview struct {
	AccessRight string   // "" when no value is mapped (the site's default applies)
	Groups      []string // mapped groups, without duplicates
	Unmapped    []string // claim values no mapping names
}

// Assign previews access right and groups from claim values: the first
// access value with a mapping wins; every group value adds its groups.
func Assign(rights, groups Map, accessValues, groupValues []string) Preview {
	var p Preview
	for _, v := range accessValues {
		if r, ok := rights[strings.TrimSpace(v)]; ok && p.AccessRight == "" {
			p.AccessRight = r
		} else if !ok && rights != nil {
			p.Unmapped = append(p.Unmapped, v)
		}
	}
	for _, v := range groupValues {
		list, ok := groups[strings.TrimSpace(v)]
		if !ok {
			if groups != nil {
				p.Unmapped = append(p.Unmapped, v)
			}
			continue
		}
		for g := range strings.SplitSeq(list, ",") {
			if g = strings.TrimSpace(g); g != "" && !slices.Contains(p.Groups, g) {
				p.Groups = append(p.Groups, g)
			}
		}
	}
	return p
}

// ClaimValues is a claim as strings: a string claim is one value, a list
// claim each of its string items.
func ClaimValues(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
