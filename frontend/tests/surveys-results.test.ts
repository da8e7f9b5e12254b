import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { computed, shallowRef } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { JSON_HEADERS, stubFetch } from './helpers'

// Chart.js needs a real canvas; the charts' numbers are checked in their table alternative.
vi.mock('../src/charts', () => ({
  Chart: class {
    destroy(): void {}
  },
  CHART_COLORS: { actual: '#1b4a8a', target: '#a34700', extra: '#17622f' },
  prefersReducedMotion: () => true,
}))

const role = shallowRef<'viewer' | 'editor'>('viewer')
vi.mock('../src/auth/useAuth', () => ({
  useAuth: () => ({
    canEdit: computed(() => role.value !== 'viewer'),
    isAdmin: computed(() => false),
  }),
}))

const api = stubFetch()
const { sent } = api

const { default: SurveyQuestionResult } = await import('../src/features/surveys/SurveyQuestionResult.vue')
const { default: SurveyView } = await import('../src/views/SurveyView.vue')
const { questionKey, reportUrl } = await import('../src/features/surveys/useSurveys')

const NBSP = '\u00a0'

const scale = {
  key: 'ivaerksaettervejledning',
  text: 'Hvor tilfreds er du med iværksættervejledningen?',
  kind: 'scale',
  answers: 40,
  distribution: { '1': 6, '2': 5, '3': 5, '4': 14, '5': 10 },
  share_at_least_stor: 60,
  share_yes: null,
  texts: [],
} as const
const yesNo = {
  key: 'anbefale',
  text: 'Vil du anbefale Erhverv Lejre?',
  kind: 'yes_no',
  answers: 40,
  distribution: { ja: 22, nej: 18 },
  share_at_least_stor: null,
  share_yes: 55,
  texts: [],
} as const
const freeText = {
  key: 'kommentar',
  text: 'Kommentar',
  kind: 'free_text',
  answers: 2,
  distribution: {},
  share_at_least_stor: null,
  share_yes: null,
  texts: ['God hjælp', 'Hurtigt svar'],
} as const

function tableRows(wrapper: ReturnType<typeof mount>) {
  return wrapper.findAll('tbody tr').map((tr) => tr.findAll('th, td').map((cell) => cell.text()))
}

describe('SurveyQuestionResult', () => {
  it('renders a scale question’s distribution with counts and shares', () => {
    const wrapper = mount(SurveyQuestionResult, { props: { result: { ...scale, distribution: { ...scale.distribution }, texts: [] }, canSeeTexts: false } })
    expect(wrapper.find('h3').text()).toBe('Hvor tilfreds er du med iværksættervejledningen?')
    expect(wrapper.findAll('thead th').map((th) => th.text())).toEqual(['Svar', 'Svar', 'Andel'])
    expect(tableRows(wrapper)).toEqual([
      ['1 – meget lille', '6', `15${NBSP}%`],
      ['2 – lille', '5', `12,5${NBSP}%`],
      ['3 – nogen', '5', `12,5${NBSP}%`],
      ['4 – stor', '14', `35${NBSP}%`],
      ['5 – meget stor', '10', `25${NBSP}%`],
    ])
    expect(wrapper.find('.question__headline').text()).toBe(`60${NBSP}% svarer stor eller meget stor`)
    expect(wrapper.find('.chart__summary').text()).toBe(
      `40 svar. 60${NBSP}% svarer stor eller meget stor (4 eller 5). Flest svar: 4 – stor (14).`,
    )
  })

  it('renders a yes/no question’s distribution and the share of yes', () => {
    const wrapper = mount(SurveyQuestionResult, { props: { result: { ...yesNo, distribution: { ...yesNo.distribution }, texts: [] }, canSeeTexts: false } })
    expect(tableRows(wrapper)).toEqual([
      ['Ja', '22', `55${NBSP}%`],
      ['Nej', '18', `45${NBSP}%`],
    ])
    expect(wrapper.find('.question__headline').text()).toBe(`55${NBSP}% svarer ja`)
  })

  it('says a question has no answers instead of drawing an empty chart', () => {
    const wrapper = mount(SurveyQuestionResult, {
      props: { result: { ...scale, answers: 0, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, share_at_least_stor: null, texts: [] }, canSeeTexts: true },
    })
    expect(wrapper.find('table').exists()).toBe(false)
    expect(wrapper.text()).toContain('Ingen har svaret på spørgsmålet endnu.')
  })

  it('lists free texts for editors only', () => {
    const forEditor = mount(SurveyQuestionResult, { props: { result: { ...freeText, distribution: {}, texts: [...freeText.texts] }, canSeeTexts: true } })
    expect(forEditor.findAll('li').map((li) => li.text())).toEqual(['God hjælp', 'Hurtigt svar'])
    const forViewer = mount(SurveyQuestionResult, { props: { result: { ...freeText, distribution: {}, texts: [] }, canSeeTexts: false } })
    expect(forViewer.findAll('li')).toHaveLength(0)
    expect(forViewer.text()).toContain('Fritekstsvarene vises kun for redaktører.')
  })
})

