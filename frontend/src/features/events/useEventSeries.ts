/** Event series: the list an event's series is chosen from, and adding one by its name. */
import { api, fetchAllPages, MAX_PAGE, unwrap } from '../../api/client'
import type { EventSeriesRead } from './types'

/** Every series, by name (the API's order). */
export async function fetchEventSeries(): Promise<EventSeriesRead[]> {
  return fetchAllPages((offset) =>
    unwrap(api.GET('/api/v1/event-series', { params: { query: { limit: MAX_PAGE, offset } } })),
  )
}

/** Add a series; the API makes its key from the name (409 when the name is in use). */
export async function createEventSeries(name: string): Promise<EventSeriesRead> {
  return unwrap(api.POST('/api/v1/event-series', { body: { name } }))
}
