// Original file: ../../../proto/connector/v1/connector.proto

import type { Exchange as _idbridge_connector_v1_Exchange, Exchange__Output as _idbridge_connector_v1_Exchange__Output } from '../../../idbridge/connector/v1/Exchange';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from '../../../google/protobuf/Struct';

export interface InvokeResponse {
  'exchange'?: (_idbridge_connector_v1_Exchange | null);
  'outputs'?: (_google_protobuf_Struct | null);
}

export interface InvokeResponse__Output {
  'exchange': (_idbridge_connector_v1_Exchange__Output | null);
  'outputs': (_google_protobuf_Struct__Output | null);
}
