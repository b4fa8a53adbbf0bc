// Original file: ../../../proto/connector/v1/connector.proto

import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../../google/protobuf/Struct';
import type { Exchange as _idbridge_connector_v1_Exchange, Exchange__Output as _idbridge_connector_v1_Exchange__Output } from '../../../idbridge/connector/v1/Exchange';

export interface FetchResponse {
  'records'?: (_google_protobuf_Struct)[];
  'page'?: (number);
  'exchange'?: (_idbridge_connector_v1_Exchange | null);
}

export interface FetchResponse__Output {
  'records': (_google_protobuf_Struct__Output)[];
  'page': (number);
  'exchange': (_idbridge_connector_v1_Exchange__Output | null);
}
