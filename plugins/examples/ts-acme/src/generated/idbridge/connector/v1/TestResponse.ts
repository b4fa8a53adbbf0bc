// Original file: ../../../proto/connector/v1/connector.proto

import type { Check as _idbridge_connector_v1_Check, Check__Output as _idbridge_connector_v1_Check__Output } from '../../../idbridge/connector/v1/Check';

export interface TestResponse {
  'ok'?: (boolean);
  'checks'?: (_idbridge_connector_v1_Check)[];
  'account'?: (string);
}

export interface TestResponse__Output {
  'ok': (boolean);
  'checks': (_idbridge_connector_v1_Check__Output)[];
  'account': (string);
}
