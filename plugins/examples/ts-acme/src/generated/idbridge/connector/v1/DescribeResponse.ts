// Original file: ../../../proto/connector/v1/connector.proto

import type { ConnectorInfo as _idbridge_connector_v1_ConnectorInfo, ConnectorInfo__Output as _idbridge_connector_v1_ConnectorInfo__Output } from '../../../idbridge/connector/v1/ConnectorInfo';
import type { Capability as _idbridge_connector_v1_Capability, Capability__Output as _idbridge_connector_v1_Capability__Output } from '../../../idbridge/connector/v1/Capability';
import type { SettingSpec as _idbridge_connector_v1_SettingSpec, SettingSpec__Output as _idbridge_connector_v1_SettingSpec__Output } from '../../../idbridge/connector/v1/SettingSpec';
import type { EndpointSpec as _idbridge_connector_v1_EndpointSpec, EndpointSpec__Output as _idbridge_connector_v1_EndpointSpec__Output } from '../../../idbridge/connector/v1/EndpointSpec';
import type { WebhookSpec as _idbridge_connector_v1_WebhookSpec, WebhookSpec__Output as _idbridge_connector_v1_WebhookSpec__Output } from '../../../idbridge/connector/v1/WebhookSpec';
import type { RateLimit as _idbridge_connector_v1_RateLimit, RateLimit__Output as _idbridge_connector_v1_RateLimit__Output } from '../../../idbridge/connector/v1/RateLimit';

export interface DescribeResponse {
  'info'?: (_idbridge_connector_v1_ConnectorInfo | null);
  'protocol_version'?: (number);
  'capabilities'?: (_idbridge_connector_v1_Capability)[];
  'settings'?: (_idbridge_connector_v1_SettingSpec)[];
  'endpoints'?: (_idbridge_connector_v1_EndpointSpec)[];
  'webhooks'?: (_idbridge_connector_v1_WebhookSpec)[];
  'rate_limit'?: (_idbridge_connector_v1_RateLimit | null);
}

export interface DescribeResponse__Output {
  'info': (_idbridge_connector_v1_ConnectorInfo__Output | null);
  'protocol_version': (number);
  'capabilities': (_idbridge_connector_v1_Capability__Output)[];
  'settings': (_idbridge_connector_v1_SettingSpec__Output)[];
  'endpoints': (_idbridge_connector_v1_EndpointSpec__Output)[];
  'webhooks': (_idbridge_connector_v1_WebhookSpec__Output)[];
  'rate_limit': (_idbridge_connector_v1_RateLimit__Output | null);
}
