import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkSentences, SentenceChunker, type ChunkerOptions } from './chunker.ts';

/** Feed `text` as the given tokens and collect the chunks. */
function run(tokens: string[], options: ChunkerOptions): string[] {
  const chunker = new SentenceChunker(options);
  return [...tokens.flatMap((t) => chunker.push(t)), ...chunker.flush()];
}
const chars = (text: string) => Array.from(text);
/** Tokens of 1–4 code points, the way an LLM cuts words: "Hel", "lo", " Mr", ". Sm", ... */
const ragged = (text: string) => {
  const cps = Array.from(text);
  const out: string[] = [];
  for (let i = 0, n = 1; i < cps.length; i += n, n = (n % 4) + 1) out.push(cps.slice(i, i + n).join(''));
  return out;
};

const CASES: Array<[string, string, string[]]> = [
  ['en', 'Hello there, Mr. Smith. The price is 3.14 dollars at 10:30 today! Is it e.g. cheap? Well... I think so. J. R. R. Tolkien wrote it.',
    ['Hello there, Mr. Smith.', 'The price is 3.14 dollars at 10:30 today!', 'Is it e.g. cheap?', 'Well... I think so.', 'J. R. R. Tolkien wrote it.']],
  ['en', 'Visit example.com for details. Version 2.0 is out (finally!). "Really?" she asked. Yes.',
    ['Visit example.com for details.', 'Version 2.0 is out (finally!).', '"Really?" she asked.', 'Yes.']],
  ['ru', 'Привет! Это т.е. пример. Встреча в 10:30, т. е. утром. Цена 3,5 рубля… Хорошо?',
    ['Привет! Это т.е. пример.', 'Встреча в 10:30, т. е. утром.', 'Цена 3,5 рубля…', 'Хорошо?']],
  ['de', 'Das ist z.B. ein Test. Am 3. Mai um 10.30 Uhr treffen wir Dr. Müller. Super!',
    ['Das ist z.B. ein Test.', 'Am 3. Mai um 10.30 Uhr treffen wir Dr. Müller.', 'Super!']],
  ['es', '¿Qué hora es? Son las 10:30. La Sra. García llegó, p.ej. tarde. ¡Vamos!',
    ['¿Qué hora es?', 'Son las 10:30.', 'La Sra. García llegó, p.ej. tarde.', '¡Vamos!']],
  ['fr', "Bonjour M. Dupont ! Il est 10 h 30, c'est-à-dire… bientôt. D'accord ?",
    ['Bonjour M. Dupont !', "Il est 10 h 30, c'est-à-dire… bientôt.", "D'accord ?"]],
  ['pt', 'Olá, Sr. Silva. O valor é 2,5 mil, p.ex. agora. Obrigado!', ['Olá, Sr. Silva.', 'O valor é 2,5 mil, p.ex. agora.', 'Obrigado!']],
  ['it', 'Buongiorno Sig. Rossi. Sono le 10:30, ecc. Va bene?', ['Buongiorno Sig. Rossi.', 'Sono le 10:30, ecc.', 'Va bene?']],
  ['tr', 'Dr. Yılmaz geldi. 3. sınıf öğrencisiyiz. Tamam mı?', ['Dr. Yılmaz geldi.', '3. sınıf öğrencisiyiz.', 'Tamam mı?']],
  ['pl', 'Mam np. kota. Spotkanie o godz. 10:30. Dobrze!', ['Mam np. kota.', 'Spotkanie o godz. 10:30.', 'Dobrze!']],
  ['id', 'Halo, Bpk. Budi. Harganya Rp 3.500 saja. Terima kasih!', ['Halo, Bpk. Budi.', 'Harganya Rp 3.500 saja.', 'Terima kasih!']],
  ['zh', '你好！今天天气很好。我们去公园吧，好吗？他说：“真的吗？”然后笑了。', ['你好！今天天气很好。', '我们去公园吧，好吗？', '他说：“真的吗？”然后笑了。']],
  ['ja', 'こんにちは。「元気ですか？」と聞いた。はい、元気です！', ['こんにちは。「元気ですか？」と聞いた。', 'はい、元気です！']],
  ['ko', '안녕하세요. 오늘 날씨가 좋네요! 산책 갈까요?', ['안녕하세요. 오늘 날씨가 좋네요!', '산책 갈까요?']],
  ['hi', 'नमस्ते। आप कैसे हैं? मैं ठीक हूँ।', ['नमस्ते। आप कैसे हैं?', 'मैं ठीक हूँ।']],
  ['ar', 'مرحبا! كيف حالك؟ أنا بخير، شكرا.', ['مرحبا! كيف حالك؟', 'أنا بخير، شكرا.']],
  ['en', '# Shopping list\n\n1. Flour for the bread.\n2. Sugar, not too much.\n- milk\n- eggs\n\n**Done.** Anything else?',
    ['# Shopping list', '1. Flour for the bread.', '2. Sugar, not too much.', '- milk\n- eggs', '**Done.** Anything else?']],
];

