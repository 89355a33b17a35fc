import type { Severity } from './severity.ts';

/**
 * The rules the classifier knows, with their severity. Locale files (resources/locales/<lang>/
 * security.json) only say how each rule is phrased; the severity lives here, once, so no
 * translation can make unlocking a door less serious in one language than in another.
 *
 * - critical: physical security, money, or data that cannot come back (doors, alarm, garage,
 *   transfers, wiping a disk).
 * - dangerous: costly or disruptive but recoverable (purchases, shutting a computer down, running
 *   commands, deleting files, cameras off, passwords).
 * - warning: privacy or mild side effects, or an ambiguous phrase that is sometimes serious
 *   ("turn off the alarm" is usually the alarm clock).
 */
export const RULES = {
  unlock_door: 'critical',
  disarm_alarm: 'critical',
  open_garage: 'critical',
  transfer_money: 'critical',
  wipe_data: 'critical',
  purchase: 'dangerous',
  system_power: 'dangerous',
  run_command: 'dangerous',
  delete_files: 'dangerous',
  cameras_off: 'dangerous',
  reveal_secret: 'dangerous',
  change_password: 'dangerous',
  install_software: 'dangerous',
  disable_protection: 'dangerous',
  alarm_off: 'warning',
  send_message: 'warning',
  read_private: 'warning',
  social_post: 'warning',
  change_settings: 'warning',
  prompt_injection: 'warning',
} as const satisfies Record<string, Exclude<Severity, 'safe'>>;
export type RuleId = keyof typeof RULES;
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export interface UniversalRule {
  id: string;
  severity: Exclude<Severity, 'safe'>;
  /** Matched against the text lower-cased (NFKC), punctuation kept: these are shell and SQL tokens. */
  regex: RegExp;
}

/**
 * Rules that read the same in every language: shell, SQL and disk commands. They mostly arrive
 * typed (POST /api/chat) or pasted, rarely spoken, and they are what an LLM agent with tools
 * would actually execute, so they are matched on the raw text, punctuation included.
 */
export const UNIVERSAL_RULES: readonly UniversalRule[] = [
  { id: 'shell_rm_recursive', severity: 'critical', regex: /(?:^|[^\w.-])rm\s+(?:-{1,2}[a-z-]+\s+)*-[a-z]*(?:r[a-z]*f|f[a-z]*r)[a-z]*\b/u },
  { id: 'shell_rm_root', severity: 'critical', regex: /(?:^|[^\w.-])rm\s+(?:-[a-z]+\s+)+(?:\/|~|\*|\/\*)(?:\s|$)/u },
  { id: 'disk_format', severity: 'critical', regex: /\bmkfs(?:\.[a-z0-9]+)?\b|\bformat\s+[a-z]:|\bdd\s+if=|\bdiskpart\b|\bwipefs\b|\bshred\s+-/u },
  { id: 'fork_bomb', severity: 'critical', regex: /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:/u },
  { id: 'pipe_to_shell', severity: 'critical', regex: /\b(?:curl|wget|iwr|invoke-webrequest)\b[^|\n]*\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b|\biex\s*\(/u },
  { id: 'sql_destroy', severity: 'critical', regex: /\bdrop\s+(?:table|database|schema)\b|\btruncate\s+table\b|\bdelete\s+from\s+\w+\s*(?:;|$)/u },
  { id: 'windows_delete', severity: 'critical', regex: /\b(?:del|erase)\s+\/[sqf]\b|\brd\s+\/s\b|\bremove-item\b[^\n]*-recurse/u },
  { id: 'sudo', severity: 'dangerous', regex: /\bsudo\s+\S|\bsu\s+-\s*$|\brunas\s+\/user/u },
  { id: 'shell_power', severity: 'dangerous', regex: /\b(?:shutdown|poweroff|halt|reboot)(?:\.exe)?\s+(?:-|\/|now\b)|\bsystemctl\s+(?:poweroff|reboot|halt|stop|disable)\b|\bstop-computer\b|\brestart-computer\b/u },
  { id: 'chmod_open', severity: 'dangerous', regex: /\bchmod\s+(?:-r\s+)?[0-7]?777\b|\bchown\s+-r\b/u },
  { id: 'kill_processes', severity: 'dangerous', regex: /\bkillall\b|\bpkill\b|\bkill\s+-9\b|\btaskkill\b/u },
];
