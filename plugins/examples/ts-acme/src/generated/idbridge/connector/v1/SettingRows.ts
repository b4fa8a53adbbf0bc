// Original file: ../../../proto/connector/v1/connector.proto


export interface SettingRows {
  'name'?: (string);
  'key_noun'?: (string);
  'value_noun'?: (string);
  'values'?: (string)[];
}

export interface SettingRows__Output {
  'name': (string);
  'key_noun': (string);
  'value_noun': (string);
  'values': (string)[];
}
