// Original file: ../../../proto/connector/v1/connector.proto


export interface KeyValue {
  'name'?: (string);
  'value'?: (string);
}

export interface KeyValue__Output {
  'name': (string);
  'value': (string);
}
