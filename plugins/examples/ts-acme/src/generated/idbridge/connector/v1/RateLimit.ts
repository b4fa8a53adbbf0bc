// Original file: ../../../proto/connector/v1/connector.proto


export interface RateLimit {
  'requests_per_second'?: (number | string);
  'burst'?: (number);
}

export interface RateLimit__Output {
  'requests_per_second': (number);
  'burst': (number);
}
