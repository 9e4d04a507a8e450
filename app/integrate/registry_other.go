//go:build !windows

package integrate

import "fmt"

// newRegistry: the registry exists on Windows only.
func newRegistry(Env) (Integration, error) {
	return nil, fmt.Errorf("%w: the Windows registry is only on Windows", ErrUnsupported)
}
