import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { GrantImportReport } from '../src/features/grants/useGrants'
import { JSON_HEADERS, stubFetch } from './helpers'

/** Every request the app sends, with its multipart form read out, and the answer to give. */
interface Sent {
  method: string
  url: URL
  form: FormData | null
}
const api = stubFetch<Sent>(async (request) => ({
  method: request.method,
  url: new URL(request.url, 'http://localhost:5173'),
  form: request.method === 'POST' ? await request.clone().formData() : null,
}))
const { sent } = api

// The client captures fetch when it is created: import the app's modules after the stub.
const { default: BaseImportPreview } = await import('../src/components/BaseImportPreview.vue')
const { default: BaseFileImport } = await import('../src/components/BaseFileImport.vue')
const { GRANT_FIELDS, GRANT_FIELD_LABELS, importGrants } = await import('../src/features/grants/useGrants')


function report(dryRun: boolean): GrantImportReport {
  return {
    import_id: dryRun ? null : 7,
    dry_run: dryRun,
    filename: 'tilskud.csv',
    columns: { reference: 'Reference', cvr: 'CVR-nr.', amount: 'Beløb', programme: 'Program', granted_on: 'Bevillingsdato' },
    ignored_columns: ['Bemærkning'],
    counts: { rows: 5, created: 2, updated: 1, unchanged: 0, duplicate: 1, rejected: 1 },
    rows_listed: 'all',
    rows: [
      { row: 2, outcome: 'created', reference: 'ESH-1', cvr: '10019885', messages: [] },
      { row: 3, outcome: 'created', reference: 'ESH-2', cvr: '10019508', messages: [] },
      { row: 4, outcome: 'updated', reference: 'ESH-3', cvr: '10019400', messages: [] },
      {
        row: 5,
        outcome: 'rejected',
        reference: 'ESH-4',
        cvr: '12345678',
        messages: [{ field: 'cvr', column: 'CVR-nr.', message: "'12345678' er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke" }],
      },
      { row: 6, outcome: 'duplicate', reference: 'ESH-1', cvr: '10019885', messages: [{ field: null, column: null, message: 'the same grant as row 2' }] },
    ],
  }
}

function bodyRows(wrapper: ReturnType<typeof mount>) {
  return wrapper.findAll('tbody tr').map((tr) => tr.findAll('th, td').map((cell) => cell.text()))
}

describe('BaseImportPreview', () => {
  const fieldLabels = GRANT_FIELD_LABELS as Record<string, string>

  function mountPreview(data: GrantImportReport = report(true)) {
    return mount(BaseImportPreview, {
      props: {
        rows: [...data.rows],
        counts: data.counts,
        dryRun: data.dry_run,
        columns: data.columns,
        ignoredColumns: [...data.ignored_columns],
        fieldLabels,
        identityHeader: 'Reference',
        // mount() does not infer the generic row type; the rows are the grant import's.
        identity: (row: { row: number }) => (row as GrantImportReport['rows'][number]).reference,
        caption: 'Rækkerne i tilskud.csv',
      },
    })
  }

  it('shows every row with its number, outcome and the messages naming the field', () => {
    const wrapper = mountPreview()
    expect(bodyRows(wrapper)).toEqual([
      ['2', 'Oprettes', 'ESH-1', ''],
      ['3', 'Oprettes', 'ESH-2', ''],
      ['4', 'Opdateres', 'ESH-3', ''],
      ['5', 'Afvises', 'ESH-4', "CVR-nr.: '12345678' er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke"],
      ['6', 'Dublet – springes over', 'ESH-1', 'the same grant as row 2'],
    ])
  })

  it('sums up the counts on top', () => {
    const counts = mountPreview()
      .findAll('.import-preview__count')
      .map((item) => [item.find('dt').text(), item.find('dd').text()])
    expect(counts).toEqual([
      ['Rækker læst', '5'],
      ['Oprettes', '2'],
      ['Opdateres', '1'],
      ['Uændret', '0'],
      ['Dublet – springes over', '1'],
      ['Afvises', '1'],
    ])
  })

  it('filters to the problem rows and back', async () => {
    const wrapper = mountPreview()
    const filter = wrapper.find('input[type="checkbox"]')
    expect(wrapper.find(`label[for="${filter.attributes('id')}"]`).text()).toBe('Vis kun rækker med problemer (2)')
    await filter.setValue(true)
    expect(bodyRows(wrapper).map((cells) => cells.slice(0, 2))).toEqual([
      ['5', 'Afvises'],
      ['6', 'Dublet – springes over'],
    ])
    expect(wrapper.find('[role="status"]').text()).toBe('Viser 2 af 2 rækker med problemer.')
    await filter.setValue(false)
    expect(bodyRows(wrapper)).toHaveLength(5)
  })

  it('words the outcomes in the past tense after the import', () => {
    const wrapper = mountPreview(report(false))
    expect(bodyRows(wrapper).map((cells) => cells[1])).toEqual(['Oprettet', 'Oprettet', 'Opdateret', 'Afvist', 'Dublet – sprunget over'])
  })

  it('draws a long file a page at a time, and every row on request', async () => {
    const many = Array.from({ length: 450 }, (_, i) => ({ row: i + 2, outcome: 'created' as const, messages: [] }))
    const wrapper = mount(BaseImportPreview, {
      props: { rows: many, counts: { rows: 450, created: 450 }, dryRun: true, caption: 'Mange rækker' },
    })
    expect(wrapper.findAll('tbody tr')).toHaveLength(200)
    const more = wrapper.findAll('button').find((b) => b.text().startsWith('Vis alle 450 rækker'))
    expect(more).toBeDefined()
    await more!.trigger('click')
    expect(wrapper.findAll('tbody tr')).toHaveLength(450)
    expect(wrapper.find('tbody tr:last-child th').text()).toBe('451')
  })
})

