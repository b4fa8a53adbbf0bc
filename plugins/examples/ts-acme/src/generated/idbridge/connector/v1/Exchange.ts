// Original file: ../../../proto/connector/v1/connector.proto

import type { HTTPRequest as _idbridge_connector_v1_HTTPRequest, HTTPRequest__Output as _idbridge_connector_v1_HTTPRequest__Output } from '../../../idbridge/connector/v1/HTTPRequest';
import type { HTTPResponse as _idbridge_connector_v1_HTTPResponse, HTTPResponse__Output as _idbridge_connector_v1_HTTPResponse__Output } from '../../../idbridge/connector/v1/HTTPResponse';
import type { Long } from '@grpc/proto-loader';

export interface Exchange {
  'request'?: (_idbridge_connector_v1_HTTPRequest | null);
  'response'?: (_idbridge_connector_v1_HTTPResponse | null);
  'attempts'?: (number);
  'duration_ms'?: (number | string | Long);
}

export interface Exchange__Output {
  'request': (_idbridge_connector_v1_HTTPRequest__Output | null);
  'response': (_idbridge_connector_v1_HTTPResponse__Output | null);
  'attempts': (number);
  'duration_ms': (number);
}
