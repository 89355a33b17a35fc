/**
 * Kiwi's one audio format inside the engine and on /api/audio by default: mono PCM at 16 kHz.
 * Every model, the audio hub, the voice loop and the dashboard's microphone use this constant.
 */
export const SAMPLE_RATE = 16000;
