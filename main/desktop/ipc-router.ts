import { INVOKE, SEND, type InvokeChannel, type SendChannel } from './ipc-contract.ts';
import { isAppUrl } from './window-options.ts';

/** The parts of an Electron IPC event the checks read (IpcMainEvent and IpcMainInvokeEvent fit). */
export interface IpcEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** The parts of Electron's ipcMain the router uses (so tests can pass a recorder). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): void;
  removeAllListeners(channel: string): void;
}

/** Who sent a message, once it passed the checks: the webContents it came from. */
export interface Sender {
  contentsId: number;
}

export type InvokeHandler = (sender: Sender, args: unknown[]) => unknown;
export type SendHandler = (sender: Sender, args: unknown[]) => void;

export interface IpcHandlers {
  invoke: Record<InvokeChannel, InvokeHandler>;
  send: Record<SendChannel, SendHandler>;
}

/**
 * Whether a message may be acted on: it must come from the top frame of a window the shell
 * created, showing a page of Kiwi's own origin. A frame embedded in a page, a window that
 * navigated away (it cannot, but defence in depth), or any other webContents is refused.
 */
export function senderCheck(event: IpcEventLike, isKnownContents: (id: number) => boolean): { ok: true; sender: Sender } | { ok: false; why: string } {
  const frame = event.senderFrame;
  if (!frame) return { ok: false, why: 'the sending frame is gone' };
  if (frame.parent !== null) return { ok: false, why: 'a sub-frame may not talk to Kiwi' };
  if (!isAppUrl(frame.url)) return { ok: false, why: `a page at '${frame.url}' may not talk to Kiwi` };
  if (!isKnownContents(event.sender.id)) return { ok: false, why: 'not a window Kiwi opened' };
  return { ok: true, sender: { contentsId: event.sender.id } };
}

export class ForbiddenSenderError extends Error {
  readonly code = 'forbidden_sender';
}

/**
 * Register every channel of the contract, each behind the sender check. Refused invokes reject
 * (the renderer sees the reason); refused one-way messages are dropped and reported. Returns a
 * function that removes them all again.
 */
export function registerIpc(
  ipc: IpcMainLike,
  handlers: IpcHandlers,
  isKnownContents: (id: number) => boolean,
  onRefused: (channel: string, why: string) => void,
): () => void {
  for (const channel of Object.values(INVOKE)) {
    const handler = handlers.invoke[channel];
    ipc.handle(channel, (event, ...args) => {
      const check = senderCheck(event, isKnownContents);
      if (!check.ok) {
        onRefused(channel, check.why);
        throw new ForbiddenSenderError(check.why);
      }
      return handler(check.sender, args);
    });
  }
  for (const channel of Object.values(SEND)) {
    const handler = handlers.send[channel];
    ipc.on(channel, (event, ...args) => {
      const check = senderCheck(event, isKnownContents);
      if (!check.ok) return onRefused(channel, check.why);
      try {
        handler(check.sender, args);
      } catch (err) {
        // A bad one-way message has nobody to answer to: report it, keep the channel alive.
        onRefused(channel, err instanceof Error ? err.message : String(err));
      }
    });
  }
  return () => {
    for (const channel of Object.values(INVOKE)) ipc.removeHandler(channel);
    for (const channel of Object.values(SEND)) ipc.removeAllListeners(channel);
  };
}
