/** How much harm a command could do if the wrong person got it carried out. */
export const SEVERITIES = ['safe', 'warning', 'dangerous', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

export const higher = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);
