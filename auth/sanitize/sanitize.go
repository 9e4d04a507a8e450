// Package sanitize makes text that came from the network safe to show:
// on a terminal, in a browser page, in a log line or in the window. Every
// piece of text from an identity provider, a platform or a token passes
// through Text (or Redact) before anyone sees it.
//
// A hostile provider could otherwise retitle or recolour the terminal
// (escape sequences), hide text (C0 and C1 controls) or make a message read
// backwards (bidirectional overrides).
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLen is the longest text Redact keeps; longer text is cut with "...".
const MaxLen = 300

// Text returns s on one line with every escape sequence removed whole
// (ESC [ … CSI, ESC ] … OSC, and their one-character C1 forms), every other
// control character (C0, DEL, C1) and every Unicode format character
// (bidirectional overrides and isolates, zero-width characters) removed,
// line and paragraph separators and tabs turned into spaces, and invalid
// UTF-8 dropped.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			i += max(size, 1)
			continue
		case r == 0x1b: // ESC: drop the whole sequence it starts
			i = skipEscape(s, i+size)
			continue
		case r == 0x9b: // C1 CSI
			i = skipCSI(s, i+size)
			continue
		case r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f: // C1 OSC, DCS, PM, APC
			i = skipString(s, i+size)
			continue
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// Redact returns Text(s) with every secret (of four or more bytes) and
// anything shaped like a JWT replaced by "[redacted]", cut to MaxLen bytes.
// Use it for error text from a server, with the values the request sent:
// a server must not be able to echo a token or a secret into a message.
func Redact(s string, secrets ...string) string {
	// Clean first: a control character inside an echoed secret would hide
	// it from the replacement, and Text would then join it up again.
	s = Text(s)
	for _, secret := range secrets {
		if secret = Text(secret); len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	s = jwtLike(s)
	if len(s) > MaxLen {
		cut := MaxLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// skipEscape returns the index after the escape sequence whose ESC ended
// just before i.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', '^', '_', 'X': // OSC, DCS, PM, APC, SOS: up to BEL or ST
		return skipString(s, i+1)
	}
	// Two-character sequences (ESC c, ESC 7, ...) and charset
	// designations (ESC ( B): drop intermediates and the final byte.
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipCSI skips parameter and intermediate bytes and the final byte.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString skips to after the string terminator: BEL, ESC \ or C1 ST.
func skipString(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == 0x07:
			return i + 1
		case s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case strings.HasPrefix(s[i:], "\u009c"):
			return i + len("\u009c")
		}
		i++
	}
	return i
}

// jwtLike replaces anything shaped like a JWT (or the start of one).
func jwtLike(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "eyJ")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := i + 3
		for j < len(s) && (isB64URL(s[j]) || s[j] == '.') {
			j++
		}
		b.WriteString(s[:i])
		if j-i >= 8 {
			b.WriteString("[redacted]")
		} else {
			b.WriteString(s[i:j])
		}
		s = s[j:]
	}
}

func isB64URL(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}
