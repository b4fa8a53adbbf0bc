// Original file: ../../../proto/connector/v1/connector.proto

import type { CheckStatus as _idbridge_connector_v1_CheckStatus, CheckStatus__Output as _idbridge_connector_v1_CheckStatus__Output } from '../../../idbridge/connector/v1/CheckStatus';

export interface Check {
  'id'?: (string);
  'name'?: (string);
  'status'?: (_idbridge_connector_v1_CheckStatus);
  'message'?: (string);
  'remedy'?: (string);
}

export interface Check__Output {
  'id': (string);
  'name': (string);
  'status': (_idbridge_connector_v1_CheckStatus__Output);
  'message': (string);
  'remedy': (string);
}
