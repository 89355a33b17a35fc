import path from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import { trayIconName, trayMenuTemplate, trayStatusLine, trayUpdater, type TrayActions, type TrayState } from './tray-model.ts';

export interface KiwiTray {
  refresh(): void;
  onEvent(name: string): void;
  destroy(): void;
}

/** The tray icon: its picture, tooltip and menu follow Kiwi's state (built by tray-model.ts). */
export function createTray(iconDir: string, readState: () => TrayState, actions: TrayActions): KiwiTray {
  const image = (name: string) => nativeImage.createFromPath(path.join(iconDir, `${name}.png`));
  let state = readState();
  let shownIcon = trayIconName(state);
  const tray = new Tray(image(shownIcon));
  const render = () => {
    state = readState();
    const icon = trayIconName(state);
    if (icon !== shownIcon) tray.setImage(image((shownIcon = icon)));
    tray.setToolTip(trayStatusLine(state));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, actions)));
  };
  render();
  tray.on('click', () => actions.openDashboard());
  const updater = trayUpdater(render);
  return {
    refresh: updater.flush,
    onEvent: updater.onEvent,
    destroy() {
      updater.dispose();
      tray.destroy();
    },
  };
}
