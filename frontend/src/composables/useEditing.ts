/** Editing one loaded thing in place: the form shown or not, and the message after saving. */
import { ref, type Ref } from 'vue'

export interface Editing {
  editing: Ref<boolean>
  savedMessage: Ref<string>
  start(): void
  /** Close the form and say so (role=status). */
  saved(message: string): void
  /** After a 412 (someone else changed it): fetch the newest version and open the form on it. */
  reloadAndEdit(): Promise<void>
}

export function useEditing(reload: () => Promise<void>): Editing {
  const editing = ref(false)
  const savedMessage = ref('')
  return {
    editing,
    savedMessage,
    start() {
      savedMessage.value = ''
      editing.value = true
    },
    saved(message) {
      editing.value = false
      savedMessage.value = message
    },
    async reloadAndEdit() {
      editing.value = false
      await reload()
      editing.value = true
    },
  }
}
