package authtest

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/ssohelper/ssohelper/auth/mapping"
)

// mappingDocument is Encodify's mapping XML:
//
//	<MappingDocument><Mapping>
//	  <ExternalSystemAccess>Local Company</ExternalSystemAccess>
//	  <EncodeAccessRight>Sales Manager</EncodeAccessRight>  (or <EncodeGroup>A, B</EncodeGroup>)
//	</Mapping>…</MappingDocument>
type mappingDocument struct {
	XMLName  xml.Name `xml:"MappingDocument"`
	Mappings []struct {
		External    string `xml:"ExternalSystemAccess"`
		AccessRight string `xml:"EncodeAccessRight"`
		Group       string `xml:"EncodeGroup"`
	} `xml:"Mapping"`
}

// platformMapping is the parsed provisioning configuration.
type platformMapping struct {
	accessRights map[string]string   // external access -> access right
	groups       map[string][]string // external group -> platform groups
}

// parseMappingXML parses doc and returns external value -> target text taken
// from the element named by field ("EncodeAccessRight" or "EncodeGroup").
// An empty doc is an empty mapping.
func parseMappingXML(doc, field string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(doc) == "" {
		return out, nil
	}
	var d mappingDocument
	if err := xml.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("%w: mapping xml: %w", ErrInvalidOptions, err)
	}
	for i, m := range d.Mappings {
		target := m.AccessRight
		if field == "EncodeGroup" {
			target = m.Group
		}
		ext, target := strings.TrimSpace(m.External), strings.TrimSpace(target)
		if ext == "" || target == "" {
			return nil, fmt.Errorf("%w: mapping xml: mapping %d needs ExternalSystemAccess and %s", ErrInvalidOptions, i+1, field)
		}
		out[ext] = target
	}
	return out, nil
}

// parsePlatformMapping parses both mapping documents of p.
func parsePlatformMapping(p PlatformOptions) (platformMapping, error) {
	rights, err := parseMappingXML(p.AccessRightMappingXML, "EncodeAccessRight")
	if err != nil {
		return platformMapping{}, err
	}
	raw, err := parseMappingXML(p.GroupMappingXML, "EncodeGroup")
	if err != nil {
		return platformMapping{}, err
	}
	groups := map[string][]string{}
	for ext, list := range raw {
		groups[ext] = splitList(list)
	}
	return platformMapping{accessRights: rights, groups: groups}, nil
}

// splitList splits a comma-separated list, trimming and dropping empty items.
func splitList(s string) []string {
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// claimValues is mapping.ClaimValues: the platform emulator reads claims
// as ssohelper's preview does.
var claimValues = mapping.ClaimValues

// accessRight maps the first external access value that has a mapping, or
// returns the default access right.
func (m platformMapping) accessRight(values []string, fallback string) string {
	for _, v := range values {
		if r, ok := m.accessRights[strings.TrimSpace(v)]; ok {
			return r
		}
	}
	return fallback
}

// groupsFor maps each external group and adds the defaults, without duplicates.
func (m platformMapping) groupsFor(values, defaults []string) []string {
	var out []string
	add := func(g string) {
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	for _, v := range values {
		for _, g := range m.groups[strings.TrimSpace(v)] {
			add(g)
		}
	}
	for _, g := range defaults {
		add(g)
	}
	return out
}
