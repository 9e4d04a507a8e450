package platform

import "github.com/ssohelper/ssohelper/auth/session"

// Token is a platform token; see [session.PlatformToken].
type Token = session.PlatformToken
