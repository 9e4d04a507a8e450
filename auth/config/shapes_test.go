package config

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

// The byte checks of AWS shapes must accept exactly what these regular
// expressions (the former implementation) accept.
var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d$`)
	poolIDRE  = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-\d_[A-Za-z0-9]+$`)
	cognitoRE = regexp.MustCompile(`^cognito-idp\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com(?:\.cn)?$`)
)

func checkShapes(t *testing.T, s string) {
	t.Helper()
	if got, want := isRegion(s), regionRE.MatchString(s); got != want {
		t.Errorf("isRegion(%q) = %v, want %v", s, got, want)
	}
	if got, want := isPoolID(s), poolIDRE.MatchString(s); got != want {
		t.Errorf("isPoolID(%q) = %v, want %v", s, got, want)
	}
	region, ok := cognitoRegion(s)
	m := cognitoRE.FindStringSubmatch(s)
	if ok != (m != nil) || ok && region != m[1] {
		t.Errorf("cognitoRegion(%q) = %q, %v; want %q", s, region, ok, m)
	}
}

func TestAWSShapes(t *testing.T) {
	for _, s := range []string{
		"", "eu-west-1", "us-gov-west-1", "us-gov-1", "us-govx-1", "us--1", "eu-west-12", "EU-west-1",
		"e-west-1", "eu-west-", "eu-west1", "eu-west-1_AbC123", "eu-west-1_", "eu-west-1_a_b", "eu-west-1_ab-c",
		"us-gov-west-1_X", "cn-north-1_Pool", "eu-west-1\n", "eu-west-1_Ab\n",
		"cognito-idp.eu-west-1.amazonaws.com", "cognito-idp.cn-north-1.amazonaws.com.cn",
		"cognito-idp.us-gov-west-1.amazonaws.com", "cognito-idp.eu-west-1.amazonaws.com.", "cognito-idp..amazonaws.com",
		"cognito-idp.eu-west-1.amazonaws.com.cn.cn", "cognito-idp.amazonaws.com", "xcognito-idp.eu-west-1.amazonaws.com",
		"cognito-idp.eu.west-1.amazonaws.com", "cognito-idp.eu-west-1.amazonaws.co",
	} {
		checkShapes(t, s)
	}
	// Random strings over the pieces the shapes are made of.
	pieces := []string{"a", "z", "eu", "us", "-", "gov", "-gov", "west", "1", "9", "_", "A", "Z0", ".", "cognito-idp.", ".amazonaws.com", ".cn", "x"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var b []byte
		for range r.IntN(8) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		checkShapes(t, string(b))
	}
}
