package mapping

import (
	"errors"
	"strings"
	"testing"
)

const rightsXML = `<?xml version="1.0" encoding="UTF-8"?>
<MappingDocument>
	<Mapping>
		<ExternalSystemAccess>Global Company</ExternalSystemAccess>
		<EncodeAccessRight>Admin</EncodeAccessRight>
	</Mapping>
	<Mapping>
		<ExternalSystemAccess>Local Company</ExternalSystemAccess>
		<EncodeAccessRight>Sales Manager</EncodeAccessRight>
	</Mapping>
</MappingDocument>
`

const groupsXML = `<MappingDocument>
<Mapping>
	<ExternalSystemAccess>Local Company</ExternalSystemAccess>
	<EncodeGroup>Argentina, Chile, Bolivia</EncodeGroup>
</Mapping>
<Mapping><ExternalSystemAccess>Designers</ExternalSystemAccess><EncodeGroup>Creative, Chile</EncodeGroup></Mapping>
</MappingDocument>`

func TestParseSeedExamples(t *testing.T) {
	m, err := Parse([]byte(rightsXML), DefaultKeyNode, DefaultAccessNode)
	if err != nil || m["Global Company"] != "Admin" || m["Local Company"] != "Sales Manager" || len(m) != 2 {
		t.Fatalf("rights: %v, %v", m, err)
	}
	g, err := Parse([]byte(groupsXML), DefaultKeyNode, DefaultGroupNode)
	if err != nil || g["Local Company"] != "Argentina, Chile, Bolivia" {
		t.Fatalf("groups: %v, %v", g, err)
	}
	// Other node names, as a site may choose.
	custom := `<Rules><Rule><Claim>staff</Claim><Right>Editor</Right></Rule></Rules>`
	if m, err := Parse([]byte(custom), "Claim", "Right"); err != nil || m["staff"] != "Editor" {
		t.Errorf("custom nodes: %v, %v", m, err)
	}
}

func TestParseMalformed(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		// The documentation's own example ends with "pping>" after </Mapping>.
		{"trailing junk", "<MappingDocument>\n<Mapping>\n\t<ExternalSystemAccess>Global Company</ExternalSystemAccess>\n\t<EncodeAccessRight>Admin</EncodeAccessRight>\n</Mapping>\n</MappingDocument>pping>\n", `line 6: text "pping>" after the root element </MappingDocument>`},
		{"second root", rightsXML + "<Extra/>", "line 12: element <Extra> after the root element </MappingDocument>"},
		{"unclosed", "<MappingDocument>\n<Mapping>\n<ExternalSystemAccess>x</ExternalSystemAccess>\n", "line 4"},
		{"mismatched", "<MappingDocument>\n<Mapping>\n<ExternalSystemAccess>x</EncodeAccessRight>\n</Mapping></MappingDocument>", "line 3"},
		{"missing value", "<MappingDocument>\n<Mapping>\n<ExternalSystemAccess>x</ExternalSystemAccess>\n</Mapping>\n</MappingDocument>", "line 4: mapping 1 (<Mapping>) needs a <ExternalSystemAccess> and a <EncodeAccessRight>"},
		{"wrong node names", rightsXML, "line 6: mapping 1 (<Mapping>) needs a <Key> and a <Value>"},
		{"too deep", "<A><B><C><D>x</D></C></B></A>", "element <D> is nested too deep"},
		{"empty", "   ", "no XML element"},
	} {
		key, val := DefaultKeyNode, DefaultAccessNode
		if tc.name == "wrong node names" {
			key, val = "Key", "Value"
		}
		_, err := Parse([]byte(tc.doc), key, val)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
		}
	}
}

func TestAssign(t *testing.T) {
	rights, _ := Parse([]byte(rightsXML), DefaultKeyNode, DefaultAccessNode)
	groups, _ := Parse([]byte(groupsXML), DefaultKeyNode, DefaultGroupNode)
	p := Assign(rights, groups, []string{"Nobody", "Local Company", "Global Company"}, []string{"Designers", "Local Company", "Unknown"})
	if p.AccessRight != "Sales Manager" {
		t.Errorf("access right %q; want the first mapped value's", p.AccessRight)
	}
	if strings.Join(p.Groups, "|") != "Creative|Chile|Argentina|Bolivia" {
		t.Errorf("groups %v", p.Groups)
	}
	if strings.Join(p.Unmapped, "|") != "Nobody|Unknown" {
		t.Errorf("unmapped %v", p.Unmapped)
	}
	if p := Assign(nil, nil, []string{"x"}, []string{"y"}); p.AccessRight != "" || len(p.Unmapped) != 0 {
		t.Errorf("without mappings: %+v", p)
	}
}
