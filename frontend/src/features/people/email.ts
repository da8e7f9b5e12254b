/** The API's e-mail validation message (English, from email-validator) in Danish. */
export function emailMessage(raw: string | null | undefined): string | null {
  if (!raw) return null
  if (/not a valid email|email address/i.test(raw)) {
    const reason = /must have an @-sign/i.test(raw)
      ? ' Adressen mangler @.'
      : /after the @-sign|domain/i.test(raw)
        ? ' Delen efter @ er ikke et gyldigt domæne.'
        : ''
    return `Skriv en gyldig e-mailadresse, f.eks. navn@lejre.dk.${reason}`
  }
  return raw
}
