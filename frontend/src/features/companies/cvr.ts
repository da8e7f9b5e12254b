/** Danish messages for the API's CVR errors, shown next to the CVR field. */
import type { ApiError } from '../../api/errors'

/** python-stdnum's reasons, as the API passes them on. */
const REASONS: [RegExp, string][] = [
  [/checksum|check digit/i, 'kontrolcifferet passer ikke – tjek, at alle cifre er tastet rigtigt'],
  [/invalid length/i, 'et CVR-nummer har 8 cifre'],
  [/invalid characters|invalid format/i, 'et CVR-nummer består kun af cifre'],
]

/** The message for the CVR field, or null when the error does not concern it. */
export function cvrMessage(error: ApiError | null): string | null {
  if (!error) return null
  if (error.status === 409) {
    const name = /registered as '(.+)'/.exec(error.detail)?.[1]
    return name ? `CVR-nummeret er allerede oprettet (${name}).` : 'CVR-nummeret er allerede oprettet.'
  }
  const raw = error.fieldErrors.cvr
  if (!raw) return null
  const reason = REASONS.find(([pattern]) => pattern.test(raw))?.[1]
  return reason ? `Ikke et gyldigt CVR-nummer: ${reason}.` : `Ikke et gyldigt CVR-nummer (${raw}).`
}
