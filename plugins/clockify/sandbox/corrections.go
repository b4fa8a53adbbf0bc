package sandbox

import "github.com/getkin/kin-openapi/openapi3"

// Corrections to the official document, applied before validation. Each is
// a place where the document contradicts what Clockify sends or accepts;
// the README lists them with the evidence. Everything not corrected here is
// checked as the document says.
func applyCorrections(doc *openapi3.T) {
	schemas := doc.Components.Schemas

	// The document wraps Java enums as `type: object` with a single string
	// `oneOf` (AccountStatus, CustomFieldType, Feature,
	// FeatureSubscriptionType); on the wire they are plain strings, as the
	// document's own examples show.
	for _, ref := range schemas {
		s := ref.Value
		if s != nil && s.Type.Is("object") && len(s.OneOf) == 1 && s.OneOf[0].Value != nil && s.OneOf[0].Value.Type.Is("string") {
			*s = *s.OneOf[0].Value
		}
	}

	// WorkspaceDtoV1.features is a list of features, not one.
	if ws := schemas["WorkspaceDtoV1"]; ws != nil && ws.Value.Properties["features"] != nil {
		item := ws.Value.Properties["features"]
		ws.Value.Properties["features"] = openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(item.Value))
	}

	// Values observed as null on the live API.
	nullable(schemas, "UserDtoV1", "name")
	nullable(schemas, "UserDtoV1", "settings")
	nullable(schemas, "MembershipDtoV1", "hourlyRate")
	nullable(schemas, "MembershipDtoV1", "costRate")
	nullable(schemas, "WorkspaceSubdomainDtoV1", "name")
	nullable(schemas, "RoleDtoV1", "source")

	// Custom field values take the field's type (a TXT value is a string,
	// as in the document's own example), not `type: object`.
	anyValue(schemas, "UserCustomFieldValueDtoV1", "value")
	anyValue(schemas, "UpsertUserCustomFieldRequestV1", "value")
	anyValue(schemas, "CustomFieldDtoV1", "workspaceDefaultValue")

	// A role grant without sourceType is accepted live (201).
	if rr := schemas["RoleRequestV1"]; rr != nil {
		kept := rr.Value.Required[:0]
		for _, f := range rr.Value.Required {
			if f != "sourceType" {
				kept = append(kept, f)
			}
		}
		rr.Value.Required = kept
	}

	// include-roles is marked required, yet real clients omit it and
	// Clockify answers them.
	if item := doc.Paths.Value("/v1/workspaces/{workspaceId}/users"); item != nil && item.Get != nil {
		for _, p := range item.Get.Parameters {
			if p.Value != nil && p.Value.Name == "include-roles" {
				cp := *p.Value
				cp.Required = false
				p.Value = &cp
			}
		}
	}
}

// nullable lets one property be null without changing the shared schema
// it may reference.
func nullable(schemas openapi3.Schemas, name, prop string) {
	ref := schemas[name]
	if ref == nil || ref.Value.Properties[prop] == nil {
		return
	}
	cp := *ref.Value.Properties[prop].Value
	cp.Nullable = true
	ref.Value.Properties[prop] = openapi3.NewSchemaRef("", &cp)
}

// anyValue lets one property hold any JSON value.
func anyValue(schemas openapi3.Schemas, name, prop string) {
	ref := schemas[name]
	if ref == nil || ref.Value.Properties[prop] == nil {
		return
	}
	s := openapi3.NewSchema()
	s.Nullable = true
	ref.Value.Properties[prop] = openapi3.NewSchemaRef("", s)
}
