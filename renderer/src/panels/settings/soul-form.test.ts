import { describe, expect, it } from 'vitest';
import { parseSoul } from '../../../../main/souls/soul-file.ts';
import { checkSoulForm, emptySoulForm, formFromSoul, previewMarkdown, slugify, soulFormChanged, updateForm } from './soul-form.ts';

const souls = [
  { id: 'default', builtin: true },
  { id: 'comedian', builtin: true },
  { id: 'pirate', builtin: false },
];
const builtinDoc = { id: 'comedian', name: 'Comedian', description: 'Jokes', model: '', nsfw: false, prompt: 'Be funny.', builtin: true };

describe('soul form', () => {
  it('slugifies names into valid soul ids', () => {
    expect(slugify('Grumpy Pirate!')).toBe('grumpy-pirate');
    expect(slugify('  Émile   Zola  ')).toBe('emile-zola');
    expect(slugify('***')).toBe('');
    expect(slugify('a'.repeat(80))).toHaveLength(64);
  });

  it('a new soul’s id follows its name until someone types one', () => {
    let form = updateForm(emptySoulForm(), 'name', 'Sea Captain');
    expect(form.id).toBe('sea-captain');
    form = updateForm(form, 'id', 'captain');
    form = updateForm(form, 'name', 'Sea Captain Jr');
    expect(form.id).toBe('captain');
  });

  it('editing keeps the id; copying a built-in makes a new soul with a free id', () => {
    const copy = formFromSoul(builtinDoc, 'copy');
    expect(copy).toMatchObject({ id: 'comedian-copy', name: 'Comedian (copy)', isNew: true, prompt: 'Be funny.' });
    const edit = formFromSoul({ ...builtinDoc, id: 'pirate', builtin: false, voice: 'joe', style: 'playful' }, 'edit');
    expect(edit).toMatchObject({ id: 'pirate', isNew: false, voice: 'joe', style: 'playful' });
    expect(updateForm(edit, 'name', 'New name').id).toBe('pirate');
  });

  it('checks with the contract’s schemas and refuses built-in or taken ids', () => {
    const empty = checkSoulForm(emptySoulForm(), souls);
    expect(empty.body).toBeNull();
    expect(Object.keys(empty.errors).sort()).toEqual(['id', 'name', 'prompt']);
    expect(empty.errors.prompt).toBe('write what this soul is like');

    const filled = { ...emptySoulForm(), name: 'Pirate', id: 'pirate', prompt: 'Arr.' };
    expect(checkSoulForm({ ...filled, id: 'default' }, souls).errors.id).toMatch(/built-in/);
    expect(checkSoulForm(filled, souls).errors.id).toMatch(/exists already/);
    expect(checkSoulForm({ ...filled, isNew: false }, souls).body).toEqual({ name: 'Pirate', description: '', model: '', nsfw: false, prompt: 'Arr.' });
    expect(checkSoulForm({ ...filled, id: 'Bad Id' }, souls).errors.id).toMatch(/lowercase/);
    expect(checkSoulForm({ ...filled, id: 'sea', description: 'two\nlines' }, souls).errors.description).toBe('must be one line');
    expect(checkSoulForm({ ...filled, id: 'sea', voice: 'joe', style: ' ' }, souls).body).toMatchObject({ voice: 'joe' });
    expect(checkSoulForm({ ...filled, id: 'sea', style: ' ' }, souls).body).not.toHaveProperty('style');
  });

  it('previews exactly the file the registry reads back', () => {
    const form = { ...emptySoulForm(), id: 'sea', name: 'Sea: "Captain"', description: 'Says # and --- freely', model: 'gpt-x', nsfw: true, voice: 'joe', prompt: '  Talk like a captain.\n\n---\n\nShort answers.  ' };
    const text = previewMarkdown(form);
    expect(text.startsWith('---\nid: sea\n')).toBe(true);
    expect(parseSoul(text, 'sea', false)).toEqual({
      id: 'sea',
      name: 'Sea: "Captain"',
      description: 'Says # and --- freely',
      model: 'gpt-x',
      nsfw: true,
      voice: 'joe',
      prompt: 'Talk like a captain.\n\n---\n\nShort answers.',
      builtin: false,
    });
  });
});

describe('soul form: names and unsaved edits', () => {
  const listed = [
    { id: 'default', builtin: true, name: 'Default' },
    { id: 'pirate', builtin: false, name: 'Grumpy  Pirate' },
  ];
  const filled = (name: string, id = slugify(name)) => ({ ...emptySoulForm(), id, name, description: 'x', prompt: 'Be.' });

  it('refuses a second soul with a name another soul has (voice switching goes by name)', () => {
    expect(checkSoulForm(filled('Default', 'default-2'), listed).errors.name).toMatch(/'default' is called 'Default' already/);
    expect(checkSoulForm(filled(' grumpy pirate '), listed).errors.name).toMatch(/'pirate'/);
    expect(checkSoulForm(filled(' grumpy pirate '), listed).body).toBeNull();
    expect(checkSoulForm(filled('Sea Captain'), listed).errors.name).toBeUndefined();
  });

  it('a soul keeps its own name when edited', () => {
    const editing = { ...filled('Grumpy  Pirate', 'pirate'), isNew: false };
    expect(checkSoulForm(editing, listed).errors).toEqual({});
  });

  it('counts as unsaved only what changed since it was opened', () => {
    const opened = formFromSoul(builtinDoc, 'copy');
    expect(soulFormChanged(opened, opened)).toBe(false);
    expect(soulFormChanged(updateForm(opened, 'prompt', 'Be very funny.'), opened)).toBe(true);
    expect(soulFormChanged(updateForm(emptySoulForm(), 'name', 'Ünïcødé 🥝'), emptySoulForm())).toBe(true);
  });
});
