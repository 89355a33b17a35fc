export { HISTORY_KEEP, TurnHistory, seesTurn, type HistoryViewer } from './turn-history.ts';
export { sqliteTurns, TURNS_MIGRATION, type TurnStore } from './sqlite-turns.ts';
