// Original file: ../../../proto/connector/v1/connector.proto

import type { RenderedCall as _idbridge_connector_v1_RenderedCall, RenderedCall__Output as _idbridge_connector_v1_RenderedCall__Output } from '../../../idbridge/connector/v1/RenderedCall';
import type { OutputSpec as _idbridge_connector_v1_OutputSpec, OutputSpec__Output as _idbridge_connector_v1_OutputSpec__Output } from '../../../idbridge/connector/v1/OutputSpec';

export interface InvokeRequest {
  'settings'?: ({[key: string]: string});
  'webhook_id'?: (string);
  'call'?: (_idbridge_connector_v1_RenderedCall | null);
  'outputs'?: (_idbridge_connector_v1_OutputSpec)[];
  'success_statuses'?: (number)[];
  'idempotency_key'?: (string);
  'max_body_bytes'?: (number);
}

export interface InvokeRequest__Output {
  'settings': ({[key: string]: string});
  'webhook_id': (string);
  'call': (_idbridge_connector_v1_RenderedCall__Output | null);
  'outputs': (_idbridge_connector_v1_OutputSpec__Output)[];
  'success_statuses': (number)[];
  'idempotency_key': (string);
  'max_body_bytes': (number);
}
