// Original file: ../../../proto/connector/v1/connector.proto

import type { SettingType as _idbridge_connector_v1_SettingType, SettingType__Output as _idbridge_connector_v1_SettingType__Output } from '../../../idbridge/connector/v1/SettingType';
import type { SettingRows as _idbridge_connector_v1_SettingRows, SettingRows__Output as _idbridge_connector_v1_SettingRows__Output } from '../../../idbridge/connector/v1/SettingRows';

export interface SettingSpec {
  'key'?: (string);
  'label'?: (string);
  'description'?: (string);
  'type'?: (_idbridge_connector_v1_SettingType);
  'required'?: (boolean);
  'secret'?: (boolean);
  'default_value'?: (string);
  'enum_values'?: (string)[];
  'pattern'?: (string);
  'rows'?: (_idbridge_connector_v1_SettingRows | null);
}

export interface SettingSpec__Output {
  'key': (string);
  'label': (string);
  'description': (string);
  'type': (_idbridge_connector_v1_SettingType__Output);
  'required': (boolean);
  'secret': (boolean);
  'default_value': (string);
  'enum_values': (string)[];
  'pattern': (string);
  'rows': (_idbridge_connector_v1_SettingRows__Output | null);
}
