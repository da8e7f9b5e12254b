/** A plan's progress: every goal with actual, target and status (GET /plans/{year}/progress). */
import { computed, type Ref } from 'vue'
import { api, unwrap } from '../../api/client'
import type { GoalProgress, PlanProgress } from '../../api/types'
import { useResource } from '../../composables/useResource'

export function fetchProgress(year: number, evaluationDate: string | null): Promise<PlanProgress> {
  return unwrap(
    api.GET('/api/v1/plans/{year}/progress', {
      params: { path: { year }, query: evaluationDate ? { evaluation_date: evaluationDate } : {} },
    }),
  )
}

/** Every goal of the plan, plan-level and under initiatives, by goal id. */
export function goalsById(progress: PlanProgress | null): Map<number, GoalProgress> {
  const goals = new Map<number, GoalProgress>()
  if (!progress) return goals
  for (const goal of progress.goals) goals.set(goal.goal_id, goal)
  for (const track of progress.tracks) {
    for (const initiative of track.initiatives) {
      for (const goal of initiative.goals) goals.set(goal.goal_id, goal)
    }
  }
  return goals
}

export function useProgress(year: Ref<number>, evaluationDate: Ref<string | null>) {
  const resource = useResource(() => fetchProgress(year.value, evaluationDate.value), [year, evaluationDate])
  const byId = computed(() => goalsById(resource.data.value))
  /** The first goal measured by a metric ("grant_amount"), plan-level goals first. */
  function goalByMetric(metric: string): GoalProgress | undefined {
    return [...byId.value.values()].find((goal) => goal.metric === metric)
  }
  return { ...resource, byId, goalByMetric }
}
