/**
 * Kiwi's one audio format inside the engine and on /api/audio by default: mono PCM at 16 kHz.
 * Every model, the audio hub, the voice loop and the dashboard's microphone use this constant.
 */
export const SAMPLE_RATE = 16000;

/** A sound device of the headless server (`pulse:<source or sink>`, `alsa:<pcm>`): GET /api/audio/devices lists them, config audio.input/output take them. */
export const AUDIO_DEVICE_ID = /^(pulse|alsa):[A-Za-z0-9._:=,@+-]{1,255}$/;
