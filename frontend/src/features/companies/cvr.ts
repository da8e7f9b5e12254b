/** The API's CVR errors, shown next to the CVR field. */
import type { ApiError } from '../../api/errors'

/** The API's reason after "… er ikke et gyldigt CVR-nummer: " (Danish, as staff read it). */
const REASON = /ikke et gyldigt CVR-nummer: (.+?)\.?$/

/** The message for the CVR field, or null when the error does not concern it. */
export function cvrMessage(error: ApiError | null): string | null {
  if (!error) return null
  if (error.status === 409) {
    const name = /registered as '(.+)'/.exec(error.detail)?.[1]
    return name ? `CVR-nummeret er allerede oprettet (${name}).` : 'CVR-nummeret er allerede oprettet.'
  }
  const raw = error.fieldErrors.cvr
  if (!raw) return null
  const reason = REASON.exec(raw)?.[1]
  return reason ? `Ikke et gyldigt CVR-nummer: ${reason}.` : `Ikke et gyldigt CVR-nummer (${raw}).`
}
