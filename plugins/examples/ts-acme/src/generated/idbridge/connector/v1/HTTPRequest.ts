// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';
import type { Long } from '@grpc/proto-loader';

export interface HTTPRequest {
  'method'?: (string);
  'url'?: (string);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'body'?: (Buffer | Uint8Array | string);
  'body_length'?: (number | string | Long);
}

export interface HTTPRequest__Output {
  'method': (string);
  'url': (string);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'body': (Buffer);
  'body_length': (number);
}
