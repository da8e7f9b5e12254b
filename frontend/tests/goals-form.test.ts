import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { GoalRead } from '../src/api/types'
import { json, problem, stubFetch } from './helpers'

interface Sent {
  method: string
  path: string
  ifMatch: string | null
  body: unknown
}

// The client captures fetch when it is created: stub it before the app's modules are imported.
const fake = stubFetch<Sent>(async (request) => ({
  method: request.method,
  path: new URL(request.url).pathname,
  ifMatch: request.headers.get('If-Match'),
  body: request.method === 'GET' ? null : await request.clone().json(),
}))

const { ApiError } = await import('../src/api/errors')
const { buildTargets, emptyTargetRow, placeTargetErrors, profileShares, targetRow } = await import('../src/features/goals/goalForm')
const { default: GoalEditForm } = await import('../src/features/goals/GoalEditForm.vue')
const { default: GoalCommentForm } = await import('../src/features/goals/GoalCommentForm.vue')

function goalRead(overrides: Partial<GoalRead> = {}): GoalRead {
  return {
    id: 12,
    action_plan_id: 1,
    initiative_id: 4,
    key: 'klimatilskud',
    position: 0,
    label: 'Klimatilskud',
    text: '8 virksomheder får tilskud til klimaarbejde',
    note: null,
    kind: 'measurable',
    metric: 'grant_companies',
    metric_params: {},
    unit: 'count',
    direction: 'at_least',
    pace: 'cumulative',
    baseline: null,
    targets: [{ year: 2026, value: 8 }],
    milestone_state: null,
    due_on: null,
    updated_at: '2026-11-01T10:00:00Z',
    ...overrides,
  }
}

describe('the targets as typed → GoalUpdate.targets', () => {
  it('sends a plain number where nothing more is set', () => {
    expect(buildTargets([{ ...emptyTargetRow(2026), value: '8' }])).toEqual({ ok: true, targets: { '2026': 8 } })
  })

  it('sends a range, a due date or a monthly profile as an object', () => {
    const result = buildTargets([
      { ...emptyTargetRow(2026), value: '3', upper: '4', phasing: 'due_date', dueOn: '2026-10-31' },
      { ...emptyTargetRow(2027), value: '3.000.000', phasing: 'monthly_profile', profile: ['0', '1', '1', '1', '1', '1', '0', '1', '1', '1', '1', '0,5'] },
    ])
    expect(result).toEqual({
      ok: true,
      targets: {
        '2026': { value: 3, upper: 4, due_on: '2026-10-31' },
        '2027': { value: 3000000, monthly_profile: [0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0.5] },
      },
    })
  })

  it('says in Danish what is wrong, at the field', () => {
    const result = buildTargets([
      { ...emptyTargetRow(2026), value: '5', upper: '4', phasing: 'due_date', dueOn: '2027-01-31' },
      { ...emptyTargetRow(2026), value: 'mange', phasing: 'monthly_profile', profile: ['-1', ...Array(11).fill('0')] },
      { ...emptyTargetRow(2028), value: '2', phasing: 'monthly_profile', profile: Array(12).fill('0') },
      { ...emptyTargetRow(2029), value: '2', phasing: 'due_date', dueOn: '' },
    ])
    expect(result.ok).toBe(false)
    expect(!result.ok && result.errors).toEqual({
      'targets.0.upper': 'Højst kan ikke være mindre end målet.',
      'targets.0.due_on': 'Datoen skal ligge i 2026.',
      'targets.1.year': 'Året har allerede et mål.',
      'targets.1.value': 'Skriv et tal, f.eks. 3.000.000.',
      'targets.1.monthly_profile.0': 'Skriv et tal på 0 eller mere.',
      'targets.2.monthly_profile': 'Mindst én måned skal have en vægt over 0.',
      'targets.3.due_on': 'Vælg den dato, hele målet skal være nået.',
    })
  })

  it('reads a stored target back into the form, with its phasing', () => {
    expect(targetRow({ year: 2026, value: 3, upper: 4, due_on: '2026-10-31', monthly_profile: null })).toMatchObject({
      year: '2026', value: '3', upper: '4', phasing: 'due_date', dueOn: '2026-10-31',
    })
    const profiled = targetRow({ year: 2027, value: 2500000.5, monthly_profile: [0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1] })
    expect(profiled).toMatchObject({ value: '2.500.000,5', upper: '', phasing: 'monthly_profile' })
    expect(profiled.profile).toEqual(['0', '1', '1', '1', '1', '1', '0', '1', '1', '1', '1', '1'])
    expect(targetRow({ year: 2026, value: 8 }).phasing).toBe('none')
  })

  it('shows each month its share of the year', () => {
    const shares = profileShares(['1', '1', '2', ...Array(9).fill('0')])
    expect(shares.slice(0, 4)).toEqual([25, 25, 50, 0])
    expect(profileShares(Array(12).fill('0'))[0]).toBeNull()
  })
})

