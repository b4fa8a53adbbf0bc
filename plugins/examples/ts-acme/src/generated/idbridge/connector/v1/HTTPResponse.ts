// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';

export interface HTTPResponse {
  'status'?: (number);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'body'?: (Buffer | Uint8Array | string);
}

export interface HTTPResponse__Output {
  'status': (number);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'body': (Buffer);
}
