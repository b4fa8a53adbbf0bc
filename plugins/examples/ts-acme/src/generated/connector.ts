import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { ListValue as _google_protobuf_ListValue, ListValue__Output as _google_protobuf_ListValue__Output } from './google/protobuf/ListValue';
import type { Struct as _google_protobuf_Struct, Struct__Output as _google_protobuf_Struct__Output } from './google/protobuf/Struct';
import type { Value as _google_protobuf_Value, Value__Output as _google_protobuf_Value__Output } from './google/protobuf/Value';
import type { AppError as _idbridge_connector_v1_AppError, AppError__Output as _idbridge_connector_v1_AppError__Output } from './idbridge/connector/v1/AppError';
import type { Check as _idbridge_connector_v1_Check, Check__Output as _idbridge_connector_v1_Check__Output } from './idbridge/connector/v1/Check';
import type { ConnectorClient as _idbridge_connector_v1_ConnectorClient, ConnectorDefinition as _idbridge_connector_v1_ConnectorDefinition } from './idbridge/connector/v1/Connector';
import type { ConnectorInfo as _idbridge_connector_v1_ConnectorInfo, ConnectorInfo__Output as _idbridge_connector_v1_ConnectorInfo__Output } from './idbridge/connector/v1/ConnectorInfo';
import type { DescribeRequest as _idbridge_connector_v1_DescribeRequest, DescribeRequest__Output as _idbridge_connector_v1_DescribeRequest__Output } from './idbridge/connector/v1/DescribeRequest';
import type { DescribeResponse as _idbridge_connector_v1_DescribeResponse, DescribeResponse__Output as _idbridge_connector_v1_DescribeResponse__Output } from './idbridge/connector/v1/DescribeResponse';
import type { EndpointSpec as _idbridge_connector_v1_EndpointSpec, EndpointSpec__Output as _idbridge_connector_v1_EndpointSpec__Output } from './idbridge/connector/v1/EndpointSpec';
import type { Exchange as _idbridge_connector_v1_Exchange, Exchange__Output as _idbridge_connector_v1_Exchange__Output } from './idbridge/connector/v1/Exchange';
import type { FetchRequest as _idbridge_connector_v1_FetchRequest, FetchRequest__Output as _idbridge_connector_v1_FetchRequest__Output } from './idbridge/connector/v1/FetchRequest';
import type { FetchResponse as _idbridge_connector_v1_FetchResponse, FetchResponse__Output as _idbridge_connector_v1_FetchResponse__Output } from './idbridge/connector/v1/FetchResponse';
import type { FieldSpec as _idbridge_connector_v1_FieldSpec, FieldSpec__Output as _idbridge_connector_v1_FieldSpec__Output } from './idbridge/connector/v1/FieldSpec';
import type { HTTPRequest as _idbridge_connector_v1_HTTPRequest, HTTPRequest__Output as _idbridge_connector_v1_HTTPRequest__Output } from './idbridge/connector/v1/HTTPRequest';
import type { HTTPResponse as _idbridge_connector_v1_HTTPResponse, HTTPResponse__Output as _idbridge_connector_v1_HTTPResponse__Output } from './idbridge/connector/v1/HTTPResponse';
import type { InvokeRequest as _idbridge_connector_v1_InvokeRequest, InvokeRequest__Output as _idbridge_connector_v1_InvokeRequest__Output } from './idbridge/connector/v1/InvokeRequest';
import type { InvokeResponse as _idbridge_connector_v1_InvokeResponse, InvokeResponse__Output as _idbridge_connector_v1_InvokeResponse__Output } from './idbridge/connector/v1/InvokeResponse';
import type { KeyValue as _idbridge_connector_v1_KeyValue, KeyValue__Output as _idbridge_connector_v1_KeyValue__Output } from './idbridge/connector/v1/KeyValue';
import type { OutputSpec as _idbridge_connector_v1_OutputSpec, OutputSpec__Output as _idbridge_connector_v1_OutputSpec__Output } from './idbridge/connector/v1/OutputSpec';
import type { Paging as _idbridge_connector_v1_Paging, Paging__Output as _idbridge_connector_v1_Paging__Output } from './idbridge/connector/v1/Paging';
import type { RateLimit as _idbridge_connector_v1_RateLimit, RateLimit__Output as _idbridge_connector_v1_RateLimit__Output } from './idbridge/connector/v1/RateLimit';
import type { RenderedCall as _idbridge_connector_v1_RenderedCall, RenderedCall__Output as _idbridge_connector_v1_RenderedCall__Output } from './idbridge/connector/v1/RenderedCall';
import type { SettingRows as _idbridge_connector_v1_SettingRows, SettingRows__Output as _idbridge_connector_v1_SettingRows__Output } from './idbridge/connector/v1/SettingRows';
import type { SettingSpec as _idbridge_connector_v1_SettingSpec, SettingSpec__Output as _idbridge_connector_v1_SettingSpec__Output } from './idbridge/connector/v1/SettingSpec';
import type { TestRequest as _idbridge_connector_v1_TestRequest, TestRequest__Output as _idbridge_connector_v1_TestRequest__Output } from './idbridge/connector/v1/TestRequest';
import type { TestResponse as _idbridge_connector_v1_TestResponse, TestResponse__Output as _idbridge_connector_v1_TestResponse__Output } from './idbridge/connector/v1/TestResponse';
import type { VerifySpec as _idbridge_connector_v1_VerifySpec, VerifySpec__Output as _idbridge_connector_v1_VerifySpec__Output } from './idbridge/connector/v1/VerifySpec';
import type { WebhookSpec as _idbridge_connector_v1_WebhookSpec, WebhookSpec__Output as _idbridge_connector_v1_WebhookSpec__Output } from './idbridge/connector/v1/WebhookSpec';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      ListValue: MessageTypeDefinition<_google_protobuf_ListValue, _google_protobuf_ListValue__Output>
      NullValue: EnumTypeDefinition
      Struct: MessageTypeDefinition<_google_protobuf_Struct, _google_protobuf_Struct__Output>
      Value: MessageTypeDefinition<_google_protobuf_Value, _google_protobuf_Value__Output>
    }
  }
  idbridge: {
    connector: {
      v1: {
        AppError: MessageTypeDefinition<_idbridge_connector_v1_AppError, _idbridge_connector_v1_AppError__Output>
        Capability: EnumTypeDefinition
        Check: MessageTypeDefinition<_idbridge_connector_v1_Check, _idbridge_connector_v1_Check__Output>
        CheckStatus: EnumTypeDefinition
        Connector: SubtypeConstructor<typeof grpc.Client, _idbridge_connector_v1_ConnectorClient> & { service: _idbridge_connector_v1_ConnectorDefinition }
        ConnectorInfo: MessageTypeDefinition<_idbridge_connector_v1_ConnectorInfo, _idbridge_connector_v1_ConnectorInfo__Output>
        DescribeRequest: MessageTypeDefinition<_idbridge_connector_v1_DescribeRequest, _idbridge_connector_v1_DescribeRequest__Output>
        DescribeResponse: MessageTypeDefinition<_idbridge_connector_v1_DescribeResponse, _idbridge_connector_v1_DescribeResponse__Output>
        EndpointSpec: MessageTypeDefinition<_idbridge_connector_v1_EndpointSpec, _idbridge_connector_v1_EndpointSpec__Output>
        ErrorKind: EnumTypeDefinition
        Exchange: MessageTypeDefinition<_idbridge_connector_v1_Exchange, _idbridge_connector_v1_Exchange__Output>
        FetchRequest: MessageTypeDefinition<_idbridge_connector_v1_FetchRequest, _idbridge_connector_v1_FetchRequest__Output>
        FetchResponse: MessageTypeDefinition<_idbridge_connector_v1_FetchResponse, _idbridge_connector_v1_FetchResponse__Output>
        FieldSpec: MessageTypeDefinition<_idbridge_connector_v1_FieldSpec, _idbridge_connector_v1_FieldSpec__Output>
        FieldType: EnumTypeDefinition
        HTTPRequest: MessageTypeDefinition<_idbridge_connector_v1_HTTPRequest, _idbridge_connector_v1_HTTPRequest__Output>
        HTTPResponse: MessageTypeDefinition<_idbridge_connector_v1_HTTPResponse, _idbridge_connector_v1_HTTPResponse__Output>
        InvokeRequest: MessageTypeDefinition<_idbridge_connector_v1_InvokeRequest, _idbridge_connector_v1_InvokeRequest__Output>
        InvokeResponse: MessageTypeDefinition<_idbridge_connector_v1_InvokeResponse, _idbridge_connector_v1_InvokeResponse__Output>
        KeyValue: MessageTypeDefinition<_idbridge_connector_v1_KeyValue, _idbridge_connector_v1_KeyValue__Output>
        MessageType: EnumTypeDefinition
        OutputSpec: MessageTypeDefinition<_idbridge_connector_v1_OutputSpec, _idbridge_connector_v1_OutputSpec__Output>
        Paging: MessageTypeDefinition<_idbridge_connector_v1_Paging, _idbridge_connector_v1_Paging__Output>
        PagingKind: EnumTypeDefinition
        RateLimit: MessageTypeDefinition<_idbridge_connector_v1_RateLimit, _idbridge_connector_v1_RateLimit__Output>
        RenderedCall: MessageTypeDefinition<_idbridge_connector_v1_RenderedCall, _idbridge_connector_v1_RenderedCall__Output>
        SettingRows: MessageTypeDefinition<_idbridge_connector_v1_SettingRows, _idbridge_connector_v1_SettingRows__Output>
        SettingSpec: MessageTypeDefinition<_idbridge_connector_v1_SettingSpec, _idbridge_connector_v1_SettingSpec__Output>
        SettingType: EnumTypeDefinition
        TestRequest: MessageTypeDefinition<_idbridge_connector_v1_TestRequest, _idbridge_connector_v1_TestRequest__Output>
        TestResponse: MessageTypeDefinition<_idbridge_connector_v1_TestResponse, _idbridge_connector_v1_TestResponse__Output>
        VerifySpec: MessageTypeDefinition<_idbridge_connector_v1_VerifySpec, _idbridge_connector_v1_VerifySpec__Output>
        WebhookSpec: MessageTypeDefinition<_idbridge_connector_v1_WebhookSpec, _idbridge_connector_v1_WebhookSpec__Output>
      }
    }
  }
}

