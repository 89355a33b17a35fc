import { contextBridge } from 'electron';

/** What the desktop window may know about its shell: no Node, no IPC channels beyond the contract. */
contextBridge.exposeInMainWorld('kiwiDesktop', { isDesktop: true, platform: process.platform });
