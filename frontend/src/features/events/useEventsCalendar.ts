/** The plan year's annual wheel (årshjul): GET /plans/{year}/calendar. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import { useResource } from '../../composables/useResource'

export function useEventsCalendar(year: Ref<number>) {
  return useResource(
    () => unwrap(api.GET('/api/v1/plans/{year}/calendar', { params: { path: { year: year.value } } })),
    [year],
  )
}
