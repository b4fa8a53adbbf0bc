// Original file: ../../../proto/connector/v1/connector.proto


export interface OutputSpec {
  'name'?: (string);
  'path'?: (string);
  'description'?: (string);
}

export interface OutputSpec__Output {
  'name': (string);
  'path': (string);
  'description': (string);
}
