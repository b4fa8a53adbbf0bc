// Original file: ../../../proto/connector/v1/connector.proto

export const Capability = {
  CAPABILITY_UNSPECIFIED: 0,
  CAPABILITY_FETCH: 1,
  CAPABILITY_INVOKE: 2,
  CAPABILITY_CUSTOM_ENDPOINTS: 3,
  CAPABILITY_CUSTOM_WEBHOOKS: 4,
  CAPABILITY_TEST_PERMISSIONS: 5,
} as const;

export type Capability =
  | 'CAPABILITY_UNSPECIFIED'
  | 0
  | 'CAPABILITY_FETCH'
  | 1
  | 'CAPABILITY_INVOKE'
  | 2
  | 'CAPABILITY_CUSTOM_ENDPOINTS'
  | 3
  | 'CAPABILITY_CUSTOM_WEBHOOKS'
  | 4
  | 'CAPABILITY_TEST_PERMISSIONS'
  | 5

export type Capability__Output = typeof Capability[keyof typeof Capability]
