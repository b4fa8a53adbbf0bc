package scim

import "github.com/idbridge/idbridge/sdk"

const (
	userSchema  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]`
	groupSchema = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]`
	patchSchema = `"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`
)

// Webhooks are the preconfigured outbound webhooks. Lookups and PATCHes
// are idempotent; the two creations are verified by the lookup of what
// they create (see decision 0170).
func Webhooks() []sdk.Webhook {
	return []sdk.Webhook{
		write("create-user", "Create user", "POST", "/Users",
			`{`+userSchema+`,"userName":"%userName%","name":{"givenName":"%givenName%","familyName":"%familyName%"},"emails":[{"value":"%email%","type":"work","primary":true}],"active":true}`,
			&sdk.Verify{Webhook: "find-user-by-username"}, out("userId", "id")),
		find("find-user-by-username", "Find user by userName", "/Users", `userName eq "%userName%"`, out("userId", "Resources[].id"), out("active", "Resources[].active")),
		write("deactivate-user", "Deactivate user", "PATCH", "/Users/%userId%", patch("replace", "active", "false"), nil, out("active", "active")),
		write("reactivate-user", "Reactivate user", "PATCH", "/Users/%userId%", patch("replace", "active", "true"), nil, out("active", "active")),
		write("create-group", "Create group", "POST", "/Groups", `{`+groupSchema+`,"displayName":"%name%"}`,
			&sdk.Verify{Webhook: "find-group-by-name"}, out("groupId", "id")),
		find("find-group-by-name", "Find group by name", "/Groups", `displayName eq "%name%"`, out("groupId", "Resources[].id")),
		write("add-group-member", "Add user to group", "PATCH", "/Groups/%groupId%",
			patch("add", "members", `[{"value":"%userId%"}]`), nil, out("groupId", "id")),
		write("remove-group-member", "Remove user from group", "PATCH", "/Groups/%groupId%",
			patch("remove", `members[value eq \"%userId%\"]`, ""), nil, out("groupId", "id")),
	}
}

// find is a lookup by a SCIM filter (RFC 7644 §3.4.2.2); it fails as not
// found when nothing matches, which is what templates branch on.
func find(id, name, url, filter string, outs ...sdk.Output) sdk.Webhook {
	return sdk.Webhook{ID: id, Name: name, Method: "GET", URL: url, Idempotent: true, Outputs: outs,
		Query: []sdk.KV{{Name: "filter", Value: filter}}}
}

// write is a call that changes the app; without a verifying lookup it is
// idempotent (a PATCH to a state).
func write(id, name, method, url, body string, verify *sdk.Verify, outs ...sdk.Output) sdk.Webhook {
	return sdk.Webhook{ID: id, Name: name, Method: method, URL: url, Body: body, MessageType: sdk.JSON,
		ContentType: mediaType, Verify: verify, Idempotent: verify == nil, Outputs: outs}
}

// patch is a one-operation PatchOp body; an empty value is left out, as
// remove takes none.
func patch(op, path, value string) string {
	v := ""
	if value != "" {
		v = `,"value":` + value
	}
	return `{` + patchSchema + `,"Operations":[{"op":"` + op + `","path":"` + path + `"` + v + `}]}`
}

func out(name, path string) sdk.Output { return sdk.Output{Name: name, Path: path} }
