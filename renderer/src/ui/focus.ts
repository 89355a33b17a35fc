/** The focus was dropped to the page (its element removed or disabled), not moved on by the user. */
export const focusLost = () => document.activeElement === null || document.activeElement === document.body;

/** Still on the page and enabled: the focus can go back to it. */
export const focusable = (el: HTMLElement | null | undefined): el is HTMLElement => !!el && el.isConnected && !el.matches(':disabled');
