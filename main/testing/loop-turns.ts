/**
 * How many times the event loop turned while `work` ran: heavy inference on the loop lets it turn
 * only between calls, on a worker thread it turns freely.
 */
export async function loopTurnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let spinning = true;
  const spin = () => {
    turns += 1;
    if (spinning) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    await work();
  } finally {
    spinning = false;
  }
  return turns;
}
