package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// explainer turns certificate errors into ones that say which host and
// which certificate failed, and what to do.
type explainer struct {
	rt     http.RoundTripper
	caFile string
}

func (e *explainer) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := e.rt.RoundTrip(r)
	if err != nil {
		err = Explain(r.URL.Host, e.caFile, err)
	}
	return resp, err
}

// Explain rewrites a certificate verification error from host into one
// wrapping ErrTLS (and err) that names the host, the certificate's
// subject and issuer, and points at ca_file. Other errors are returned
// as they are.
func Explain(host, caFile string, err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	var cert *x509.Certificate
	if errors.As(err, &verify) && len(verify.UnverifiedCertificates) > 0 {
		cert = verify.UnverifiedCertificates[0]
	}
	fix := "if your network inspects TLS (a company proxy), set ca_file in the profile to its CA bundle (PEM)"
	if caFile != "" {
		fix = "ca_file " + caFile + " is in use and does not hold this authority; add your company's CA certificate to it"
	}
	var what string
	switch {
	case errors.As(err, &unknown):
		if cert == nil {
			cert = unknown.Cert
		}
		what = "is signed by an authority this machine does not trust"
	case errors.As(err, &hostname):
		cert = hostname.Certificate
		names := strings.Join(hostname.Certificate.DNSNames, ", ")
		if names == "" {
			names = "no DNS names"
		}
		what = fmt.Sprintf("is for %s, not %s", names, hostname.Host)
		fix = "check the issuer and platform URLs in the profile; a proxy that rewrites TLS needs its CA in ca_file"
	case errors.As(err, &invalid):
		cert = invalid.Cert
		switch invalid.Reason {
		case x509.Expired:
			what = fmt.Sprintf("is expired or not yet valid (valid %s to %s)", cert.NotBefore.UTC().Format(time.DateOnly), cert.NotAfter.UTC().Format(time.DateOnly))
			fix = "check this machine's clock; if it is right, the server's certificate must be renewed"
		default:
			what = "is not valid: " + invalid.Error()
		}
	default:
		return err
	}
	return fmt.Errorf("%w: the certificate of %s (%s) %s; %s: %w", ErrTLS, host, describe(cert), what, fix, err)
}

// describe names a certificate by subject and issuer.
func describe(c *x509.Certificate) string {
	if c == nil {
		return "no certificate"
	}
	return fmt.Sprintf("subject %q, issued by %q", name(c.Subject.CommonName, c.Subject.Organization), name(c.Issuer.CommonName, c.Issuer.Organization))
}

func name(cn string, org []string) string {
	if cn != "" {
		return cn
	}
	if len(org) > 0 {
		return org[0]
	}
	return "(unnamed)"
}