describe('SentenceChunker', () => {
  it.each(CASES)('%s: %s', (language, text, expected) => {
    expect(run([text], { language }), 'whole text').toEqual(expected);
    expect(run(chars(text), { language }), 'one character at a time').toEqual(expected);
    expect(run(ragged(text), { language }), 'tokens split mid-word').toEqual(expected);
  });

  it('starts speaking at the first clause when it is long enough, while the sentence is still being written', () => {
    const chunker = new SentenceChunker({ language: 'en' });
    expect(chunker.push('Sure, I can')).toEqual([]); // "Sure," alone is too short to sound natural
    expect(chunker.push(' help. Penguins live in the far south of the world,')).toEqual(['Sure, I can help.']);
    expect(chunker.push(' far from')).toEqual([]); // the first chunk was a sentence: later ones wait for their end
    const first = new SentenceChunker({ language: 'en' });
    expect(first.push('Penguins live in the far south of the world, far')).toEqual(['Penguins live in the far south of the world,']);
    expect(first.push(' from the bears. They')).toEqual(['far from the bears.']);
    expect(new SentenceChunker({ language: 'en', firstClauseChars: 0 }).push('Penguins live in the far south of the world, far')).toEqual([]);
    expect(new SentenceChunker({ language: 'en' }).push('It costs 1,000,000 dollars in total, more')).toEqual(['It costs 1,000,000 dollars in total,']);
  });

  it('releases a sentence as soon as the next word starts, before the stream ends', () => {
    const chunker = new SentenceChunker({ language: 'en' });
    expect(chunker.push('Sure, I can help with that.')).toEqual([]); // a period alone could be "Mr."
    expect(chunker.push(' ')).toEqual([]);
    expect(chunker.push('Here')).toEqual(['Sure, I can help with that.']);
    const cjk = new SentenceChunker({ language: 'zh' });
    expect(cjk.push('好的，我来帮你查一下。')).toEqual([]); // a closing quote might follow
    expect(cjk.push('明')).toEqual(['好的，我来帮你查一下。']);
  });

  it('merges sentences shorter than minChars with the next one', () => {
    expect(run(['Hi. Ok. Sure thing, here it is.'], { language: 'en' })).toEqual(['Hi. Ok. Sure thing, here it is.']);
    expect(run(['Hi. Ok. Sure thing, here it is.'], { language: 'en', minChars: 1 })).toEqual(['Hi.', 'Ok.', 'Sure thing, here it is.']);
  });

  it('splits long runs at the last comma, else at a space, keeping the first chunk short', () => {
    const text =
      'The model likes commas, and it keeps going on and on without a single full stop, which is fine for reading but bad for speech because the first audio would wait for all of this text to arrive and that is slow';
    const chunks = run(ragged(text), { language: 'en', firstMaxChars: 60, maxChars: 100 });
    expect(chunks[0]).toBe('The model likes commas,');
    expect(chunks.join(' ')).toBe(text);
    chunks.forEach((c, i) => expect(c.length).toBeLessThanOrEqual(i === 0 ? 60 : 100));
    expect(chunks.slice(1, -1).every((c) => c.length > 40)).toBe(true);
  });

  it('cuts CJK text without punctuation anywhere, Latin text never inside a word (unless it is enormous)', () => {
    const zh = '我'.repeat(200);
    const zhChunks = run(chars(zh), { language: 'zh', firstMaxChars: 40, maxChars: 80 });
    expect(zhChunks.join('')).toBe(zh);
    expect(zhChunks[0]).toBe('我'.repeat(20)); // CJK weighs double
    const url = `https://example.com/${'a'.repeat(150)}`;
    // A URL is not cut (speakable turns it into its domain); "See" alone is too short to stand.
    expect(run(ragged(`See ${url} now`), { language: 'en', firstMaxChars: 60, maxChars: 100 })).toEqual([`See ${url} now`]);
    const giant = 'x'.repeat(400);
    const cut = run([giant], { language: 'en', maxChars: 100, firstMaxChars: 100 });
    expect(cut.join('')).toBe(giant);
    expect(Math.max(...cut.map((c) => c.length))).toBeLessThanOrEqual(100);
  });

  it('never loses or reorders text, whatever the token boundaries (property)', () => {
    const words = fc.constantFrom('Hello', 'Mr.', 'Dr.', 'e.g.', '3.14', '10:30', 'world.', 'ok!', 'why?', 'so...', '你好。', 'नमस्ते।', 'كيف؟', '—', ',', 'a', 'Z.', '\n', '- item', '**bold.**');
    fc.assert(
      fc.property(fc.array(words, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1 }), (parts, sizes) => {
        const text = parts.join(' ');
        const cps = Array.from(text);
        const tokens: string[] = [];
        for (let i = 0, s = 0; i < cps.length; s++) {
          const n = sizes[s % sizes.length]!;
          tokens.push(cps.slice(i, i + n).join(''));
          i += n;
        }
        const chunks = run(tokens, { language: 'en', maxChars: 50, firstMaxChars: 30 });
        const squash = (s: string) => s.replace(/\s+/g, '');
        expect(squash(chunks.join(''))).toBe(squash(text));
        expect(chunks.every((c) => c.trim().length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('chunkSentences streams from an async token source', async () => {
    async function* tokens() {
      for (const t of ragged('First sentence here. Second one follows! Third?')) yield t;
    }
    const out: string[] = [];
    for await (const chunk of chunkSentences(tokens(), { language: 'en' })) out.push(chunk);
    expect(out).toEqual(['First sentence here.', 'Second one follows!', 'Third?']);
  });
});
