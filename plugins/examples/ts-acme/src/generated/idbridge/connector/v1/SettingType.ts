// Original file: ../../../proto/connector/v1/connector.proto

export const SettingType = {
  SETTING_TYPE_UNSPECIFIED: 0,
  SETTING_TYPE_STRING: 1,
  SETTING_TYPE_INT: 2,
  SETTING_TYPE_BOOL: 3,
  SETTING_TYPE_URL: 4,
  SETTING_TYPE_ENUM: 5,
} as const;

export type SettingType =
  | 'SETTING_TYPE_UNSPECIFIED'
  | 0
  | 'SETTING_TYPE_STRING'
  | 1
  | 'SETTING_TYPE_INT'
  | 2
  | 'SETTING_TYPE_BOOL'
  | 3
  | 'SETTING_TYPE_URL'
  | 4
  | 'SETTING_TYPE_ENUM'
  | 5

export type SettingType__Output = typeof SettingType[keyof typeof SettingType]
