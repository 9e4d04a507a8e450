package keystore

import (
	"fmt"
	"strings"
)

const (
	// maxNameLen bounds names so that escaped file names stay far below the
	// usual 255-byte limit.
	maxNameLen = 100
	// fileSuffix marks sealed value files; everything else in the directory
	// (lock file, temporary files) is ignored by Names.
	fileSuffix = ".vault"
)

// checkName enforces the naming rules: 1 to 100 ASCII letters, digits, '-',
// '_', '.' and '/', with non-empty '/'-separated segments and no "..".
func checkName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("%w: %q must be 1 to %d characters", ErrInvalidName, name, maxNameLen)
	}
	for _, r := range name {
		if !isNameRune(r) {
			return fmt.Errorf("%w: %q may only hold letters, digits, '-', '_', '.' and '/'", ErrInvalidName, name)
		}
	}
	if strings.Contains(name, "..") {
		return fmt.Errorf("%w: %q must not contain \"..\"", ErrInvalidName, name)
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." {
			return fmt.Errorf("%w: %q has an empty or \".\" segment", ErrInvalidName, name)
		}
	}
	return nil
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		r == '-' || r == '_' || r == '.' || r == '/'
}

// fileName maps a valid name to a flat file name that is the same on
// case-insensitive file systems (macOS, Windows): '/' becomes '~' and an upper
// case letter X becomes "^x". Neither '~' nor '^' can occur in a name, so the
// mapping is reversible.
func fileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '/':
			b.WriteByte('~')
		case r >= 'A' && r <= 'Z':
			b.WriteByte('^')
			b.WriteRune(r - 'A' + 'a')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(fileSuffix)
	return b.String()
}

// nameFromFile reverses fileName. It reports false for files that fileName
// cannot have produced.
func nameFromFile(file string) (string, bool) {
	base, ok := strings.CutSuffix(file, fileSuffix)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(base); i++ {
		switch c := base[i]; {
		case c == '~':
			b.WriteByte('/')
		case c == '^' && i+1 < len(base) && base[i+1] >= 'a' && base[i+1] <= 'z':
			i++
			b.WriteByte(base[i] - 'a' + 'A')
		case c >= 'A' && c <= 'Z', c == '^':
			return "", false
		default:
			b.WriteByte(c)
		}
	}
	name := b.String()
	if checkName(name) != nil {
		return "", false
	}
	return name, true
}
