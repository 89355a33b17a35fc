/**
 * onnxruntime session option (`extra`) for every model that runs on more than one thread: idle
 * pool threads sleep instead of spin-waiting for the next piece of work. Whisper's and Piper's
 * pools overlap in a turn (the reply is synthesised while the next words are transcribed); on a
 * 2-core machine a spinning pool holds the core the working one needs. Measured in the turns
 * bench (two runs each): the prepared reply's first audio 151–165 ms after the early transcript
 * instead of 177–185, and the early transcript ~15 ms sooner.
 */
export const SLEEPING_THREADS = { session: { intra_op: { allow_spinning: '0' } } };
