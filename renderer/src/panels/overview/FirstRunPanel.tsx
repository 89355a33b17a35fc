import { useRef } from 'react';
import { formatBytes } from '../../../../main/engine/models/progress.ts';
import { useClient, useShell } from '../../client/client-context.ts';
import type { Answer } from '../../client/kiwi-client.ts';
import { useCan, useDashboard } from '../../store/dashboard.ts';
import type { DownloadProgress } from '../../store/downloads.ts';
import { InlineError, Panel } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';
import { useFocusStaysIn } from '../../ui/use-focus-stays-in.ts';
import { useFocusWhenGone } from '../../ui/use-focus-when-gone.ts';
import { LANGUAGE_NAMES } from '../language/LanguagePanel.tsx';
import { capabilities } from './capabilities.ts';
import { downloadFailures } from './download-failures.ts';
import { LocalLlmStep } from './LocalLlmStep.tsx';
import './overview.css';

type Stage = Answer<'setupPlan'>['stages'][number];

/** What each part is for, in words (the model's own name comes second). */
const PURPOSE: Record<Stage['stage'], string> = {
  vad: 'speech detector',
  wake: 'wake-word detector',
  stt: 'speech recogniser',
  speaker: 'speaker recogniser',
  tts: 'voice',
};

/**
 * First run on the Overview: what Kiwi can and cannot do yet, one download for the parts the
 * language needs, then an LLM, the owner's voice and the first question. Gone once all is done.
 */
