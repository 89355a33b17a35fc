import { useEffect } from 'react';
import { useClient } from '../../client/client-context.ts';
import { useDashboard } from '../../store/dashboard.ts';
import { Panel } from '../../ui/Panel.tsx';

/** Wyoming clients come and go without events (HA opens a connection per request): re-read this often while shown. */
const REFRESH_MS = 5000;

/** Home Assistant's ways into Kiwi: the MQTT device (discovery) and the Wyoming voice service. */
export function IntegrationsPanel() {
  const client = useClient();
  const load = useDashboard((s) => s.load);
  const status = useDashboard((s) => s.data.integrations);

  useEffect(() => {
    const timer = setInterval(() => void load(client, ['integrations']), REFRESH_MS);
    return () => clearInterval(timer);
  }, [client, load]);

  const mqtt = status?.mqtt;
  const wyoming = status?.wyoming;
  return (
    <Panel id="integrations" title="Kiwi in Home Assistant">
      <h3>MQTT device</h3>
      <dl>
        <dt>Connection</dt>
        <dd data-testid="mqtt-connected">{!mqtt ? '…' : !mqtt.enabled ? 'off (mqtt.enabled)' : mqtt.connected ? 'connected' : 'not connected'}</dd>
        {mqtt?.broker && (
          <>
            <dt>Broker</dt>
            <dd data-testid="mqtt-broker">{mqtt.broker}</dd>
          </>
        )}
        {mqtt?.enabled && (
          <>
            <dt>Entities published</dt>
            <dd data-testid="mqtt-entities">{mqtt.entities}</dd>
          </>
        )}
        {mqtt?.error && (
          <>
            <dt>Problem</dt>
            <dd data-testid="mqtt-error">{mqtt.error}</dd>
          </>
        )}
      </dl>
      <h3>Wyoming voice service</h3>
      <dl>
        <dt>Service</dt>
        <dd data-testid="wyoming-listening">
          {!wyoming ? '…' : !wyoming.enabled ? 'off (wyoming.enabled)' : wyoming.listening ? `listening on ${wyoming.host}:${wyoming.port}` : 'not listening'}
        </dd>
        {wyoming?.listening && (
          <>
            <dt>Clients</dt>
            <dd data-testid="wyoming-clients">{wyoming.clients}</dd>
          </>
        )}
        {wyoming?.error && (
          <>
            <dt>Problem</dt>
            <dd data-testid="wyoming-error">{wyoming.error}</dd>
          </>
        )}
      </dl>
    </Panel>
  );
}
