// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';
import type { MessageType as _idbridge_connector_v1_MessageType, MessageType__Output as _idbridge_connector_v1_MessageType__Output } from '../../../idbridge/connector/v1/MessageType';

export interface RenderedCall {
  'method'?: (string);
  'url'?: (string);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'query'?: (_idbridge_connector_v1_KeyValue)[];
  'message_type'?: (_idbridge_connector_v1_MessageType);
  'body'?: (Buffer | Uint8Array | string);
}

export interface RenderedCall__Output {
  'method': (string);
  'url': (string);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'query': (_idbridge_connector_v1_KeyValue__Output)[];
  'message_type': (_idbridge_connector_v1_MessageType__Output);
  'body': (Buffer);
}
