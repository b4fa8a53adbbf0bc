// Original file: ../../../proto/connector/v1/connector.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeRequest as _idbridge_connector_v1_DescribeRequest, DescribeRequest__Output as _idbridge_connector_v1_DescribeRequest__Output } from '../../../idbridge/connector/v1/DescribeRequest';
import type { DescribeResponse as _idbridge_connector_v1_DescribeResponse, DescribeResponse__Output as _idbridge_connector_v1_DescribeResponse__Output } from '../../../idbridge/connector/v1/DescribeResponse';
import type { FetchRequest as _idbridge_connector_v1_FetchRequest, FetchRequest__Output as _idbridge_connector_v1_FetchRequest__Output } from '../../../idbridge/connector/v1/FetchRequest';
import type { FetchResponse as _idbridge_connector_v1_FetchResponse, FetchResponse__Output as _idbridge_connector_v1_FetchResponse__Output } from '../../../idbridge/connector/v1/FetchResponse';
import type { InvokeRequest as _idbridge_connector_v1_InvokeRequest, InvokeRequest__Output as _idbridge_connector_v1_InvokeRequest__Output } from '../../../idbridge/connector/v1/InvokeRequest';
import type { InvokeResponse as _idbridge_connector_v1_InvokeResponse, InvokeResponse__Output as _idbridge_connector_v1_InvokeResponse__Output } from '../../../idbridge/connector/v1/InvokeResponse';
import type { TestRequest as _idbridge_connector_v1_TestRequest, TestRequest__Output as _idbridge_connector_v1_TestRequest__Output } from '../../../idbridge/connector/v1/TestRequest';
import type { TestResponse as _idbridge_connector_v1_TestResponse, TestResponse__Output as _idbridge_connector_v1_TestResponse__Output } from '../../../idbridge/connector/v1/TestResponse';

export interface ConnectorClient extends grpc.Client {
  Describe(argument: _idbridge_connector_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _idbridge_connector_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _idbridge_connector_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _idbridge_connector_v1_DescribeRequest, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _idbridge_connector_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _idbridge_connector_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _idbridge_connector_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _idbridge_connector_v1_DescribeRequest, callback: grpc.requestCallback<_idbridge_connector_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  
  Fetch(argument: _idbridge_connector_v1_FetchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_idbridge_connector_v1_FetchResponse__Output>;
  Fetch(argument: _idbridge_connector_v1_FetchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_idbridge_connector_v1_FetchResponse__Output>;
  fetch(argument: _idbridge_connector_v1_FetchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_idbridge_connector_v1_FetchResponse__Output>;
  fetch(argument: _idbridge_connector_v1_FetchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_idbridge_connector_v1_FetchResponse__Output>;
  
  Invoke(argument: _idbridge_connector_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _idbridge_connector_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _idbridge_connector_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  Invoke(argument: _idbridge_connector_v1_InvokeRequest, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _idbridge_connector_v1_InvokeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _idbridge_connector_v1_InvokeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _idbridge_connector_v1_InvokeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  invoke(argument: _idbridge_connector_v1_InvokeRequest, callback: grpc.requestCallback<_idbridge_connector_v1_InvokeResponse__Output>): grpc.ClientUnaryCall;
  
  Test(argument: _idbridge_connector_v1_TestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  Test(argument: _idbridge_connector_v1_TestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  Test(argument: _idbridge_connector_v1_TestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  Test(argument: _idbridge_connector_v1_TestRequest, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  test(argument: _idbridge_connector_v1_TestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  test(argument: _idbridge_connector_v1_TestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  test(argument: _idbridge_connector_v1_TestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  test(argument: _idbridge_connector_v1_TestRequest, callback: grpc.requestCallback<_idbridge_connector_v1_TestResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ConnectorHandlers extends grpc.UntypedServiceImplementation {
  Describe: grpc.handleUnaryCall<_idbridge_connector_v1_DescribeRequest__Output, _idbridge_connector_v1_DescribeResponse>;
  
  Fetch: grpc.handleServerStreamingCall<_idbridge_connector_v1_FetchRequest__Output, _idbridge_connector_v1_FetchResponse>;
  
  Invoke: grpc.handleUnaryCall<_idbridge_connector_v1_InvokeRequest__Output, _idbridge_connector_v1_InvokeResponse>;
  
  Test: grpc.handleUnaryCall<_idbridge_connector_v1_TestRequest__Output, _idbridge_connector_v1_TestResponse>;
  
}

export interface ConnectorDefinition extends grpc.ServiceDefinition {
  Describe: MethodDefinition<_idbridge_connector_v1_DescribeRequest, _idbridge_connector_v1_DescribeResponse, _idbridge_connector_v1_DescribeRequest__Output, _idbridge_connector_v1_DescribeResponse__Output>
  Fetch: MethodDefinition<_idbridge_connector_v1_FetchRequest, _idbridge_connector_v1_FetchResponse, _idbridge_connector_v1_FetchRequest__Output, _idbridge_connector_v1_FetchResponse__Output>
  Invoke: MethodDefinition<_idbridge_connector_v1_InvokeRequest, _idbridge_connector_v1_InvokeResponse, _idbridge_connector_v1_InvokeRequest__Output, _idbridge_connector_v1_InvokeResponse__Output>
  Test: MethodDefinition<_idbridge_connector_v1_TestRequest, _idbridge_connector_v1_TestResponse, _idbridge_connector_v1_TestRequest__Output, _idbridge_connector_v1_TestResponse__Output>
}
