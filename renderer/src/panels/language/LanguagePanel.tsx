import { useClient } from '../../client/client-context.ts';
import { LANGUAGES, type LanguageCode } from '../../../../main/contract/languages.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

/** Each language by its own name, so a person who reads only that language can find it. */
export const LANGUAGE_NAMES: Record<LanguageCode, string> = {
  en: 'English',
  ru: 'Русский',
  es: 'Español',
  pt: 'Português',
  fr: 'Français',
  it: 'Italiano',
  de: 'Deutsch',
  tr: 'Türkçe',
  pl: 'Polski',
  zh: '中文',
  ja: '日本語',
  ko: '한국어',
  hi: 'हिन्दी',
  ar: 'العربية',
  id: 'Bahasa Indonesia',
};

export function LanguagePanel() {
  const client = useClient();
  const languages = useDashboard((s) => s.data.languages);
  const canControl = useCan('control');
  const { busy, error, run } = useAction();
  const available = languages?.available ?? [...LANGUAGES];

  return (
    <Panel id="language" title="Language">
      <label>
        Kiwi listens and speaks in{' '}
        <select
          data-testid="language-select"
          value={languages?.current ?? ''}
          disabled={!languages || busy || !canControl}
          onChange={(e) => void run(() => client.call('setLanguage', { body: { language: e.target.value as LanguageCode } }))}
        >
          {available.map((code) => (
            <option key={code} value={code} lang={code}>
              {LANGUAGE_NAMES[code]} ({code})
            </option>
          ))}
        </select>
      </label>
      {!canControl && <p className="muted small">Switching the language needs the control scope.</p>}
      <InlineError error={error} />
    </Panel>
  );
}
