// Original file: ../../../proto/connector/v1/connector.proto


export interface DescribeRequest {
  'host_protocol_version'?: (number);
  'host_version'?: (string);
}

export interface DescribeRequest__Output {
  'host_protocol_version': (number);
  'host_version': (string);
}
