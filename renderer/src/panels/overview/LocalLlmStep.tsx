import { useCallback, useEffect, useState } from 'react';
import { useClient } from '../../client/client-context.ts';
import type { Answer } from '../../client/kiwi-client.ts';
import { useCan } from '../../store/dashboard.ts';
import { InlineError } from '../../ui/Panel.tsx';
import { useAction } from '../../ui/use-action.ts';

type Found = Answer<'localLlms'>;
type Server = Found['servers'][number];

const PORT_NAMES: Record<Server['kind'], string> = { ollama: 'Ollama', lmstudio: 'LM Studio', llamacpp: 'llama.cpp' };

/**
 * Pick what answers questions: the LLM servers running on this computer (Kiwi asks 127.0.0.1
 * only), each with its models and a "use it" that points llm.* at it.
 */
export function LocalLlmStep() {
  const client = useClient();
  const canControl = useCan('control');
  const [found, setFound] = useState<Found | null>(null);
  const { run: runLook, busy: looking, error: lookError } = useAction();
  const use = useAction();

  const lookAgain = useCallback(() => {
    void runLook(async () => setFound(await client.call('localLlms')));
  }, [client, runLook]);
  useEffect(lookAgain, [lookAgain]);

  const choose = (server: Server, model: string) =>
    void use.run(() => client.call('patchConfig', { body: { llm: { provider: 'openai', base_url: server.base_url, model } } }));

  return (
    <div data-testid="local-llms">
      {found === null ? (
        <p className="muted">{looking ? 'Looking for LLM servers on this computer…' : ''}</p>
      ) : found.servers.length === 0 ? (
        <p data-testid="local-llms-none">
          No LLM server is running on this computer (Kiwi looked on 127.0.0.1 only:{' '}
          {found.checked.map((c) => `${PORT_NAMES[c.kind]} on port ${c.port}`).join(', ')}). Start Ollama, LM Studio or llama.cpp&apos;s server and look again,
          or set a cloud LLM under <a href="#/settings">Settings</a> (llm.provider, llm.api_key).
        </p>
      ) : (
        <ul className="plain">
          {found.servers.map((server) => (
            <ServerRow key={server.kind} server={server} disabled={use.busy || !canControl} onUse={(model) => choose(server, model)} />
          ))}
        </ul>
      )}
      <button type="button" onClick={lookAgain} disabled={looking}>
        Look again
      </button>
      <InlineError error={lookError ?? use.error} />
    </div>
  );
}

function ServerRow({ server, disabled, onUse }: { server: Server; disabled: boolean; onUse(model: string): void }) {
  const [model, setModel] = useState(server.models[0] ?? '');
  return (
    <li className="row" data-testid={`local-llm-${server.kind}`}>
      <strong>{server.name}</strong>
      <span className="muted small">on 127.0.0.1:{server.port}</span>
      {server.models.length > 0 ? (
        <label>
          model{' '}
          <select value={model} onChange={(e) => setModel(e.target.value)}>
            {server.models.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
      ) : (
        <span className="muted small">it lists no models yet</span>
      )}
      <button type="button" className="primary" disabled={disabled} onClick={() => onUse(model)}>
        Use {server.name}
      </button>
    </li>
  );
}
