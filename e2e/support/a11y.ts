import type { CDPSession, Page } from 'playwright-core';

/** Roles a screen reader announces by their name: without one, a user hears only "button", "edit text", "table". */
const NEEDS_NAME = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton', 'progressbar', 'meter', 'table', 'grid', 'tab', 'menuitem']);

/** What these checks read of a node of Chromium's accessibility tree. */
type AXNode = { ignored: boolean; role?: { value?: unknown }; name?: { value?: unknown }; backendDOMNodeId?: number };

/** The page's accessibility tree as Chromium computes it for screen readers (through the DevTools protocol), nodes a screen reader skips left out. */
async function withAccessibilityTree<T>(page: Page, use: (nodes: AXNode[], cdp: CDPSession) => Promise<T>): Promise<T> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Accessibility.enable');
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return await use(
      nodes.filter((n) => !n.ignored),
      cdp,
    );
  } finally {
    await cdp.detach();
  }
}

const nameOf = (n: AXNode) => String(n.name?.value ?? '').trim();

/**
 * The controls (and tables) on the page that have no accessible name: a by-hand axe rule
 * "every control has a name". Each is given as its role and the start of its HTML, to find it.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  return withAccessibilityTree(page, async (nodes, cdp) => {
    const unnamed = nodes.filter((n) => NEEDS_NAME.has(String(n.role?.value)) && !nameOf(n) && n.backendDOMNodeId !== undefined);
    const found: string[] = [];
    for (const n of unnamed) {
      const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: n.backendDOMNodeId });
      const html = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId!, functionDeclaration: 'function () { return this.outerHTML.slice(0, 160); }', returnByValue: true });
      found.push(`${String(n.role?.value)}: ${String(html.result.value)}`);
    }
    return found;
  });
}

/**
 * The names that more than one button on the page has ("Approve" on every card): a screen-reader
 * user listing the buttons, or tabbing through them, cannot tell which item each one acts on.
 */
export async function sameNamedButtons(page: Page): Promise<string[]> {
  return withAccessibilityTree(page, async (nodes) => {
    const counts = new Map<string, number>();
    for (const n of nodes) if (n.role?.value === 'button' && nameOf(n)) counts.set(nameOf(n), (counts.get(nameOf(n)) ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1).map(([name, count]) => `${name} (${count} times)`);
  });
}
