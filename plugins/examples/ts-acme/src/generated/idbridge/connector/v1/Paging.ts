// Original file: ../../../proto/connector/v1/connector.proto

import type { PagingKind as _idbridge_connector_v1_PagingKind, PagingKind__Output as _idbridge_connector_v1_PagingKind__Output } from '../../../idbridge/connector/v1/PagingKind';

export interface Paging {
  'kind'?: (_idbridge_connector_v1_PagingKind);
  'page_param'?: (string);
  'size_param'?: (string);
  'page_size'?: (number);
  'first_page'?: (number);
  'last_page_header'?: (string);
  'cursor_path'?: (string);
  'total_path'?: (string);
}

export interface Paging__Output {
  'kind': (_idbridge_connector_v1_PagingKind__Output);
  'page_param': (string);
  'size_param': (string);
  'page_size': (number);
  'first_page': (number);
  'last_page_header': (string);
  'cursor_path': (string);
  'total_path': (string);
}