export function FirstRunPanel() {
  const status = useDashboard((s) => s.data.status);
  const config = useDashboard((s) => s.data.config);
  const plan = useDashboard((s) => s.data.setup);
  const speakers = useDashboard((s) => s.data.speakers?.speakers);
  const { desktop } = useShell();
  // Once all is downloaded the button goes: the focus moves to the line saying so, not to the page.
  const downloadStep = useRef<HTMLLIElement>(null);
  const installed = useRef<HTMLParagraphElement>(null);
  useFocusStaysIn(downloadStep, () => installed.current);
  const lines = status && config ? capabilities(status, { wakeWord: config.wake_word, llmModel: config.llm.model }) : null;
  const enrolled = (speakers?.length ?? 0) > 0;
  const shown = !!lines && !!plan && !(lines.every((l) => l.ok) && enrolled);
  // Its last step done, the panel goes: the focus that was in it goes to the next panel, not the page.
  const panel = useRef<HTMLElement>(null);
  useFocusWhenGone(panel, shown);
  if (!shown || !lines || !plan || !config) return null;

  const toDownload = plan.stages.filter((s) => s.model && !s.model.installed);
  const llmMissing = lines.some((l) => l.id === 'answer' && !l.ok);

  return (
    <Panel id="first-run" title="Get Kiwi talking" ref={panel}>
      <ul className="capabilities" data-testid="capabilities">
        {lines.map((l) => (
          <li key={l.id} data-ok={l.ok} data-capability={l.id}>
            <span aria-hidden="true">{l.ok ? '✓' : '✗'}</span> {l.text}
          </li>
        ))}
      </ul>
      <ol className="steps">
        <li data-testid="step-download" data-done={toDownload.length === 0} ref={downloadStep}>
          <h3>Download what Kiwi needs for {LANGUAGE_NAMES[plan.language]}</h3>
          {toDownload.length === 0 ? (
            <p className="muted" ref={installed} tabIndex={-1} data-testid="download-done">
              Everything for {LANGUAGE_NAMES[plan.language]} is installed.
            </p>
          ) : (
            <DownloadStep stages={plan.stages} bytes={plan.download_bytes} />
          )}
          <p className="muted small">
            Another language? Change it under <a href="#/settings">Settings</a>; this list follows it.
          </p>
        </li>
        <li data-testid="step-llm" data-done={!llmMissing}>
          <h3>Choose what answers questions</h3>
          {llmMissing ? <LocalLlmStep /> : <p className="muted">A language model answers (change it under Settings, llm.*).</p>}
        </li>
        <li data-testid="step-voice" data-done={enrolled}>
          <h3>Teach Kiwi your voice</h3>
          {enrolled ? (
            <p className="muted">Kiwi knows {speakers!.length === 1 ? 'one voice' : `${speakers!.length} voices`}.</p>
          ) : (
            <p>
              Say <q>Kiwi, remember my voice, my name is …</q> and then one more sentence: the first voice becomes the owner. Or enrol from recordings under{' '}
              <a href="#/speakers">Speakers</a>.
            </p>
          )}
        </li>
        <li data-testid="step-talk">
          <h3>Talk to Kiwi</h3>
          <p>
            {desktop ? 'Say' : 'Switch on the microphone below and say'} <q>{capitalized(config.wake_word || 'kiwi')}, what time is it?</q> — or type to Kiwi under{' '}
            <a href="#/conversation">Conversation</a>.
          </p>
        </li>
      </ol>
    </Panel>
  );
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function DownloadStep({ stages, bytes }: { stages: Stage[]; bytes: number }) {
  const client = useClient();
  const canAdmin = useCan('admin');
  const downloads = useDashboard((s) => s.downloads);
  const { busy, error, run } = useAction();
  const running = stages.some((s) => s.model?.downloading || downloads[s.model?.id ?? '']?.phase === 'running');
  const count = stages.filter((s) => s.model && !s.model.installed).length;
  // Said once, when no download is left running: one alert per part would be read out all at once.
  const failed = stages.flatMap(({ stage, model }) => {
    const progress = model && !model.installed ? downloads[model.id] : undefined;
    return progress?.phase === 'failed' ? [{ purpose: PURPOSE[stage], error: progress.error ?? 'download failed' }] : [];
  });
  const failures = running ? null : downloadFailures(failed);
  return (
    <>
      <button
        type="button"
        className="primary"
        data-testid="download-recommended"
        // aria-disabled while it works: a disabled button would drop the keyboard focus to the page for the whole download.
        disabled={!canAdmin}
        aria-disabled={busy || running}
        title={canAdmin ? undefined : 'needs the admin scope'}
        onClick={() => !busy && !running && void run(() => client.call('setupDownload'))}
      >
        {running ? 'Downloading…' : `Download ${count === 1 ? 'it' : `all ${count}`} (${formatBytes(bytes)})`}
      </button>
      <InlineError error={error} />
      <InlineError error={failures} />
      <ul className="plain downloads">
        {stages.map((s) => (
          <StageRow key={s.stage} stage={s} progress={s.model ? downloads[s.model.id] : undefined} />
        ))}
      </ul>
    </>
  );
}

function StageRow({ stage, progress }: { stage: Stage; progress: DownloadProgress | undefined }) {
  const { model } = stage;
  const purpose = PURPOSE[stage.stage];
  if (!model) {
    return (
      <li data-testid={`setup-${stage.stage}`} className="muted small">
        {stage.ready ? `${purpose}: installed` : `${purpose}: none in the catalog covers this language`}
      </li>
    );
  }
  const fraction = progress?.total ? Math.min(1, progress.bytes / progress.total) : null;
  const running = !model.installed && (model.downloading || progress?.phase === 'running');
  return (
    <li data-testid={`setup-${stage.stage}`} data-installed={model.installed}>
      <span className="purpose">{purpose}</span> <span className="muted small">{model.name} · {formatBytes(model.size_bytes)}</span>{' '}
      {model.installed ? (
        <span className="badge ok">installed</span>
      ) : running ? (
        <span className="progress inline">
          <progress max={1} value={fraction ?? undefined} aria-label={`Downloading the ${purpose}`} />
          <span className="small">
            {fraction !== null ? `${Math.floor(fraction * 100)}% · ` : ''}
            {formatBytes(progress?.bytes ?? 0)} of {formatBytes(progress?.total ?? model.size_bytes)}
          </span>
        </span>
      ) : progress?.phase === 'failed' ? (
        // Shown here, announced in the one summary above the list.
        <span className="inline-error small">
          {progress.error}
        </span>
      ) : null}
    </li>
  );
}
