package sdk

import (
	connectorv1 "github.com/idbridge/idbridge/proto/connector/v1"
)

// Describe returns what the connector declares, as the host receives it.
func (c Connector) Describe() *connectorv1.DescribeResponse {
	c = c.withDefaults()
	resp := &connectorv1.DescribeResponse{
		Info: &connectorv1.ConnectorInfo{
			Id: c.Info.ID, Name: c.Info.Name, Version: c.Info.Version, Publisher: c.Info.Publisher,
			Description: c.Info.Description, DocumentationUrl: c.Info.DocumentationURL,
		},
		ProtocolVersion: protocolVersion,
		RateLimit:       &connectorv1.RateLimit{RequestsPerSecond: c.RateLimit.PerSecond, Burst: int32(max(c.RateLimit.Burst, 1))},
	}
	if len(c.Endpoints) > 0 || !c.DisableCustomEndpoints {
		resp.Capabilities = append(resp.Capabilities, connectorv1.Capability_CAPABILITY_FETCH)
	}
	if len(c.Webhooks) > 0 || !c.DisableCustomWebhooks {
		resp.Capabilities = append(resp.Capabilities, connectorv1.Capability_CAPABILITY_INVOKE)
	}
	if !c.DisableCustomEndpoints {
		resp.Capabilities = append(resp.Capabilities, connectorv1.Capability_CAPABILITY_CUSTOM_ENDPOINTS)
	}
	if !c.DisableCustomWebhooks {
		resp.Capabilities = append(resp.Capabilities, connectorv1.Capability_CAPABILITY_CUSTOM_WEBHOOKS)
	}
	if c.TestHook != nil || c.Test != nil {
		resp.Capabilities = append(resp.Capabilities, connectorv1.Capability_CAPABILITY_TEST_PERMISSIONS)
	}
	for _, s := range c.declaredSettings() {
		resp.Settings = append(resp.Settings, s.proto())
	}
	for _, e := range c.Endpoints {
		resp.Endpoints = append(resp.Endpoints, e.proto())
	}
	for _, w := range c.Webhooks {
		resp.Webhooks = append(resp.Webhooks, w.proto())
	}
	return resp
}
