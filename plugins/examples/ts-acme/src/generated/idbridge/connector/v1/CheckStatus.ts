// Original file: ../../../proto/connector/v1/connector.proto

export const CheckStatus = {
  CHECK_STATUS_UNSPECIFIED: 0,
  CHECK_STATUS_OK: 1,
  CHECK_STATUS_FAILED: 2,
  CHECK_STATUS_WARNING: 3,
  CHECK_STATUS_SKIPPED: 4,
} as const;

export type CheckStatus =
  | 'CHECK_STATUS_UNSPECIFIED'
  | 0
  | 'CHECK_STATUS_OK'
  | 1
  | 'CHECK_STATUS_FAILED'
  | 2
  | 'CHECK_STATUS_WARNING'
  | 3
  | 'CHECK_STATUS_SKIPPED'
  | 4

export type CheckStatus__Output = typeof CheckStatus[keyof typeof CheckStatus]
