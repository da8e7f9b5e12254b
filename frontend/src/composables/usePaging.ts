/** Paging kept in the address (?side=2): a link shows the same page; offset/limit for the API. */
import { computed, type ComputedRef, type WritableComputedRef } from 'vue'
import { useQueryParam } from './useQueryState'

export const PAGE_SIZE = 25

export interface Paging {
  /** The page shown, from 1. */
  page: WritableComputedRef<number>
  offset: ComputedRef<number>
  limit: number
}

export function usePaging(name = 'side', limit = PAGE_SIZE): Paging {
  const param = useQueryParam(name)
  const page = computed({
    get: () => {
      const value = Number(param.value)
      return Number.isInteger(value) && value > 1 ? value : 1
    },
    set: (value: number) => {
      param.value = value > 1 ? String(value) : null
    },
  })
  return { page, offset: computed(() => (page.value - 1) * limit), limit }
}

/** The last page of `total` rows (at least 1). */
export function lastPage(total: number, limit: number): number {
  return Math.max(1, Math.ceil(total / limit))
}
