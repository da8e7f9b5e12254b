/** The plan year a screen shows: `?aar=2027` in the address, else the 2026 plan. */
import { computed, type ComputedRef } from 'vue'
import { useRoute } from 'vue-router'

export const DEFAULT_PLAN_YEAR = 2026

export function usePlanYear(): ComputedRef<number> {
  const route = useRoute()
  return computed(() => {
    const year = Number(route.query.aar)
    return Number.isInteger(year) && year >= 1900 && year <= 2200 ? year : DEFAULT_PLAN_YEAR
  })
}
