// Original file: ../../../proto/connector/v1/connector.proto

export const FieldType = {
  FIELD_TYPE_UNSPECIFIED: 0,
  FIELD_TYPE_STRING: 1,
  FIELD_TYPE_NUMBER: 2,
  FIELD_TYPE_BOOL: 3,
  FIELD_TYPE_OBJECT: 4,
  FIELD_TYPE_LIST: 5,
  FIELD_TYPE_DATETIME: 6,
} as const;

export type FieldType =
  | 'FIELD_TYPE_UNSPECIFIED'
  | 0
  | 'FIELD_TYPE_STRING'
  | 1
  | 'FIELD_TYPE_NUMBER'
  | 2
  | 'FIELD_TYPE_BOOL'
  | 3
  | 'FIELD_TYPE_OBJECT'
  | 4
  | 'FIELD_TYPE_LIST'
  | 5
  | 'FIELD_TYPE_DATETIME'
  | 6

export type FieldType__Output = typeof FieldType[keyof typeof FieldType]
