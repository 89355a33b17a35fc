import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '../../contract/config.ts';
import { ManualClock } from '../../timers/testing/manual-clock.ts';
import { OwnerHandsFree, type HandsFreeReason } from './hands-free.ts';
import type { IdentifiedSpeaker } from './turn.ts';

const voice = (priority: 0 | 1 | 2, blocked = false): IdentifiedSpeaker => ({ id: `spk_${priority}`, name: 'x', priority, confidence: 0.9, blocked });
const owner = voice(0);

function setup(enabled = true) {
  const clock = new ManualClock('2026-12-04T18:00:00Z');
  const settings: Config['voice']['owner_hands_free'] = { ...DEFAULT_CONFIG.voice.owner_hands_free, enabled };
  const world = { ownerEnrolled: true };
  const changes: Array<[boolean, HandsFreeReason]> = [];
  const handsFree = new OwnerHandsFree({ settings: () => settings, ownerEnrolled: () => world.ownerEnrolled, clock, changed: (active, reason) => changes.push([active, reason]) });
  return { clock, settings, world, changes, handsFree };
}

describe('owner hands-free', () => {
  it('is off by default: nobody skips the wake word', () => {
    expect(DEFAULT_CONFIG.voice.owner_hands_free).toEqual({ enabled: false, guest_cooldown_s: 120 });
    const { handsFree } = setup(false);
    expect(handsFree.active).toBe(false);
    expect(handsFree.allows(owner)).toBe(false);
  });

  it('lets only the enrolled owner speak without the wake word', () => {
    const { handsFree } = setup();
    expect(handsFree.active).toBe(true);
    expect(handsFree.allows(owner)).toBe(true);
    expect(handsFree.allows(voice(1))).toBe(false);
    expect(handsFree.allows(null)).toBe(false);
    expect(handsFree.allows(voice(0, true))).toBe(false); // a blocked profile is nobody's owner
  });

  it('another voice closes it for guest_cooldown_s; it opens again once that voice has been quiet so long', async () => {
    const { handsFree, clock, changes } = setup();
    handsFree.heard(owner); // the owner's own voice changes nothing
    expect(changes).toEqual([]);
    handsFree.heard(null); // an unknown voice
    expect(handsFree.allows(owner)).toBe(false);
    expect(changes).toEqual([[false, 'other_voice']]);
    await clock.advance(60_000);
    handsFree.heard(voice(2)); // a guest speaks again: the cooldown starts over
    await clock.advance(119_000);
    expect(handsFree.active).toBe(false);
    await clock.advance(1_000);
    expect(handsFree.allows(owner)).toBe(true);
    expect(changes).toEqual([
      [false, 'other_voice'],
      [true, 'quiet'],
    ]);
  });

  it('follows its settings and whether an owner is enrolled, and says why it changed', async () => {
    const { handsFree, settings, world, changes, clock } = setup(false);
    settings.enabled = true;
    handsFree.settingsChanged();
    world.ownerEnrolled = false;
    handsFree.speakersChanged();
    expect(handsFree.enabled).toBe(false);
    world.ownerEnrolled = true;
    handsFree.speakersChanged();
    handsFree.heard(voice(1));
    settings.guest_cooldown_s = 10; // a shorter cooldown applies at once
    handsFree.settingsChanged();
    await clock.advance(10_000);
    expect(handsFree.active).toBe(true);
    settings.enabled = false;
    handsFree.settingsChanged();
    await clock.advance(600_000);
    expect(changes).toEqual([
      [true, 'enabled'],
      [false, 'no_owner'],
      [true, 'owner_enrolled'],
      [false, 'other_voice'],
      [true, 'quiet'],
      [false, 'disabled'],
    ]);
  });
});