describe('the grant import (BaseFileImport with importGrants)', () => {
  beforeEach(() => {
    sent.length = 0
  })

  function mountImport() {
    return mount(BaseFileImport, {
      props: {
        title: 'Importér tilskud',
        send: importGrants,
        maxMb: 50,
        mappingFields: GRANT_FIELDS.map((key) => ({ key, label: GRANT_FIELD_LABELS[key] })),
      },
    })
  }

  async function chooseFile(wrapper: ReturnType<typeof mount>, file: File) {
    const input = wrapper.find('input[type="file"]')
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
    await input.trigger('change')
  }

  function button(wrapper: ReturnType<typeof mount>, text: string) {
    const found = wrapper.findAll('button').find((b) => b.text() === text)
    expect(found, `a button "${text}"`).toBeDefined()
    return found!
  }

  it('checks the file with a dry run, then applies the same file with dry_run=false', async () => {
    api.answer = (request) => {
      const dryRun = new URL(request.url, 'http://localhost').searchParams.get('dry_run') === 'true'
      return new Response(JSON.stringify(report(dryRun)), { status: 200, headers: JSON_HEADERS })
    }
    const wrapper = mountImport()
    const file = new File(['Reference;CVR-nr.;Program;Beløb;Bevillingsdato\r\nESH-1;10019885;SMV:Grøn;100.000;01-02-2026\r\n'], 'tilskud.csv', {
      type: 'text/csv',
    })
    await chooseFile(wrapper, file)
    await wrapper.find('input[type="text"]').setValue('Ref.') // the mapping for "reference"
    await wrapper.find('form').trigger('submit')
    await flushPromises()

    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('POST')
    expect(sent[0]!.url.pathname).toBe('/api/v1/grants/imports')
    expect(sent[0]!.url.searchParams.get('dry_run')).toBe('true')
    expect(wrapper.text()).toContain('Kontrol af tilskud.csv – intet er gemt endnu')
    expect(wrapper.findAll('tbody tr')).toHaveLength(5)

    await button(wrapper, 'Importér').trigger('click')
    await flushPromises()

    expect(sent).toHaveLength(2)
    const [check, apply] = sent as [Sent, Sent]
    expect(apply.url.pathname).toBe('/api/v1/grants/imports')
    expect(apply.url.searchParams.get('dry_run')).toBe('false')
    const checkedFile = check.form!.get('file') as File
    const appliedFile = apply.form!.get('file') as File
    expect(appliedFile.name).toBe('tilskud.csv')
    expect(await appliedFile.text()).toBe(await file.text())
    expect(await appliedFile.text()).toBe(await checkedFile.text())
    expect(apply.form!.get('mapping')).toBe('{"reference":"Ref."}')
    expect(check.form!.get('mapping')).toBe(apply.form!.get('mapping'))

    expect(wrapper.text()).toContain('tilskud.csv er importeret')
    expect(bodyRows(wrapper).map((cells) => cells[1])).toEqual(['Oprettet', 'Oprettet', 'Opdateret', 'Afvist', 'Dublet – sprunget over'])
    expect(wrapper.emitted('imported')).toHaveLength(1)
  })

  it('does not apply after the mapping changed until the file is checked again', async () => {
    api.answer = () => new Response(JSON.stringify(report(true)), { status: 200, headers: JSON_HEADERS })
    const wrapper = mountImport()
    await chooseFile(wrapper, new File(['a;b\r\n1;2\r\n'], 'tilskud.csv', { type: 'text/csv' }))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(button(wrapper, 'Importér').attributes('disabled')).toBeUndefined()
    await wrapper.find('input[type="text"]').setValue('Sagsnr.')
    expect(button(wrapper, 'Importér').attributes('disabled')).toBeDefined()
    expect(wrapper.text()).toContain('Kontrollér filen igen, før du importerer.')
  })

  it('shows an error of the whole file clearly, with the server’s explanation', async () => {
    api.answer = () =>
      new Response(
        JSON.stringify({
          type: 'https://erhverv.lejre.dk/problems/validation-error',
          title: 'Invalid input',
          status: 422,
          detail: 'The file is neither CSV nor XLSX: it looks like a PNG image.',
          errors: [{ field: 'file', message: 'The file is neither CSV nor XLSX: it looks like a PNG image.' }],
        }),
        { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
      )
    const wrapper = mountImport()
    await chooseFile(wrapper, new File(['\x89PNG'], 'billede.csv', { type: 'text/csv' }))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const alert = wrapper.find('[role="alert"]')
    expect(alert.text()).toContain('Filen kunne ikke læses, så intet er importeret.')
    expect(alert.text()).toContain('it looks like a PNG image')
    expect(wrapper.text()).not.toContain('Kontrol af')
  })

  it('says a file is too large (413)', async () => {
    api.answer = () =>
      new Response(JSON.stringify({ status: 413, title: 'Payload too large', detail: 'The file is larger than 50 MB; split it into several files.' }), {
        status: 413,
        headers: { 'Content-Type': 'application/problem+json' },
      })
    const wrapper = mountImport()
    await chooseFile(wrapper, new File(['x'], 'stor.xlsx'))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toContain('Filen er for stor. Den må højst være 50 MB; del den i flere filer.')
  })

  it('refuses a file over the limit without sending it', async () => {
    const wrapper = mountImport()
    const big = new File(['x'], 'kæmpe.csv')
    Object.defineProperty(big, 'size', { value: 51 * 1024 * 1024 })
    await chooseFile(wrapper, big)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(sent).toHaveLength(0)
    expect(wrapper.text()).toContain('den må højst være 50 MB')
  })
})
