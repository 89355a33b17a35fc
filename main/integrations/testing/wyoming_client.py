"""Home Assistant's side of Wyoming for Kiwi's tests: the `wyoming` package from PyPI (the client
library HA's Wyoming integration uses) driving Kiwi's Wyoming server the way HA does.

Usage: wyoming_client.py PORT COMMAND [ARGS...]; prints one JSON line with what came back.
  describe
  transcribe RAW_FILE RATE WIDTH CHANNELS LANGUAGE
  synthesize TEXT OUT_FILE
  detect RAW_FILE            (16 kHz, 16-bit, mono)
"""

import asyncio
import json
import sys

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeVoice
from wyoming.wake import Detect, Detection, NotDetected

TIMEOUT = 120


async def read(client):
    event = await asyncio.wait_for(client.read_event(), TIMEOUT)
    if event is None:
        raise RuntimeError("Kiwi closed the connection")
    if Error.is_type(event.type):
        raise RuntimeError("Kiwi answered error: " + json.dumps(event.data))
    return event


async def send_audio(client, raw, rate, width, channels):
    await client.write_event(AudioStart(rate=rate, width=width, channels=channels).event())
    step = 1024 * width * channels
    for at in range(0, len(raw), step):
        await client.write_event(AudioChunk(rate=rate, width=width, channels=channels, audio=raw[at : at + step]).event())
    await client.write_event(AudioStop().event())


async def main(port, command, args):
    async with AsyncTcpClient("127.0.0.1", port) as client:
        if command == "describe":
            await client.write_event(Describe().event())
            while True:
                event = await read(client)
                if Info.is_type(event.type):
                    return Info.from_event(event).to_dict()
        if command == "transcribe":
            path, rate, width, channels, language = args
            with open(path, "rb") as f:
                raw = f.read()
            await client.write_event(Transcribe(language=language).event())
            await send_audio(client, raw, int(rate), int(width), int(channels))
            while True:
                event = await read(client)
                if Transcript.is_type(event.type):
                    return {"text": Transcript.from_event(event).text}
        if command == "synthesize":
            text, out = args
            await client.write_event(Synthesize(text=text, voice=SynthesizeVoice(language="en")).event())
            audio = bytearray()
            fmt = None
            while True:
                event = await read(client)
                if AudioStart.is_type(event.type):
                    start = AudioStart.from_event(event)
                    fmt = {"rate": start.rate, "width": start.width, "channels": start.channels}
                elif AudioChunk.is_type(event.type):
                    audio.extend(AudioChunk.from_event(event).audio)
                elif AudioStop.is_type(event.type):
                    with open(out, "wb") as f:
                        f.write(audio)
                    return {**fmt, "bytes": len(audio)}
        if command == "detect":
            (path,) = args
            with open(path, "rb") as f:
                raw = f.read()
            await client.write_event(Detect().event())
            await send_audio(client, raw, 16000, 2, 1)
            found = []
            while True:
                event = await read(client)
                if Detection.is_type(event.type):
                    found.append(Detection.from_event(event).name)
                elif NotDetected.is_type(event.type):
                    return {"detections": found, "not_detected": True}
                if found:
                    return {"detections": found}
    raise SystemExit("unknown command " + command)


if __name__ == "__main__":
    result = asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3:]))
    print(json.dumps(result))
