/** The records behind a goal's figure at a date, counted or not, with the reasons (GET /goals/{id}/contributions). */
import type { Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { GoalContributions } from '../../api/types'
import { useResource } from '../../composables/useResource'

export function fetchContributions(goalId: number, evaluationDate: string | null, year: number | null): Promise<GoalContributions> {
  return unwrap(
    api.GET('/api/v1/goals/{goal_id}/contributions', {
      params: {
        path: { goal_id: goalId },
        query: { ...(evaluationDate ? { evaluation_date: evaluationDate } : {}), ...(year !== null ? { year } : {}) },
      },
    }),
  )
}

/** Loaded for the same evaluation date and year as the screen's figures; again when they change. */
export function useContributions(goalId: Ref<number>, evaluationDate: Ref<string | null>, year: Ref<number | null>) {
  return useResource(() => fetchContributions(goalId.value, evaluationDate.value, year.value), [goalId, evaluationDate, year])
}
