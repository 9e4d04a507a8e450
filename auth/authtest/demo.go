package authtest

// The demo data is public on purpose: `ssohelper demo` prints it so a person
// can sign in to the emulator. None of it is valid anywhere else.

// Demo access-right and group mappings, in the Encodify XML format.
const (
	demoAccessRightXML = `<?xml version="1.0" encoding="UTF-8"?>
<MappingDocument>
	<Mapping>
		<ExternalSystemAccess>Global Company</ExternalSystemAccess>
		<EncodeAccessRight>Admin</EncodeAccessRight>
	</Mapping>
	<Mapping>
		<ExternalSystemAccess>Local Company</ExternalSystemAccess>
		<EncodeAccessRight>Sales Manager</EncodeAccessRight>
	</Mapping>
</MappingDocument>`

	demoGroupXML = `<?xml version="1.0" encoding="UTF-8"?>
<MappingDocument>
	<Mapping>
		<ExternalSystemAccess>Local Company</ExternalSystemAccess>
		<EncodeGroup>Argentina, Chile, Bolivia</EncodeGroup>
	</Mapping>
	<Mapping>
		<ExternalSystemAccess>Designers</ExternalSystemAccess>
		<EncodeGroup>Creative</EncodeGroup>
	</Mapping>
</MappingDocument>`
)

// DemoClient returns the demo app client: a public client (no secret) with
// callback URLs http://localhost:{43110,43111,43112}/callback and sign-out URLs
// http://localhost:{43110,43111,43112}/signed-out.
func DemoClient() Client {
	return Client{
		ID: "7demo0client0ssohelper0abc",
		CallbackURLs: []string{
			"http://localhost:43110/callback",
			"http://localhost:43111/callback",
			"http://localhost:43112/callback",
		},
		LogoutURLs: []string{
			"http://localhost:43110/signed-out",
			"http://localhost:43111/signed-out",
			"http://localhost:43112/signed-out",
		},
		Scopes: []string{"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"},
	}
}

// DemoUsers returns the demo users: "designer" (Local Company designer),
// "admin" (Global Company) and "outsider", whose email domain the demo
// platform does not allow.
func DemoUsers() []User {
	return []User{
		{
			Username: "designer", Password: "Design-2026!",
			Sub:   "5f0c3a52-8d0e-4c51-9a43-3e1f2d7b6a01",
			Email: "designer@example.com", EmailVerified: true,
			Name: "Dana Designer", GivenName: "Dana", FamilyName: "Designer",
			Groups: []string{"Designers", "Local Company"},
			Custom: map[string]string{"access_right": "Local Company"},
		},
		{
			Username: "admin", Password: "Admin-2026!",
			Sub:   "9b7e4d21-3c6f-4a8e-b2d5-7f0a1c9e8d02",
			Email: "admin@example.com", EmailVerified: true,
			Name: "Alex Admin", GivenName: "Alex", FamilyName: "Admin",
			Groups: []string{"Global Company"},
			Custom: map[string]string{"access_right": "Global Company"},
		},
		{
			Username: "outsider", Password: "Outsider-2026!",
			Sub:   "c3d8f6a0-1e2b-4f7c-8a9d-0b5e6f7a8c03",
			Email: "outsider@elsewhere.test", EmailVerified: true,
			Name: "Olli Outsider", GivenName: "Olli", FamilyName: "Outsider",
		},
	}
}

// DemoPlatformApp returns the demo platform Client App.
func DemoPlatformApp() PlatformApp {
	return PlatformApp{ID: "ssohelper-demo-app", Secret: "Qm7vT2xKp9RfW4cZs8LdN3bHy6JgA5eUo1XiVq0Ct"}
}

// DemoPlatformOptions returns the demo platform: site 36, idp "cognito",
// DemoPlatformApp, only example.com emails, and the access-right and group
// mappings from the Encodify documentation (Global Company -> Admin,
// Local Company -> Sales Manager; groups Local Company -> Argentina, Chile,
// Bolivia and Designers -> Creative). Unmapped users get access right
// "Viewer"; everyone joins "Plugin Users".
func DemoPlatformOptions() PlatformOptions {
	return PlatformOptions{
		SiteID:                "36",
		IdP:                   "cognito",
		Apps:                  []PlatformApp{DemoPlatformApp()},
		AllowedDomains:        []string{"example.com"},
		ExternalIDClaim:       "email",
		AttributeMapping:      map[string]string{"given_name": "firstName", "family_name": "lastName", "email": "email"},
		AccessRightClaim:      "custom:access_right",
		AccessRightMappingXML: demoAccessRightXML,
		GroupClaim:            "cognito:groups",
		GroupMappingXML:       demoGroupXML,
		DefaultAccessRight:    "Viewer",
		DefaultGroups:         []string{"Plugin Users"},
	}
}
