// Original file: ../../../proto/connector/v1/connector.proto


export interface ConnectorInfo {
  'id'?: (string);
  'name'?: (string);
  'version'?: (string);
  'publisher'?: (string);
  'description'?: (string);
  'documentation_url'?: (string);
}

export interface ConnectorInfo__Output {
  'id': (string);
  'name': (string);
  'version': (string);
  'publisher': (string);
  'description': (string);
  'documentation_url': (string);
}
