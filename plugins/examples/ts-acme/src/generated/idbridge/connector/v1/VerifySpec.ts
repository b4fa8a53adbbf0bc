// Original file: ../../../proto/connector/v1/connector.proto


export interface VerifySpec {
  'webhook'?: (string);
  'inputs'?: ({[key: string]: string});
  'exists'?: (string);
}

export interface VerifySpec__Output {
  'webhook': (string);
  'inputs': ({[key: string]: string});
  'exists': (string);
}
