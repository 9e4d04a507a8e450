package integrate

// RegValue is one string value the Windows Integration sets under
// HKEY_CURRENT_USER; Name "" is the key's default value.
type RegValue struct{ Key, Name, Value string }

// Registry keys of the Windows Integration.
const (
	schemeKey = `Software\Classes\ssohelper`
	runKey    = `Software\Microsoft\Windows\CurrentVersion\Run`
	runName   = "ssohelper"
)

// SchemeValues register exe as the handler of ssohelper:// links: Windows
// runs `"exe" "ssohelper://…"`.
func SchemeValues(exe string) []RegValue {
	return []RegValue{
		{schemeKey, "", "URL:ssohelper link"},
		{schemeKey, "URL Protocol", ""},
		{schemeKey + `\DefaultIcon`, "", `"` + exe + `",0`},
		{schemeKey + `\shell\open\command`, "", `"` + exe + `" "%1"`},
	}
}

// schemeSubkeys are SchemeValues' keys, deepest first, for removal.
var schemeSubkeys = []string{schemeKey + `\shell\open\command`, schemeKey + `\shell\open`, schemeKey + `\shell`, schemeKey + `\DefaultIcon`, schemeKey}

// RunValue starts exe in the tray at login.
func RunValue(exe string) RegValue { return RegValue{runKey, runName, `"` + exe + `" ` + HiddenFlag} }
