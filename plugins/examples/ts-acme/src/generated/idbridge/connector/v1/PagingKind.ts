// Original file: ../../../proto/connector/v1/connector.proto

export const PagingKind = {
  PAGING_KIND_UNSPECIFIED: 0,
  PAGING_KIND_NONE: 1,
  PAGING_KIND_PAGE_NUMBER: 2,
  PAGING_KIND_OFFSET: 3,
  PAGING_KIND_CURSOR: 4,
} as const;

export type PagingKind =
  | 'PAGING_KIND_UNSPECIFIED'
  | 0
  | 'PAGING_KIND_NONE'
  | 1
  | 'PAGING_KIND_PAGE_NUMBER'
  | 2
  | 'PAGING_KIND_OFFSET'
  | 3
  | 'PAGING_KIND_CURSOR'
  | 4

export type PagingKind__Output = typeof PagingKind[keyof typeof PagingKind]
