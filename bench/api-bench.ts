import autocannon from 'autocannon';
import WebSocket from 'ws';
import { percentile, startKiwiProcess } from './kiwi-process.ts';

const CLIENTS = 100;

/** GET /api/status under 100 concurrent connections: throughput and latency percentiles. */
async function statusThroughput(url: string, seconds: number) {
  const result = await autocannon({ url: `${url}/api/status`, connections: CLIENTS, duration: seconds });
  return {
    connections: CLIENTS,
    duration_s: seconds,
    requests_per_s_mean: Math.round(result.requests.average),
    latency_ms_p50: result.latency.p50,
    latency_ms_p99: result.latency.p99,
    latency_ms_max: result.latency.max,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * Event fan-out: 100 /api/events clients; each POST /api/reset-context emits one CONTEXT_RESET.
 * Latency = arrival at each client − the envelope's emit timestamp (same machine clock, ms).
 */
async function eventFanOut(url: string, rounds: number) {
  const wsUrl = url.replace('http', 'ws') + '/api/events';
  const latencies: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: CLIENTS }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.on('message', (raw) => {
        const message = JSON.parse(raw.toString()) as { event: string; timestamp: string };
        if (message.event === 'CONTEXT_RESET') latencies.push(Date.now() - Date.parse(message.timestamp));
      });
    })),
  );
  for (let i = 0; i < rounds; i++) {
    const res = await fetch(`${url}/api/reset-context`, { method: 'POST' });
    if (!res.ok) throw new Error(`reset-context answered ${res.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  return {
    clients: CLIENTS,
    events: rounds,
    deliveries: latencies.length,
    expected_deliveries: CLIENTS * rounds,
    latency_ms_p50: percentile(latencies, 50),
    latency_ms_p99: percentile(latencies, 99),
    latency_ms_max: latencies.at(-1) ?? NaN,
  };
}

export async function runApiBench() {
  const kiwi = await startKiwiProcess();
  try {
    return {
      status_endpoint: await statusThroughput(kiwi.url, 10),
      event_fan_out: await eventFanOut(kiwi.url, 50),
    };
  } finally {
    await kiwi.stop();
  }
}