describe('SurveyView', () => {
  const survey = {
    id: 3,
    title: 'Tilfredshedsanalyse 2026',
    year: 2026,
    kind: 'satisfaction',
    event_id: null,
    description: null,
    questions: [
      { id: 1, position: 0, key: scale.key, text: scale.text, kind: 'scale' },
      { id: 2, position: 1, key: yesNo.key, text: yesNo.text, kind: 'yes_no' },
    ],
    respondents: 40,
    updated_at: '2026-11-27T06:09:00Z',
  }
  const results = { survey_id: 3, respondents: 40, submitted_from: '2026-03-01', submitted_to: '2026-09-23', questions: [scale, yesNo] }

  beforeEach(() => {
    sent.length = 0
    api.answer = (request) => {
      const path = new URL(request.url, 'http://localhost').pathname
      const body =
        path === '/api/v1/surveys/3'
          ? survey
          : path === '/api/v1/surveys/3/results'
            ? results
            : path === '/api/v1/surveys/3/imports'
              ? { items: [], total: 0, limit: 10, offset: 0 }
              : null
      return body ? new Response(JSON.stringify(body), { status: 200, headers: JSON_HEADERS }) : new Response(null, { status: 404 })
    }
  })

  async function mountView() {
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/tilfredshed', name: 'surveys', component: { render: () => null } },
        { path: '/tilfredshed/:id', name: 'survey', component: SurveyView },
      ],
    })
    await router.push('/tilfredshed/3')
    const wrapper = mount(SurveyView, { props: { id: 3 }, global: { plugins: [router] } })
    await flushPromises()
    return wrapper
  }

  it('shows every question’s results, and no import to a viewer', async () => {
    role.value = 'viewer'
    const wrapper = await mountView()
    expect(wrapper.find('h1').text()).toBe('Tilfredshedsanalyse 2026')
    expect(wrapper.text()).toContain('40 besvarelser')
    expect(wrapper.text()).toContain('besvaret 1. mar. 2026 – 23. sep. 2026')
    expect(wrapper.findAll('article h3').map((h) => h.text())).toEqual([scale.text, yesNo.text])
    expect(wrapper.find('input[type="file"]').exists()).toBe(false)
    expect(wrapper.text()).not.toContain('Importér svar')
    expect(sent.some((r) => r.url.includes('/imports'))).toBe(true) // the list of imports is public to readers
  })

  it('offers an editor the import, with the questions as columns to map', async () => {
    role.value = 'editor'
    const wrapper = await mountView()
    expect(wrapper.find('input[type="file"]').exists()).toBe(true)
    expect(wrapper.text()).toContain('Importér svar')
    const labels = wrapper.findAll('.file-import__mapping label').map((l) => l.text())
    expect(labels).toEqual([scale.text, yesNo.text, 'Svar-ID', 'Besvaret (dato)'])
  })
})

describe('survey helpers', () => {
  it('makes a question key the API accepts from Danish text', () => {
    expect(questionKey('Hvor tilfreds er du med iværksættervejledningen?')).toBe('hvor-tilfreds-er-du-med-ivaerksaettervejledningen')
    expect(questionKey('Udbytte i forhold til tid')).toBe('udbytte-i-forhold-til-tid')
    expect(questionKey('  Åben – café  ')).toBe('aaben-cafe')
  })

  it('links to the committee report as HTML and XLSX', () => {
    expect(reportUrl(2026, 'html')).toBe('/api/v1/plans/2026/report?format=html')
    expect(reportUrl(2026, 'xlsx', '2026-06-30')).toBe('/api/v1/plans/2026/report?format=xlsx&evaluation_date=2026-06-30')
  })
})
