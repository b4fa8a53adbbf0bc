// Original file: ../../../proto/connector/v1/connector.proto

import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from '../../../idbridge/connector/v1/KeyValue';
import type { Paging as _idbridge_connector_v1_Paging, Paging__Output as _idbridge_connector_v1_Paging__Output } from '../../../idbridge/connector/v1/Paging';
import type { FieldSpec as _idbridge_connector_v1_FieldSpec, FieldSpec__Output as _idbridge_connector_v1_FieldSpec__Output } from '../../../idbridge/connector/v1/FieldSpec';

export interface EndpointSpec {
  'id'?: (string);
  'name'?: (string);
  'description'?: (string);
  'method'?: (string);
  'url'?: (string);
  'headers'?: (_idbridge_connector_v1_KeyValue)[];
  'query'?: (_idbridge_connector_v1_KeyValue)[];
  'paging'?: (_idbridge_connector_v1_Paging | null);
  'records_path'?: (string);
  'fields'?: (_idbridge_connector_v1_FieldSpec)[];
  'primary_key'?: (string);
}

export interface EndpointSpec__Output {
  'id': (string);
  'name': (string);
  'description': (string);
  'method': (string);
  'url': (string);
  'headers': (_idbridge_connector_v1_KeyValue__Output)[];
  'query': (_idbridge_connector_v1_KeyValue__Output)[];
  'paging': (_idbridge_connector_v1_Paging__Output | null);
  'records_path': (string);
  'fields': (_idbridge_connector_v1_FieldSpec__Output)[];
  'primary_key': (string);
}