describe("the API's messages about targets", () => {
  const rows = [emptyTargetRow(2026), emptyTargetRow(2027)]

  it('puts a message on the row of its year and field, leaving out the "not a number" branch of the union', () => {
    const error = ApiError.fromProblem(422, {
      errors: [
        { field: 'body.targets.2027.float', message: 'Input should be a valid number', type: 'float_type' },
        { field: 'body.targets.2027.function-after[_consistent(), TargetSpec].monthly_profile', message: 'List should have at least 12 items after validation, not 11', type: 'too_short' },
        { field: 'body.targets.2026.float', message: 'Input should be a valid number', type: 'float_type' },
        { field: 'body.targets.2026.function-after[_consistent(), TargetSpec]', message: 'Value error, upper (2) er mindre end målet (3): et interval går fra det mindste til det største', type: 'value_error' },
      ],
    })
    const { fields, placed } = placeTargetErrors(error, rows)
    expect(fields).toEqual({
      'targets.1.monthly_profile': 'Der er for få værdier.',
      'targets.0.upper': 'Upper (2) er mindre end målet (3): et interval går fra det mindste til det største',
    })
    expect(placed.size).toBe(4)
  })

  it('puts a rule about the whole goal that names the targets at the targets', () => {
    const error = ApiError.fromProblem(422, { errors: [{ field: '', message: 'targets: målet for et antal er et helt tal', type: 'value_error' }] })
    expect(placeTargetErrors(error, rows).fields).toEqual({ targets: 'Målet for et antal er et helt tal' })
  })
})

