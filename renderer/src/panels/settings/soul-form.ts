import { SoulWrite } from '../../../../main/contract/api.ts';
import { SoulId } from '../../../../main/contract/config.ts';
import { soulMarkdown } from '../../../../main/souls/soul-markdown.ts';
import { sameSoulName } from '../../../../main/souls/soul-names.ts';
import type { Answer } from '../../client/kiwi-client.ts';

/** The soul editor's fields as the form holds them (text inputs: strings). */
export interface SoulForm {
  id: string;
  /** True while the id still follows the name (a new soul whose id nobody typed). */
  idFromName: boolean;
  isNew: boolean;
  name: string;
  description: string;
  model: string;
  nsfw: boolean;
  voice: string;
  style: string;
  prompt: string;
}

export type SoulFormErrors = Partial<Record<'id' | 'name' | 'description' | 'model' | 'voice' | 'style' | 'prompt', string>>;

export function emptySoulForm(): SoulForm {
  return { id: '', idFromName: true, isNew: true, name: '', description: '', model: '', nsfw: false, voice: '', style: '', prompt: '' };
}

/** "Grumpy Pirate!" → "grumpy-pirate": what a soul id may be (lowercase letters, digits, dashes). */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** Edit a user soul as it is, or start a new one from any soul (a built-in cannot be edited). */
export function formFromSoul(doc: Answer<'getSoul'>, mode: 'edit' | 'copy'): SoulForm {
  const copy = mode === 'copy';
  return {
    id: copy ? slugify(`${doc.id}-copy`) : doc.id,
    idFromName: false,
    isNew: copy,
    name: copy ? `${doc.name} (copy)`.slice(0, 64) : doc.name,
    description: doc.description,
    model: doc.model,
    nsfw: doc.nsfw,
    voice: doc.voice ?? '',
    style: doc.style ?? '',
    prompt: doc.prompt,
  };
}

/** A field changed: a new soul's id follows its name until someone types an id. */
export function updateForm(form: SoulForm, field: keyof SoulForm, value: string | boolean): SoulForm {
  const next = { ...form, [field]: value };
  if (field === 'name' && form.isNew && form.idFromName) next.id = slugify(String(value));
  if (field === 'id') next.idFromName = false;
  return next;
}

/** The PUT body (empty optional fields left out), or per-field errors from the contract's own schemas. */
export function checkSoulForm(
  form: SoulForm,
  souls: ReadonlyArray<{ id: string; builtin: boolean; name?: string }>,
): { body: SoulWrite | null; errors: SoulFormErrors } {
  const errors: SoulFormErrors = {};
  const id = SoulId.safeParse(form.id);
  if (!id.success) errors.id = form.id ? 'lowercase letters, digits and dashes, starting with a letter or digit' : 'give the soul an id';
  const existing = souls.find((s) => s.id === form.id);
  if (existing?.builtin) errors.id = `'${form.id}' is a built-in soul; pick another id`;
  else if (existing && form.isNew) errors.id = `a soul '${form.id}' exists already; pick another id or edit that one`;
  // "Kiwi, switch to Default" picks a soul by its name: two souls of one name could not both be reached.
  const sameName = form.name.trim() && souls.find((s) => s.id !== form.id && s.name !== undefined && sameSoulName(s.name, form.name));
  if (sameName) errors.name = `the soul '${sameName.id}' is called '${sameName.name}' already; give this one another name`;
  const candidate = {
    name: form.name,
    description: form.description,
    model: form.model,
    nsfw: form.nsfw,
    ...(form.voice.trim() ? { voice: form.voice } : {}),
    ...(form.style.trim() ? { style: form.style } : {}),
    prompt: form.prompt,
  };
  const parsed = SoulWrite.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof SoulFormErrors;
      errors[field] ??= field === 'prompt' && !form.prompt.trim() ? 'write what this soul is like' : issue.message;
    }
  }
  return { body: parsed.success && Object.keys(errors).length === 0 ? parsed.data : null, errors };
}

/** Whether the form holds edits that are not saved (new: anything typed; edit or copy: anything changed since it was opened). */
export function soulFormChanged(form: SoulForm, opened: SoulForm): boolean {
  const fields = ['id', 'name', 'description', 'model', 'nsfw', 'voice', 'style', 'prompt'] as const;
  return fields.some((field) => form[field] !== opened[field]);
}

/** The file the server will write (<data dir>/souls/<id>.md), rendered by the same function. */
export function previewMarkdown(form: SoulForm): string {
  return soulMarkdown(form.id || 'new-soul', {
    name: form.name.trim(),
    description: form.description.trim(),
    model: form.model.trim(),
    nsfw: form.nsfw,
    voice: form.voice.trim() || undefined,
    style: form.style.trim() || undefined,
    prompt: form.prompt.trim() || '…',
  });
}
