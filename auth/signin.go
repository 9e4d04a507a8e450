package auth

import "github.com/ssohelper/ssohelper/auth/session"

// SignIn is everything one sign-in produced; see [session.SignIn]. It is
// what the keystore saves per profile (the "saved sign-in"); it holds
// secrets and must never be logged or printed whole.
type SignIn = session.SignIn

// Binding is who issued a session; see [session.Binding].
type Binding = session.Binding
