//go:build windows

package integrate

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// winRegistry registers the app under HKEY_CURRENT_USER: the ssohelper://
// scheme and the Run value that starts it at login.
type winRegistry struct{ e Env }

func newRegistry(e Env) (Integration, error) { return &winRegistry{e: e}, nil }

func (r *winRegistry) Places() []string {
	return []string{`HKEY_CURRENT_USER\` + schemeKey, `HKEY_CURRENT_USER\` + runKey + ` (value ` + runName + `)`}
}

func (r *winRegistry) Install(ctx context.Context, autostart bool) error {
	if err := setValues(SchemeValues(r.e.Exe)); err != nil {
		return err
	}
	fmt.Fprintf(r.e.Log, "Registered ssohelper:// links in HKEY_CURRENT_USER\\%s\n", schemeKey)
	if autostart {
		return r.SetAutostart(ctx, true)
	}
	return nil
}

func (r *winRegistry) Remove(ctx context.Context) error {
	var errs []error
	for _, k := range schemeSubkeys {
		if err := registry.DeleteKey(registry.CURRENT_USER, k); err != nil && !errors.Is(err, registry.ErrNotExist) {
			errs = append(errs, fmt.Errorf("deleting HKEY_CURRENT_USER\\%s: %w", k, err))
		}
	}
	if len(errs) == 0 {
		fmt.Fprintf(r.e.Log, "Removed HKEY_CURRENT_USER\\%s\n", schemeKey)
	}
	return errors.Join(append(errs, r.SetAutostart(ctx, false))...)
}

func (r *winRegistry) Autostart() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		if errors.Is(err, registry.ErrNotExist) {
			return false, nil
		}
		return false, err
	}
	defer k.Close()
	_, _, err = k.GetStringValue(runName)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (r *winRegistry) SetAutostart(_ context.Context, on bool) error {
	if on {
		if err := setValues([]RegValue{RunValue(r.e.Exe)}); err != nil {
			return err
		}
		fmt.Fprintln(r.e.Log, "ssohelper now starts at login, in the notification area.")
		return nil
	}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening HKEY_CURRENT_USER\\%s: %w", runKey, err)
	}
	defer k.Close()
	if err := k.DeleteValue(runName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("deleting the start at login: %w", err)
	}
	return nil
}

// setValues writes each value, creating its key.
func setValues(vals []RegValue) error {
	for _, v := range vals {
		k, _, err := registry.CreateKey(registry.CURRENT_USER, v.Key, registry.SET_VALUE)
		if err != nil {
			return fmt.Errorf("creating HKEY_CURRENT_USER\\%s: %w", v.Key, err)
		}
		err = k.SetStringValue(v.Name, v.Value)
		k.Close()
		if err != nil {
			return fmt.Errorf("setting HKEY_CURRENT_USER\\%s: %w", v.Key, err)
		}
	}
	return nil
}
