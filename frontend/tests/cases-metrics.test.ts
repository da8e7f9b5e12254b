import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { JSON_HEADERS, stubFetch } from './helpers'

const api = stubFetch((request) => request.clone())
const { sent } = api

const { default: CaseMonthTable } = await import('../src/features/cases/CaseMonthTable.vue')
const { default: CaseTargets } = await import('../src/features/cases/CaseTargets.vue')
const { formatDays, useCaseMonths } = await import('../src/features/cases/useCases')

const NBSP = '\u00a0'

const rows = [
  { period: '2026-01', decided: 5, counted: 5, within_target: 4, share_within_target: 80, median_days: 38, p90_days: 68 },
  { period: '2026-03', decided: 11, counted: 11, within_target: 8, share_within_target: 72.72727, median_days: 44, p90_days: 1234 },
  { period: '2026-05', decided: 2, counted: 0, within_target: 0, share_within_target: null, median_days: null, p90_days: null },
]
const total = { period: 'total', decided: 1618, counted: 1616, within_target: 1012, share_within_target: 62.6237, median_days: 41, p90_days: 1 }

function cells(wrapper: ReturnType<typeof mount>, selector: string) {
  return wrapper.findAll(selector).map((tr) => tr.findAll('th, td').map((cell) => cell.text()))
}

describe('CaseMonthTable', () => {
  it('shows share and days per month in da-DK', () => {
    const wrapper = mount(CaseMonthTable, { props: { rows, total, caption: 'Afgjorte sager pr. måned i 2026' } })
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual([
      'Måned',
      'Afgjort',
      'Omfattet af servicemålet',
      'Inden for målet',
      'Andel inden for målet',
      'Median',
      '90 %-fraktil',
    ])
    expect(cells(wrapper, 'tbody tr')).toEqual([
      ['jan. 2026', '5', '5', '4', `80${NBSP}%`, `38${NBSP}dage`, `68${NBSP}dage`],
      ['mar. 2026', '11', '11', '8', `72,7${NBSP}%`, `44${NBSP}dage`, `1.234${NBSP}dage`],
      ['maj 2026', '2', '0', '0', '–', '–', '–'],
    ])
  })

  it('ends with the whole period, thousands with a dot', () => {
    const wrapper = mount(CaseMonthTable, { props: { rows, total, caption: 'x' } })
    expect(cells(wrapper, 'tfoot tr')).toEqual([
      ['Hele perioden', '1.618', '1.616', '1.012', `62,6${NBSP}%`, `41${NBSP}dage`, `1${NBSP}dag`],
    ])
  })

  it('formats days on their own', () => {
    expect(formatDays(null)).toBe('–')
    expect(formatDays(0)).toBe(`0${NBSP}dage`)
    expect(formatDays(12345)).toBe(`12.345${NBSP}dage`)
  })
})

describe('useCaseMonths', () => {
  beforeEach(() => {
    sent.length = 0
    api.answer = () =>
      new Response(
        JSON.stringify({ kind: null, business_only: false, period: 'month', target_days: {}, rows: [], total, open_past_target: 0, as_of: '2026-11-27' }),
        { status: 200, headers: JSON_HEADERS },
      )
  })

  it('asks by month for the year, with the kind and the business filter', async () => {
    const year = ref(2026)
    const filter = ref<{ kind: 'building_permit' | 'demolition' | 'all'; businessOnly: boolean }>({ kind: 'building_permit', businessOnly: true })
    const Probe = defineComponent({
      setup() {
        useCaseMonths(year, filter)
        return () => h('p')
      },
    })
    mount(Probe)
    await flushPromises()
    filter.value = { kind: 'all', businessOnly: false }
    await flushPromises()
    year.value = 2025
    filter.value = { kind: 'demolition', businessOnly: true }
    await flushPromises()
    const queries = sent.map((r) => Object.fromEntries(new URL(r.url, 'http://localhost').searchParams))
    expect(queries).toEqual([
      { year: '2026', period: 'month', business_only: 'true', kind: 'building_permit' },
      { year: '2026', period: 'month', business_only: 'false', all_kinds: 'true' },
      { year: '2025', period: 'month', business_only: 'true', kind: 'demolition' },
    ])
  })
})

