import { describe, expect, it } from 'vitest';
import { SentenceChunker } from './chunker.ts';
import { SpeakableFilter, spokenUrl, toSpeakable } from './speakable.ts';

const en = { language: 'en', codeMention: "I won't read the code aloud." };

describe('toSpeakable', () => {
  it.each([
    ['# Weather today', 'Weather today.'],
    ['## Step 2: mix ##', 'Step 2: mix.'],
    ['This is **very** important and __so__ is *this* and _that_, not ~~this~~.', 'This is very important and so is this and that, not this.'],
    ['snake_case_name stays, 3 * 4 = 12', 'snake_case_name stays, 3 × 4 = 12'],
    ['Read [the docs](https://example.com/docs "Docs") or ![a cat](cat.png).', 'Read the docs or a cat.'],
    ['See https://www.example.co.uk/path?q=1#x, or <https://kiwi.dev/a>.', 'See example.co.uk, or kiwi.dev.'],
    ['Go to www.wikipedia.org/wiki/Kiwi now.', 'Go to wikipedia.org now.'],
    ['Run `npm test` first.', 'Run npm test first.'],
    ['Use `docker run --rm -it -v $(pwd):/app node:20 bash -lc "npm ci"` here.', "Use I won't read the code aloud. here."],
    ['Great job! 🎉🔥 You did it 👍🏽 ❤️ 🇩🇪', 'Great job! You did it'],
    ['> A quote from someone.', 'A quote from someone.'],
    ['- [x] done task', 'done task.'],
    ['1. Preheat the oven', '1, Preheat the oven.'],
    ['| Name | Age |\n|------|-----|\n| Ann | 31 |', 'Name, Age. Ann, 31.'],
    ['Fish &amp; chips<br>for two', 'Fish & chips for two'],
    ['Escaped \\*stars\\* stay words', 'Escaped stars stay words'],
    ['Input -> output', 'Input, output'],
    ['---', ''],
    ['🙂', ''],
    ['Footnote here[^1].', 'Footnote here.'],
  ])('%j → %j', (input, expected) => {
    expect(toSpeakable(input, en)).toBe(expected);
  });

  it('joins list items with commas and ends the list with a full stop', () => {
    expect(toSpeakable('- flour\n- sugar\n- eggs', en)).toBe('flour, sugar, eggs.');
  });

  it('keeps French spacing before ! and ?', () => {
    expect(toSpeakable('**Bonjour** ! Ça va ?', { language: 'fr' })).toBe('Bonjour ! Ça va ?');
  });

  it('ends Chinese and Japanese headings with 。', () => {
    expect(toSpeakable('# 今日の天気', { language: 'ja' })).toBe('今日の天気。');
  });

  it('spokenUrl gives the domain', () => {
    expect(spokenUrl('https://www.youtube.com/watch?v=x')).toBe('youtube.com');
    expect(spokenUrl('www.example.org/a/b')).toBe('example.org');
    expect(spokenUrl('http://[::1]:8080/x')).toBe('[::1]');
  });
});

describe('SpeakableFilter over chunker output', () => {
  it('a fenced code block spanning many chunks becomes one mention; the prose around it is kept', () => {
    const answer = [
      'Here is a script that prints the numbers.',
      '```python',
      'for i in range(10):',
      '    print(i)  # prints. Each. Number.',
      '```',
      'Run it with **python3**. It takes a second!',
      '~~~',
      'echo one more',
      '~~~',
      'Done.',
    ].join('\n');
    const chunker = new SentenceChunker({ language: 'en' });
    const filter = new SpeakableFilter(en);
    const chunks = [...Array.from(answer).flatMap((c) => chunker.push(c)), ...chunker.flush()];
    const spoken = chunks.map((c) => filter.convert(c)).filter(Boolean);
    expect(spoken.join(' ')).toBe(
      "Here is a script that prints the numbers. I won't read the code aloud. Run it with python3. It takes a second! I won't read the code aloud. Done.",
    );
    expect(spoken.join(' ')).not.toMatch(/print\(|range|echo|```/);
  });

  it('a one-line fence is mentioned without opening a block', () => {
    const filter = new SpeakableFilter(en);
    expect(filter.convert('```ls -la```')).toBe("I won't read the code aloud.");
    expect(filter.convert('Next sentence.')).toBe('Next sentence.');
  });
});
