package authtest

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

func TestParseMappingXML(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		field   string
		want    map[string]string
		wantErr bool
	}{
		{"access rights", demoAccessRightXML, "EncodeAccessRight",
			map[string]string{"Global Company": "Admin", "Local Company": "Sales Manager"}, false},
		{"groups", demoGroupXML, "EncodeGroup",
			map[string]string{"Local Company": "Argentina, Chile, Bolivia", "Designers": "Creative"}, false},
		{"empty", "  ", "EncodeGroup", map[string]string{}, false},
		{"whitespace is trimmed", "<MappingDocument><Mapping><ExternalSystemAccess> A </ExternalSystemAccess><EncodeGroup> B </EncodeGroup></Mapping></MappingDocument>",
			"EncodeGroup", map[string]string{"A": "B"}, false},
		{"malformed", "<MappingDocument><Mapping>", "EncodeGroup", nil, true},
		{"wrong root", "<Other/>", "EncodeGroup", nil, true},
		{"missing target", demoAccessRightXML, "EncodeGroup", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMappingXML(tt.doc, tt.field)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("got error %v; want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalidOptions) {
				t.Errorf("got error %v; want it to wrap ErrInvalidOptions", err)
			}
			if !maps.Equal(got, tt.want) && !tt.wantErr {
				t.Errorf("got %v; want %v", got, tt.want)
			}
		})
	}
}

func TestMappingRules(t *testing.T) {
	m, err := parsePlatformMapping(DemoPlatformOptions())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		claim      any
		wantRight  string
		wantGroups []string
	}{
		{"string claim", "Local Company", "Sales Manager", []string{"Argentina", "Chile", "Bolivia", "Plugin Users"}},
		{"array claim", []any{"Designers", "Local Company"}, "Sales Manager", []string{"Creative", "Argentina", "Chile", "Bolivia", "Plugin Users"}},
		{"first mapped value wins", []any{"Unknown", "Global Company", "Local Company"}, "Admin", []string{"Argentina", "Chile", "Bolivia", "Plugin Users"}},
		{"no match uses defaults", "Freelancers", "Viewer", []string{"Plugin Users"}},
		{"missing claim", nil, "Viewer", []string{"Plugin Users"}},
		{"duplicates removed", []any{"Local Company", "Local Company"}, "Sales Manager", []string{"Argentina", "Chile", "Bolivia", "Plugin Users"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := claimValues(tt.claim)
			if got, want := m.accessRight(values, "Viewer"), tt.wantRight; got != want {
				t.Errorf("got access right %q; want %q", got, want)
			}
			if got, want := m.groupsFor(values, []string{"Plugin Users"}), tt.wantGroups; !slices.Equal(got, want) {
				t.Errorf("got groups %q; want %q", got, want)
			}
		})
	}
}