describe('CaseTargets', () => {
  const targets = [
    { kind: 'building_permit', target_days: 50, is_default: true, basis: 'plan' },
    { kind: 'change_of_use', target_days: null, is_default: true, basis: 'none' },
    { kind: 'demolition', target_days: 30, is_default: false, basis: 'set' },
  ]

  beforeEach(() => {
    sent.length = 0
    api.answer = (request) =>
      request.method === 'PUT'
        ? new Response(JSON.stringify({ kind: 'building_permit', target_days: 40, is_default: false, basis: 'set' }), { status: 200, headers: JSON_HEADERS })
        : request.method === 'DELETE'
          ? new Response(null, { status: 204 })
          : new Response(JSON.stringify(targets), { status: 200, headers: JSON_HEADERS })
  })

  it('lists the targets without edit buttons for those who may not change them', async () => {
    const wrapper = mount(CaseTargets, { props: { canChange: false } })
    await flushPromises()
    expect(cells(wrapper, 'tbody tr')).toEqual([
      ['Byggetilladelser', '50 dage', 'Handlingsplanen'],
      ['Ændret anvendelse', 'Intet servicemål', 'Ikke fastsat'],
      ['Nedrivning', '30 dage', 'Fastsat af kommunen'],
    ])
    expect(wrapper.findAll('button')).toHaveLength(0)
  })

  it('lets an administrator change a target with PUT', async () => {
    const wrapper = mount(CaseTargets, { props: { canChange: true }, attachTo: document.body })
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text().startsWith('Ret'))!.trigger('click')
    await wrapper.find('input[type="number"]').setValue('40')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    const put = sent.find((r) => r.method === 'PUT')
    expect(put).toBeDefined()
    expect(new URL(put!.url, 'http://localhost').pathname).toBe('/api/v1/cases/targets/building_permit')
    expect(await put!.json()).toEqual({ target_days: 40 })
    expect(wrapper.find('[role="status"]').text()).toBe('Servicemålet for byggetilladelser er nu 40 dage.')
    expect(wrapper.emitted('changed')).toHaveLength(1)
    wrapper.unmount()
  })

  it('removes a target the municipality set with DELETE, and offers to set a missing one', async () => {
    const wrapper = mount(CaseTargets, { props: { canChange: true }, attachTo: document.body })
    await flushPromises()
    const buttons = wrapper.findAll('button').map((b) => b.text())
    expect(buttons).toEqual([
      'Ret servicemålet for Byggetilladelser',
      'Fastsæt servicemålet for Ændret anvendelse',
      'Ret servicemålet for Nedrivning',
      'Fjern kommunens servicemål for Nedrivning',
    ])
    await wrapper.findAll('button').find((b) => b.text().startsWith('Fjern'))!.trigger('click')
    await flushPromises()
    const removed = sent.find((r) => r.method === 'DELETE')
    expect(new URL(removed!.url, 'http://localhost').pathname).toBe('/api/v1/cases/targets/demolition')
    expect(wrapper.emitted('changed')).toHaveLength(1)
    wrapper.unmount()
  })

  it('refuses a target outside 1–3650 days without asking the server', async () => {
    const wrapper = mount(CaseTargets, { props: { canChange: true }, attachTo: document.body })
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text().startsWith('Ret'))!.trigger('click')
    await wrapper.find('input[type="number"]').setValue('0')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(sent.some((r) => r.method === 'PUT')).toBe(false)
    expect(wrapper.find('.case-targets__error').text()).toBe('Skriv et helt antal dage fra 1 til 3.650.')
    wrapper.unmount()
  })
})
