// Original file: ../../../proto/connector/v1/connector.proto

export const MessageType = {
  MESSAGE_TYPE_UNSPECIFIED: 0,
  MESSAGE_TYPE_JSON: 1,
  MESSAGE_TYPE_FORM: 2,
  MESSAGE_TYPE_XML: 3,
  MESSAGE_TYPE_TEXT: 4,
} as const;

export type MessageType =
  | 'MESSAGE_TYPE_UNSPECIFIED'
  | 0
  | 'MESSAGE_TYPE_JSON'
  | 1
  | 'MESSAGE_TYPE_FORM'
  | 2
  | 'MESSAGE_TYPE_XML'
  | 3
  | 'MESSAGE_TYPE_TEXT'
  | 4

export type MessageType__Output = typeof MessageType[keyof typeof MessageType]
