// Original file: ../../../proto/connector/v1/connector.proto


export interface TestRequest {
  'settings'?: ({[key: string]: string});
}

export interface TestRequest__Output {
  'settings': ({[key: string]: string});
}
