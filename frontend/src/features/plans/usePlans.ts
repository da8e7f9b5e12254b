/** The action plans (for the year choice) and one plan with its tracks and initiatives. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import { useResource } from '../../composables/useResource'

export function usePlans() {
  return useResource(async () => {
    const page = await unwrap(api.GET('/api/v1/plans', { params: { query: { limit: 500 } } }))
    return [...page.items].sort((a, b) => a.year - b.year)
  })
}

export function usePlan(year: Ref<number>) {
  return useResource(() => unwrap(api.GET('/api/v1/plans/{year}', { params: { path: { year: year.value } } })), [year])
}
