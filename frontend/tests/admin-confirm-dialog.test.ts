import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, nextTick, ref } from 'vue'
import BaseConfirmDialog from '../src/components/BaseConfirmDialog.vue'

/** A page with a button that opens the dialog, as the screens use it. */
const Host = defineComponent({
  setup() {
    const open = ref(false)
    const confirmed = ref(0)
    return () => [
      h('button', { id: 'opener', onClick: () => (open.value = true) }, 'Slet'),
      h(
        BaseConfirmDialog,
        {
          open: open.value,
          title: 'Slet mødet?',
          confirmLabel: 'Ja, slet',
          danger: true,
          onConfirm: () => {
            confirmed.value++
            open.value = false
          },
          onCancel: () => (open.value = false),
        },
        () => h('p', 'Det kan ikke fortrydes.'),
      ),
      h('output', { id: 'count' }, String(confirmed.value)),
    ]
  },
})

afterEach(() => {
  document.body.innerHTML = ''
})

describe('BaseConfirmDialog', () => {
  it('is labelled by its title and described by its text', () => {
    const wrapper = mount(BaseConfirmDialog, { props: { open: false, title: 'Slet mødet?', confirmLabel: 'Ja' }, slots: { default: '<p>Det kan ikke fortrydes.</p>' } })
    const dialog = wrapper.find('dialog')
    expect(wrapper.find(`#${dialog.attributes('aria-labelledby')}`).text()).toBe('Slet mødet?')
    expect(wrapper.find(`#${dialog.attributes('aria-describedby')}`).text()).toBe('Det kan ikke fortrydes.')
  })

  it('moves focus into the dialog, and back to the opener when cancelled with Escape', async () => {
    const wrapper = mount(Host, { attachTo: document.body })
    const opener = wrapper.find('#opener')
    ;(opener.element as HTMLButtonElement).focus()
    await opener.trigger('click')
    await nextTick()
    await nextTick()
    const dialog = wrapper.find('dialog')
    expect(dialog.attributes('open')).toBeDefined()
    expect(dialog.element.contains(document.activeElement)).toBe(true)
    expect(document.activeElement?.textContent).toBe('Annullér')

    const escape = new Event('cancel', { cancelable: true })
    dialog.element.dispatchEvent(escape)
    await nextTick()
    expect(escape.defaultPrevented).toBe(true)
    expect(dialog.attributes('open')).toBeUndefined()
    expect(document.activeElement).toBe(opener.element)
    expect(wrapper.find('#count').text()).toBe('0')
  })

  it('confirms with its confirm button', async () => {
    const wrapper = mount(Host, { attachTo: document.body })
    await wrapper.find('#opener').trigger('click')
    await nextTick()
    await wrapper.findAll('dialog button').find((b) => b.text() === 'Ja, slet')!.trigger('click')
    await nextTick()
    expect(wrapper.find('#count').text()).toBe('1')
    expect(wrapper.find('dialog').attributes('open')).toBeUndefined()
  })

  it('cannot be cancelled while it works', async () => {
    const wrapper = mount(BaseConfirmDialog, { props: { open: true, title: 'Slet?', confirmLabel: 'Ja', busy: true }, attachTo: document.body })
    await nextTick()
    wrapper.find('dialog').element.dispatchEvent(new Event('cancel', { cancelable: true }))
    expect(wrapper.emitted('cancel')).toBeUndefined()
    expect(wrapper.findAll('button').every((b) => (b.element as HTMLButtonElement).disabled)).toBe(true)
  })
})
