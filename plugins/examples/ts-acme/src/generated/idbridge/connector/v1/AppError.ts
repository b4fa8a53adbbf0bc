// Original file: ../../../proto/connector/v1/connector.proto

import type { ErrorKind as _idbridge_connector_v1_ErrorKind, ErrorKind__Output as _idbridge_connector_v1_ErrorKind__Output } from '../../../idbridge/connector/v1/ErrorKind';
import type { Exchange as _idbridge_connector_v1_Exchange, Exchange__Output as _idbridge_connector_v1_Exchange__Output } from '../../../idbridge/connector/v1/Exchange';

export interface AppError {
  'kind'?: (_idbridge_connector_v1_ErrorKind);
  'message'?: (string);
  'http_status'?: (number);
  'app_code'?: (string);
  'remedy'?: (string);
  'retryable'?: (boolean);
  'retry_after_seconds'?: (number);
  'exchange'?: (_idbridge_connector_v1_Exchange | null);
}

export interface AppError__Output {
  'kind': (_idbridge_connector_v1_ErrorKind__Output);
  'message': (string);
  'http_status': (number);
  'app_code': (string);
  'remedy': (string);
  'retryable': (boolean);
  'retry_after_seconds': (number);
  'exchange': (_idbridge_connector_v1_Exchange__Output | null);
}