describe('GoalEditForm', () => {
  beforeEach(() => {
    fake.sent.length = 0
  })

  async function mountForm(goal: GoalRead) {
    let patchAnswer: Response = json(goal, 200, { ETag: '"8"' })
    fake.answer = (request) => (request.method === 'GET' ? json(goal, 200, { ETag: '"7"' }) : patchAnswer)
    const wrapper = mount(GoalEditForm, { props: { goalId: goal.id }, attachTo: document.body })
    await flushPromises()
    return { wrapper, answerPatch: (response: Response) => (patchAnswer = response) }
  }

  function input(wrapper: ReturnType<typeof mount>, label: string) {
    const found = wrapper.findAll('label').find((l) => l.text().trim() === label)
    expect(found, `a label "${label}"`).toBeDefined()
    const forId = found!.attributes('for')
    return forId ? wrapper.get(`[id="${forId}"]`) : found!.get('input')
  }

  it('sets a due date on a year\'s target and sends it with If-Match', async () => {
    const { wrapper } = await mountForm(goalRead())
    await input(wrapper, 'Forfaldsdato').setValue(true)
    await input(wrapper, 'Forfaldsdato (1)').setValue('2026-10-31')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const patch = fake.sent.find((s) => s.method === 'PATCH')
    expect(patch?.path).toBe('/api/v1/goals/12')
    expect(patch?.ifMatch).toBe('"7"')
    expect(patch?.body).toMatchObject({ targets: { '2026': { value: 8, due_on: '2026-10-31' } } })
    expect(wrapper.emitted('saved')).toHaveLength(1)
    wrapper.unmount()
  })

  it('offers twelve labelled month inputs for a monthly profile and sends the weights', async () => {
    const { wrapper } = await mountForm(goalRead())
    await input(wrapper, 'Månedsfordeling').setValue(true)
    const months = ['Januar', 'Februar', 'Marts', 'April', 'Maj', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'December']
    for (const month of months) expect(input(wrapper, month).element.tagName).toBe('INPUT')
    await input(wrapper, 'Juli').setValue('0')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const patch = fake.sent.find((s) => s.method === 'PATCH')
    expect(patch?.body).toMatchObject({ targets: { '2026': { value: 8, monthly_profile: [1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1] } } })
    wrapper.unmount()
  })

  it("shows the API's 422 next to the field it concerns", async () => {
    const { wrapper, answerPatch } = await mountForm(goalRead())
    await input(wrapper, 'Højst (1)').setValue('9')
    answerPatch(
      problem(422, {
        errors: [
          { field: 'body.targets.2026.float', message: 'Input should be a valid number', type: 'float_type' },
          { field: 'body.targets.2026.function-after[_consistent(), TargetSpec].upper', message: 'Input should be less than or equal to 8', type: 'less_than_equal' },
        ],
      }),
    )
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const upper = input(wrapper, 'Højst (1)')
    expect(upper.attributes('aria-invalid')).toBe('true')
    const describedBy = upper.attributes('aria-describedby') ?? ''
    const message = describedBy.split(' ').map((id) => wrapper.find(`[id="${id}"].field__error`)).find((el) => el.exists())
    expect(message?.text()).toBe('Værdien er for stor.')
    expect(wrapper.find('.form-errors').text()).toContain('Nogle felter er ikke udfyldt korrekt')
    expect(wrapper.find('.form-errors').text()).not.toContain('float')
    wrapper.unmount()
  })

  it("sets a milestone's deadline", async () => {
    const milestone = goalRead({ kind: 'milestone', metric: null, unit: null, direction: null, pace: null, targets: [], milestone_state: 'in_progress' })
    const { wrapper } = await mountForm(milestone)
    expect(wrapper.text()).not.toContain('Periodisering')
    await input(wrapper, 'Frist').setValue('2026-06-30')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    const patch = fake.sent.find((s) => s.method === 'PATCH')
    expect(patch?.body).toMatchObject({ due_on: '2026-06-30' })
    expect(patch?.body).not.toHaveProperty('targets')
    wrapper.unmount()
  })
})

describe('GoalCommentForm ("Skriv status")', () => {
  it('asks for the text first, then posts the dated status', async () => {
    fake.sent.length = 0
    fake.answer = () => json({ id: 1, goal_id: 12, written_on: '2026-11-20', text: 'x', author: 'Rita', created_at: '2026-11-20T10:00:00Z' }, 201)
    const wrapper = mount(GoalCommentForm, { props: { goalId: 12, goalName: 'Klimatilskud' } })
    await wrapper.get('form').trigger('submit')
    expect(wrapper.text()).toContain('Skriv, hvordan det går med målet, og hvad der gøres.')
    expect(fake.sent).toHaveLength(0)
    await wrapper.get('input[type="date"]').setValue('2026-11-20')
    await wrapper.get('textarea').setValue('  To ansøgninger er på vej.  ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(fake.sent[0]).toMatchObject({ method: 'POST', path: '/api/v1/goals/12/comments', body: { written_on: '2026-11-20', text: 'To ansøgninger er på vej.' } })
    expect(wrapper.emitted('saved')).toHaveLength(1)
  })
})
