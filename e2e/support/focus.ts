/**
 * A script for `page.evaluate`: what has the keyboard focus, as a test reads it: its aria-label,
 * else its text, else its value, else its tag (BODY when the focus was dropped to the page).
 */
export const focused = `(() => { const el = document.activeElement; return el ? (el.getAttribute('aria-label') || el.textContent || el.value || el.tagName).trim().slice(0, 80) : null; })()`;
