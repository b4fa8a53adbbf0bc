// Original file: ../../../proto/connector/v1/connector.proto

import type { FieldType as _idbridge_connector_v1_FieldType, FieldType__Output as _idbridge_connector_v1_FieldType__Output } from '../../../idbridge/connector/v1/FieldType';

export interface FieldSpec {
  'path'?: (string);
  'label'?: (string);
  'type'?: (_idbridge_connector_v1_FieldType);
  'description'?: (string);
}

export interface FieldSpec__Output {
  'path': (string);
  'label': (string);
  'type': (_idbridge_connector_v1_FieldType__Output);
  'description': (string);
}
