import { describe, expect, it } from 'vitest';
import { ApprovalQuestion } from './approval-question.ts';
import { ManualClock } from './testing/manual-clock.ts';

describe('ApprovalQuestion', () => {
  const asked = (clock = new ManualClock()) => {
    const question = new ApprovalQuestion(clock);
    question.asked({ approvalId: 'a1', turnId: 'ask', source: 'mic' });
    question.turnFinished('ask', false, false);
    return { question, clock };
  };

  it('a turn begun after the question ended answers it, once', () => {
    const { question, clock } = asked();
    clock.advance(3000);
    question.turnStarted('yes');
    expect(question.answeredBy({ turnId: 'yes', source: 'mic' }, 5000)).toBe('a1');
    expect(question.answeredBy({ turnId: 'yes', source: 'mic' }, 5000)).toBeNull();
  });

  it('a turn begun while Kiwi still asked does not answer it', () => {
    const question = new ApprovalQuestion(new ManualClock());
    question.asked({ approvalId: 'a1', turnId: 'ask', source: 'mic' });
    question.turnStarted('over-kiwi');
    question.turnFinished('ask', false, false);
    expect(question.answeredBy({ turnId: 'over-kiwi', source: 'mic' }, 5000)).toBeNull();
  });

  it('lapses after 16 unanswered turns (the room moved on), however short the time', () => {
    const { question } = asked();
    for (let i = 0; i < 16; i += 1) question.turnStarted(`noise-${i}`);
    question.turnStarted('yes');
    expect(question.answeredBy({ turnId: 'noise-15', source: 'mic' }, 5000)).toBeNull();
    expect(question.answeredBy({ turnId: 'yes', source: 'mic' }, 5000)).toBeNull();
  });

  it('ignored turns in between leave it open; an answered one closes it', () => {
    const { question } = asked();
    question.turnStarted('echo');
    question.turnFinished('echo', false, true);
    question.turnStarted('yes');
    expect(question.answeredBy({ turnId: 'yes', source: 'mic' }, 5000)).toBe('a1');

    const other = asked().question;
    other.turnStarted('weather');
    other.turnFinished('weather', false, false);
    other.turnStarted('yes');
    expect(other.answeredBy({ turnId: 'yes', source: 'mic' }, 5000)).toBeNull();
  });
});
