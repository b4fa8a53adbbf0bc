// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';

export interface HTTPRequest {
  'method'?: (string);
  'url'?: (string);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'body'?: (Buffer | Uint8Array | string);
}

export interface HTTPRequest__Output {
  'method': (string);
  'url': (string);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'body': (Buffer);
}
