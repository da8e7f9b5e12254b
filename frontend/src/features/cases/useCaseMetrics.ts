/** Building-permit cases decided within the service target, month by month, up to a date. */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import { useResource } from '../../composables/useResource'

export function useCaseMetrics(year: Ref<number>, evaluationDate: Ref<string | null>) {
  return useResource(() => {
    const until = evaluationDate.value
    const query = until ? { year: year.value, period: 'month', decided_to: until, as_of: until } : { year: year.value, period: 'month' }
    return unwrap(api.GET('/api/v1/cases/metrics', { params: { query } }))
  }, [year, evaluationDate])
}
