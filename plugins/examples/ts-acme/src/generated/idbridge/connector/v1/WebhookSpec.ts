// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';
import type { MessageType as _idbridge_connector_v1_MessageType, MessageType__Output as _idbridge_connector_v1_MessageType__Output } from '../../../idbridge/connector/v1/MessageType';
import type { OutputSpec as _idbridge_connector_v1_OutputSpec, OutputSpec__Output as _idbridge_connector_v1_OutputSpec__Output } from '../../../idbridge/connector/v1/OutputSpec';
import type { VerifySpec as _idbridge_connector_v1_VerifySpec, VerifySpec__Output as _idbridge_connector_v1_VerifySpec__Output } from '../../../idbridge/connector/v1/VerifySpec';

export interface WebhookSpec {
  'id'?: (string);
  'name'?: (string);
  'description'?: (string);
  'method'?: (string);
  'url'?: (string);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'query'?: (_idbridge_connector_v1_KeyValue)[];
  'message_type'?: (_idbridge_connector_v1_MessageType);
  'body'?: (string);
  'outputs'?: (_idbridge_connector_v1_OutputSpec)[];
  'success_statuses'?: (number)[];
  'category'?: (string);
  'idempotent'?: (boolean);
  'verify'?: (_idbridge_connector_v1_VerifySpec | null);
}

export interface WebhookSpec__Output {
  'id': (string);
  'name': (string);
  'description': (string);
  'method': (string);
  'url': (string);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'query': (_idbridge_connector_v1_KeyValue__Output)[];
  'message_type': (_idbridge_connector_v1_MessageType__Output);
  'body': (string);
  'outputs': (_idbridge_connector_v1_OutputSpec__Output)[];
  'success_statuses': (number)[];
  'category': (string);
  'idempotent': (boolean);
  'verify': (_idbridge_connector_v1_VerifySpec__Output | null);
}
