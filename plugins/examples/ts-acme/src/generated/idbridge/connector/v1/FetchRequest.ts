// Original file: ../../../proto/connector/v1/connector.proto

import type { EndpointSpec as _idbridge_connector_v1_EndpointSpec, EndpointSpec__Output as _idbridge_connector_v1_EndpointSpec__Output } from '../../../idbridge/connector/v1/EndpointSpec';

export interface FetchRequest {
  'settings'?: ({[key: string]: string});
  'endpoint_id'?: (string);
  'custom'?: (_idbridge_connector_v1_EndpointSpec | null);
  'max_pages'?: (number);
  'batch_size'?: (number);
  'include_exchange'?: (boolean);
  'fields'?: (string)[];
  'max_body_bytes'?: (number);
  'endpoint'?: "endpoint_id"|"custom";
}

export interface FetchRequest__Output {
  'settings': ({[key: string]: string});
  'endpoint_id'?: (string);
  'custom'?: (_idbridge_connector_v1_EndpointSpec__Output | null);
  'max_pages': (number);
  'batch_size': (number);
  'include_exchange': (boolean);
  'fields': (string)[];
  'max_body_bytes': (number);
  'endpoint'?: "endpoint_id"|"custom";
}
