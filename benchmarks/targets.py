"""Target voices for the cloning benchmarks: synthetic voices and real human recordings.

Every target has a 5-8 s *reference* (the only audio enrollment sees) and held-out
*truth* clips of the same voice that never overlap the reference:

- synthetic targets (flite, festival, espeak-ng) speak a fixed reference text and the
  held-out sentences themselves, so their truth clips say exactly the benchmark texts;
- human targets (Asterisk "Allison", codec2-examples speakers) are cut from real
  recordings: the reference is one stretch, the truth clips are other prompts or later
  stretches of the same recording (>= 2 s each). What they say is not the benchmark text.

Synthetic clips are cached under ``benchmarks/results/cache/`` (keyed by voice and text);
human splits are written there too, for listening. Everything is deterministic.

    from targets import build_targets, HELD_OUT_TEXTS
    targets = build_targets(kinds=("synthetic", "human"), quick=False)
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from timbrel.audio import load_audio, resample, save_audio

HERE = Path(__file__).resolve().parent
CACHE = HERE / "results" / "cache"

# Harvard-style sentences, no digits. The reference text and the held-out texts share
# no sentence, so nothing a target says in its reference is asked of it later.
REFERENCE_SENTENCES = (
    "The boy was there when the sun rose.",
    "A rod is used to catch pink salmon.",
    "The source of the huge river is the clear spring.",
    "Kick the ball straight and follow through.",
)
HELD_OUT_TEXTS = (
    "The small pup gnawed a hole in the sock.",
    "The fish twisted and turned on the bent hook.",
    "Press the pants and sew a button on the vest.",
    "The swan dive was far short of perfect.",
    "The beauty of the view stunned the young boy.",
    "Her purse was full of useless trash.",
    "The wide road shimmered in the hot sun.",
    "The lazy cow lay in the cool grass.",
    "Smoky fires lack flame and heat.",
    "The soft cushion broke the man's fall.",
    # Thirty more (Harvard lists 3-7), added because ten sentences left the WER cost's
    # 95 % interval at -1.0 ... +7.7 points, too wide to test a +2 point goal.
    "Two blue fish swam in the tank.",
    "The colt reared and threw the tall rider.",
    "It snowed, rained, and hailed the same morning.",
    "Read verse out loud for pleasure.",
    "Note closely the size of the gas tank.",
    "Wipe the grease off his dirty face.",
    "Mend the coat before you go out.",
    "The wrist was badly strained and hung limp.",
    "The stray cat gave birth to kittens.",
    "The young girl gave no clear response.",
    "What joy there is in living.",
    "A king ruled the state in the early days.",
    "Lift the square stone over the fence.",
    "The rope will bind the seven books at once.",
    "Hop over the fence and plunge in.",
    "The friendly gang left the drug store.",
    "Mesh wire keeps chicks inside.",
    "The frosty air passed through the coat.",
    "The crooked maze failed to fool the mouse.",
    "Adding fast leads to wrong sums.",
    "The show was a flop from the very start.",
    "A saw is a tool used for making boards.",
    "The wagon moved on well oiled wheels.",
    "March the soldiers past the next hill.",
    "A cup of sugar makes sweet fudge.",
    "Place a rosebush near the porch steps.",
    "Both lost their lives in the raging storm.",
    "We talked of the side show in the circus.",
    "Use a pencil to write the first draft.",
    "He ran half way to the hardware store.",
)
REFERENCE_SECONDS = (5.0, 8.0)
SENTENCE_GAP = 0.3
MIN_TRUTH_SECONDS = 2.0


@dataclass
class Target:
    """One voice to clone: its reference and its held-out truth audio."""

    name: str
    kind: str  # "synthetic" | "human"
    sex: str  # "f" | "m"
    description: str
    reference: np.ndarray
    reference_rate: int
    reference_text: str | None  # known text of the reference (None: unknown)
    truth: list[np.ndarray]  # held-out truth clips (at truth_rate)
    truth_rate: int
    truth_texts: list[str | None]  # what each truth clip says, when known
    notes: list[str] = field(default_factory=list)
    spans: dict = field(default_factory=dict)  # where reference/truth came from

    @property
    def reference_seconds(self) -> float:
        return len(self.reference) / self.reference_rate

    @property
    def narrowband(self) -> bool:
        return self.truth_rate <= 8000

    def summary(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "sex": self.sex,
            "description": self.description,
            "reference_seconds": round(self.reference_seconds, 2),
            "reference_rate": self.reference_rate,
            "reference_text": self.reference_text,
            "truth_seconds": [round(len(t) / self.truth_rate, 2) for t in self.truth],
            "truth_rate": self.truth_rate,
            "truth_texts": self.truth_texts,
            "spans": self.spans,
            "notes": self.notes,
        }


# ----------------------------------------------------------------------------- synthetic

@dataclass(frozen=True)
class SyntheticVoice:
    name: str
    sex: str
    tool: str  # "flite" | "festival" | "espeak-ng"
    voice: str  # the tool's own voice name
    description: str
    lowpass_hz: float | None = None  # dev variants: band-limit the tool's output here


SYNTHETIC_VOICES = (
    SyntheticVoice("flite-slt", "f", "flite", "slt", "flite cmu_us_slt (US female, clustergen)"),
    SyntheticVoice("flite-rms", "m", "flite", "rms", "flite cmu_us_rms (US male, clustergen)"),
    SyntheticVoice("flite-awb", "m", "flite", "awb", "flite cmu_us_awb (Scottish male)"),
    SyntheticVoice("flite-kal", "m", "flite", "kal16",
                   "flite cmu_us_kal16 (US male diphone; 'kal' itself is 8 kHz)"),
    SyntheticVoice("festival-kal", "m", "festival", "voice_kal_diphone",
                   "festival festvox-kallpc16k (US male diphone, LPC)"),
    SyntheticVoice("festival-slt-hts", "f", "festival", "voice_cmu_us_slt_arctic_hts",
                   "festival festvox-us-slt-hts (US female, HTS)"),
    SyntheticVoice("festival-ked", "m", "festival", "voice_ked_diphone",
                   "festival festvox-kdlpc16k (US male diphone, LPC)"),
    SyntheticVoice("espeak-f3", "f", "espeak-ng", "en-us+f3",
                   "espeak-ng en-us+f3 (formant, female)"),
    SyntheticVoice("espeak-f4", "f", "espeak-ng", "en+f4",
                   "espeak-ng en+f4 (formant, female, British)"),
    SyntheticVoice("espeak-m3", "m", "espeak-ng", "en-us+m3", "espeak-ng en-us+m3 (formant, male)"),
)
QUICK_SYNTHETIC = ("flite-slt", "flite-rms", "festival-kal", "espeak-f3")
SKIPPED_SYNTHETIC = {
    "hibari-heart": "the heart engine's own source voice (hibari-tts is now a timbrel "
                    "dependency), so not a target: adding it now would also change the "
                    "reported set's averages",
}


def _tool_command(voice: SyntheticVoice, text: str, out: Path) -> tuple[list[str], str | None]:
    if voice.tool == "flite":
        return ["flite", "-voice", voice.voice, "-t", text, "-o", str(out)], None
    if voice.tool == "festival":
        return ["text2wave", "-eval", f"({voice.voice})", "-o", str(out)], text
    if voice.tool == "espeak-ng":
        return ["espeak-ng", "-v", voice.voice, "-w", str(out), text], None
    raise ValueError(f"unknown tool {voice.tool}")


def speak(voice: SyntheticVoice, text: str) -> tuple[np.ndarray, int]:
    """The synthetic voice saying `text` (cached wav), silence trimmed."""
    band = f"|lowpass{voice.lowpass_hz:.0f}" if voice.lowpass_hz else ""
    key = hashlib.sha1(f"{voice.tool}|{voice.voice}{band}|{text}".encode()).hexdigest()[:12]
    path = CACHE / "synthetic" / voice.name / f"{key}.wav"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.wav"
            command, stdin = _tool_command(voice, text, out)
            if shutil.which(command[0]) is None:
                raise RuntimeError(f"{command[0]} is not installed (needed for {voice.name})")
            subprocess.run(command, input=stdin, text=True, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples, rate = load_audio(out)
            if voice.lowpass_hz:
                samples = lowpass(samples, rate, voice.lowpass_hz)
            save_audio(path, trim_silence(samples, rate), rate)
    return load_audio(path)


def lowpass(samples: np.ndarray, rate: int, cutoff_hz: float) -> np.ndarray:
    """A steep zero-phase low-pass (a telephone-like channel for dev variants)."""
    from scipy.signal import butter, sosfiltfilt

    sos = butter(10, cutoff_hz, btype="low", fs=rate, output="sos")
    return sosfiltfilt(sos, samples).astype(np.float32)


def synthetic_target(voice: SyntheticVoice, held_out: tuple[str, ...],
                     reference_sentences: tuple[str, ...] = REFERENCE_SENTENCES) -> Target:
    pieces, rate, used = [], None, []
    for sentence in reference_sentences:
        samples, rate = speak(voice, sentence)
        candidate = sum(len(p) for p in pieces) / rate + len(samples) / rate + (
            SENTENCE_GAP if pieces else 0.0)
        if pieces and candidate > REFERENCE_SECONDS[1]:
            continue  # too long with this sentence: try a later, shorter one
        if pieces:
            pieces.append(np.zeros(int(SENTENCE_GAP * rate), np.float32))
        pieces.append(samples)
        used.append(sentence)
        if candidate >= REFERENCE_SECONDS[0] + 1.0:
            break
    reference = np.concatenate(pieces)
    notes = []
    seconds = len(reference) / rate
    if not REFERENCE_SECONDS[0] <= seconds <= REFERENCE_SECONDS[1]:
        notes.append(f"reference is {seconds:.1f} s, outside 5-8 s")
    truth, truth_rate = [], rate
    for text in held_out:
        samples, truth_rate = speak(voice, text)
        truth.append(samples)
    return Target(
        name=voice.name, kind="synthetic", sex=voice.sex, description=voice.description,
        reference=reference, reference_rate=rate, reference_text=" ".join(used),
        truth=truth, truth_rate=truth_rate, truth_texts=list(held_out), notes=notes,
        spans={"reference_sentences": used},
    )


# ----------------------------------------------------------------------------- human

ALLISON_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
# The reference: two prompts (their words as the file names suggest, roughly).
ALLISON_REFERENCE = ("demo-thanks", "vm-goodbye")
# Held-out prompts, each >= 2 s of speech, never used in the reference.
ALLISON_HELD_OUT = ("tt-weasels", "pls-hold-while-try", "please-try-call-later",
                    "unidentified-no-callback", "vm-mailboxfull", "priv-introsaved")
# A 10 s clip for timing enrollment of a longer reference.
ALLISON_TEN_SECONDS = "demo-nogo"

CODEC2 = Path("/usr/share/codec2")


@dataclass(frozen=True)
class Codec2Speaker:
    name: str
    sex: str
    path: str
    description: str
    reference_cut: float  # aim for the reference to end near this time (s)
    truth_seconds: float  # aim for held-out pieces of about this length
    max_truth: int
    gap_search: float = 0.6  # look this far either side of an aimed cut for a pause


CODEC2_SPEAKERS = (
    Codec2Speaker("codec2-ve9qrp", "m", "wav/ve9qrp.wav",
                  "codec2-examples ve9qrp.wav: male radio amateur, 8 kHz (telephone band)",
                  reference_cut=6.8, truth_seconds=3.0, max_truth=6),
    Codec2Speaker("codec2-vk5qi", "m", "wav/vk5qi.wav",
                  "codec2-examples vk5qi.wav: male radio amateur, 8 kHz, noisy",
                  reference_cut=6.8, truth_seconds=3.0, max_truth=2),
)
QUICK_HUMAN = ("allison", "codec2-ve9qrp")
SKIPPED_HUMAN = {
    "codec2 speech_orig_16k.wav": "not one speaker: its four Harvard sentences alternate a "
                                  "male (sentences 1 and 3, F0 ~120 Hz) and a female voice "
                                  "(2 and 4, ~229 Hz); GE2E 0.84 within, 0.47-0.62 across. "
                                  "Each speaker has only ~5 s",
    "codec2 hts.raw / hts1 / hts2": "four speakers with two ~2.3 s sentences each: too little "
                                    "audio for a 5-8 s reference plus held-out clips",
    "codec2 cq_ref.raw": "9 s: after a 5 s reference only one held-out stretch is >= 2 s",
    "codec2 kristoff, g3plx, mmt1, cross, big_dog": "shorter than 6 s",
    "codec2 david4, vk2tpm_004, 700d_end_over": "modem/digital-voice signals, no plain speech",
    "codec2 all.wav": "a concatenation of the other examples",
}


def decode_g722(path: Path) -> tuple[np.ndarray, int]:
    """Asterisk .g722 prompts are true 16 kHz G.722; PyAV decodes them."""
    import av

    frames = []
    with av.open(str(path), format="g722") as container:
        stream = container.streams.audio[0]
        rate = int(stream.rate)
        for frame in container.decode(stream):
            data = frame.to_ndarray().reshape(-1)
            if data.dtype == np.int16:
                data = data.astype(np.float32) / 32768.0
            frames.append(data.astype(np.float32))
    return np.concatenate(frames), rate


def load_codec2(relative: str) -> tuple[np.ndarray, int]:
    path = CODEC2 / relative
    if path.suffix == ".raw":  # 8 kHz signed 16-bit mono
        return np.fromfile(path, "<i2").astype(np.float32) / 32768.0, 8000
    return load_audio(path)


def frame_energy_db(samples: np.ndarray, rate: int, hop_seconds: float = 0.02) -> np.ndarray:
    hop = int(hop_seconds * rate)
    count = len(samples) // hop
    frames = samples[: count * hop].reshape(count, hop).astype(np.float64)
    return 10.0 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def trim_silence(samples: np.ndarray, rate: int, floor_db: float = 40.0,
                 pad: float = 0.05) -> np.ndarray:
    energy = frame_energy_db(samples, rate)
    active = np.flatnonzero(energy > energy.max() - floor_db)
    if len(active) == 0:
        return samples
    hop = int(0.02 * rate)
    start = max(0, active[0] * hop - int(pad * rate))
    end = min(len(samples), (active[-1] + 1) * hop + int(pad * rate))
    return samples[start:end].astype(np.float32)


def quietest_cut(energy: np.ndarray, aim: float, search: float, lo: float, hi: float,
                 hop_seconds: float = 0.02) -> float:
    """The time of the quietest 100 ms near `aim` (within lo..hi): a pause to cut at."""
    smooth = np.convolve(energy, np.ones(5) / 5, mode="same")
    a = max(int(max(aim - search, lo) / hop_seconds), 0)
    b = min(int(min(aim + search, hi) / hop_seconds), len(smooth) - 1)
    if b <= a:
        return aim
    return (a + int(np.argmin(smooth[a:b + 1]))) * hop_seconds


def split_recording(samples: np.ndarray, rate: int, speaker: Codec2Speaker
                    ) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    """Reference span and non-overlapping held-out spans, cut at pauses."""
    energy = frame_energy_db(samples, rate)
    duration = len(samples) / rate
    active = np.flatnonzero(energy > energy.max() - 40.0)
    start = max(0.0, active[0] * 0.02 - 0.05)
    ref_end = quietest_cut(energy, start + speaker.reference_cut, speaker.gap_search,
                           start + REFERENCE_SECONDS[0], start + REFERENCE_SECONDS[1])
    spans, cursor = [], ref_end
    while len(spans) < speaker.max_truth:
        if duration - cursor < MIN_TRUTH_SECONDS:
            break
        aim = cursor + speaker.truth_seconds
        if duration - aim < MIN_TRUTH_SECONDS:  # the rest is too short to be its own piece
            end = duration
        else:
            end = quietest_cut(energy, aim, speaker.gap_search,
                               cursor + MIN_TRUTH_SECONDS, duration)
        piece = trim_silence(samples[int(cursor * rate):int(end * rate)], rate)
        if len(piece) / rate >= MIN_TRUTH_SECONDS:
            spans.append((cursor, end))
        cursor = end
    return (start, ref_end), spans


def codec2_target(speaker: Codec2Speaker) -> Target:
    samples, rate = load_codec2(speaker.path)
    (ref_start, ref_end), spans = split_recording(samples, rate, speaker)
    reference = samples[int(ref_start * rate):int(ref_end * rate)]
    truth = [trim_silence(samples[int(a * rate):int(b * rate)], rate) for a, b in spans]
    notes = []
    if len(truth) < 2:
        notes.append("fewer than 2 held-out clips: no same-voice ceiling")
    target = Target(
        name=speaker.name, kind="human", sex=speaker.sex, description=speaker.description,
        reference=reference, reference_rate=rate, reference_text=None,
        truth=truth, truth_rate=rate, truth_texts=[None] * len(truth), notes=notes,
        spans={"file": str(CODEC2 / speaker.path),
               "reference": [round(ref_start, 2), round(ref_end, 2)],
               "truth": [[round(a, 2), round(b, 2)] for a, b in spans]},
    )
    _write_split(target)
    return target


def allison_target(max_truth: int, name: str = "allison",
                   reference_prompts: tuple[str, ...] = ALLISON_REFERENCE,
                   held_out_prompts: tuple[str, ...] = ALLISON_HELD_OUT) -> Target:
    def prompt(name: str) -> tuple[np.ndarray, int]:
        samples, rate = decode_g722(ALLISON_DIR / f"{name}.g722")
        return trim_silence(samples, rate), rate

    pieces, rate = [], 16000
    for index, prompt_name in enumerate(reference_prompts):
        samples, rate = prompt(prompt_name)
        if index:
            pieces.append(np.zeros(int(SENTENCE_GAP * rate), np.float32))
        pieces.append(samples)
    reference = np.concatenate(pieces)
    truth = []
    used = []
    for prompt_name in held_out_prompts:
        samples, rate = prompt(prompt_name)
        if len(samples) / rate >= MIN_TRUTH_SECONDS:
            truth.append(samples)
            used.append(prompt_name)
        if len(truth) == max_truth:
            break
    target = Target(
        name=name, kind="human", sex="f",
        description="Asterisk en_US_f_Allison prompts (G.722, true 16 kHz wideband), "
                    "professional IVR voice",
        reference=reference, reference_rate=rate, reference_text=None,
        truth=truth, truth_rate=rate, truth_texts=[None] * len(truth),
        spans={"reference_prompts": list(reference_prompts), "truth_prompts": used},
    )
    _write_split(target)
    return target


ALSA_DIR = Path("/usr/share/sounds/alsa")
ALSA_REFERENCE = ("Front_Center", "Front_Left", "Front_Right", "Rear_Center")
ALSA_HELD_OUT = (("Rear_Left", "Rear_Right"), ("Side_Left", "Side_Right"))


def alsa_target() -> Target:
    """alsa-utils' speaker-test voice: 1.4 s prompts ("Front Left" ...), 48 kHz wideband.

    Too short one by one, so the reference joins four prompts and each held-out clip two.
    """
    def joined(names: tuple[str, ...]) -> tuple[np.ndarray, int]:
        pieces, rate = [], 48000
        for index, name in enumerate(names):
            samples, rate = load_audio(ALSA_DIR / f"{name}.wav")
            if index:
                pieces.append(np.zeros(int(SENTENCE_GAP * rate), np.float32))
            pieces.append(trim_silence(samples, rate))
        return np.concatenate(pieces), rate

    reference, rate = joined(ALSA_REFERENCE)
    truth = [joined(pair)[0] for pair in ALSA_HELD_OUT]
    target = Target(
        name="alsa", kind="human", sex="f",
        description="alsa-utils speaker-test prompts (female, 48 kHz): eight 1.4 s two-word "
                    "prompts; reference = four joined, each truth clip = two joined",
        reference=reference, reference_rate=rate, reference_text=None,
        truth=truth, truth_rate=rate, truth_texts=[None] * len(truth),
        notes=["reference holds only eight words (poor phonetic coverage)"],
        spans={"reference_prompts": list(ALSA_REFERENCE),
               "truth_prompts": [list(p) for p in ALSA_HELD_OUT]},
    )
    _write_split(target)
    return target


def allison_ten_seconds() -> tuple[np.ndarray, int]:
    """A 10.0 s stretch of real speech (one long Allison prompt), for enrollment timing."""
    samples, rate = decode_g722(ALLISON_DIR / f"{ALLISON_TEN_SECONDS}.g722")
    samples = trim_silence(samples, rate)
    return samples[: 10 * rate], rate


def _write_split(target: Target) -> None:
    folder = CACHE / "human" / target.name
    folder.mkdir(parents=True, exist_ok=True)
    save_audio(folder / "reference.wav", target.reference, target.reference_rate)
    for index, clip in enumerate(target.truth):
        save_audio(folder / f"truth{index}.wav", clip, target.truth_rate)


# ----------------------------------------------------------------------------- dev set

# For tuning only (`cloning.py --dev`): voices, speakers' clips and sentences that appear
# nowhere in the reported set above, so tuning on them cannot fit the reported numbers.
# (Not flite `kal`: it is the speaker of the reported flite kal16 and festival kal.)
DEV_REFERENCE_SENTENCES = (
    "The stale smell of old beer lingers.",
    "It takes heat to bring out the odor.",
    "A cold dip restores health and zest.",
    "The salt breeze came across from the sea.",
)
DEV_HELD_OUT_TEXTS = (
    "The girl at the booth sold fifty bonds.",
    "The horn of the car woke the sleeping cop.",
    "Open the crate but don't break the glass.",
    "The meal was cooked before the bell rang.",
    "A pot of tea helps to pass the evening.",
    "The dune rose from the edge of the water.",
    "Hoist the load to your left shoulder.",
    "Take the winding path to reach the lake.",
    # Sixteen more (Harvard lists 8-10), so a one-point WER change on the dev set is
    # more than its noise.
    "A yacht slid around the point into the bay.",
    "The two met while playing on the sand.",
    "The ink stain dried on the finished page.",
    "The walled town was seized without a fight.",
    "A tame squirrel makes a nice pet.",
    "The heart beat strongly and with firm strokes.",
    "The pearl was worn in a thin silver ring.",
    "The fruit peel was cut in thick slices.",
    "See the cat glaring at the scared mouse.",
    "The hat brim was wide and too droopy.",
    "The lawyer tried to lose his case.",
    "The grass curled around the fence post.",
    "Cut the pie into large parts.",
    "Men strive but seldom get rich.",
    "Always close the barn door tight.",
    "He lay prone and hardly moved a limb.",
)
DEV_SYNTHETIC_VOICES = (
    SyntheticVoice("dev-espeak-m1", "m", "espeak-ng", "en-us+m1", "espeak-ng en-us+m1"),
    SyntheticVoice("dev-espeak-f2", "f", "espeak-ng", "en-us+f2", "espeak-ng en-us+f2"),
    SyntheticVoice("dev-espeak-gb-m4", "m", "espeak-ng", "en-gb+m4", "espeak-ng en-gb+m4"),
    SyntheticVoice("dev-espeak-f5", "f", "espeak-ng", "en-us+f5", "espeak-ng en-us+f5"),
    SyntheticVoice("dev-espeak-klatt", "m", "espeak-ng", "en-us+klatt",
                   "espeak-ng en-us+klatt (Klatt synthesiser)"),
    SyntheticVoice("dev-espeak-scot-4k", "m", "espeak-ng", "en-gb-scotland+m6",
                   "espeak-ng en-gb-scotland+m6 low-passed at 3.8 kHz (telephone band)",
                   lowpass_hz=3800.0),
    SyntheticVoice("dev-espeak-m2-5k", "m", "espeak-ng", "en-us+m2",
                   "espeak-ng en-us+m2 low-passed at 5 kHz (narrowband like flite awb)",
                   lowpass_hz=5000.0),
    SyntheticVoice("dev-espeak-f1-5k", "f", "espeak-ng", "en-gb+f1",
                   "espeak-ng en-gb+f1 low-passed at 5 kHz", lowpass_hz=5000.0),
)
DEV_ALLISON = (  # (name, reference prompts, held-out prompts): none used by the reported set
    ("dev-allison-a", ("vm-intro",),
     ("something-terribly-wrong", "vm-nobodyavail", "vm-tempgreeting", "tt-somethingwrong",
      "call-fwd-no-ans")),
    ("dev-allison-b", ("vm-newuser",),
     ("privacy-prompt", "vm-rec-busy", "vm-reachoper", "dir-instr")),
)


def build_dev_targets(kinds: tuple[str, ...] = ("synthetic", "human")) -> list[Target]:
    """The tuning set: disjoint from `build_targets` in voices, clips and sentences."""
    _ensure_cache()
    targets: list[Target] = []
    if "synthetic" in kinds:
        targets += [synthetic_target(v, DEV_HELD_OUT_TEXTS, DEV_REFERENCE_SENTENCES)
                    for v in DEV_SYNTHETIC_VOICES]
    if "human" in kinds:
        targets += [allison_target(5, name, ref, held) for name, ref, held in DEV_ALLISON]
    return targets


# ----------------------------------------------------------------------------- all

def _ensure_cache() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    ignore = CACHE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")


def build_targets(kinds: tuple[str, ...] = ("synthetic", "human"), quick: bool = False,
                  held_out: tuple[str, ...] | None = None) -> list[Target]:
    """Every target of the requested kinds (a smaller set with `quick`)."""
    _ensure_cache()
    texts = held_out or (HELD_OUT_TEXTS[:3] if quick else HELD_OUT_TEXTS)
    targets: list[Target] = []
    if "synthetic" in kinds:
        for voice in SYNTHETIC_VOICES:
            if quick and voice.name not in QUICK_SYNTHETIC:
                continue
            targets.append(synthetic_target(voice, texts))
    if "human" in kinds:
        max_truth = 3 if quick else 5
        targets.append(allison_target(max_truth))
        for speaker in CODEC2_SPEAKERS:
            if quick and speaker.name not in QUICK_HUMAN:
                continue
            speaker = Codec2Speaker(**{**speaker.__dict__,
                                       "max_truth": min(speaker.max_truth, max_truth)})
            targets.append(codec2_target(speaker))
        if not quick:
            targets.append(alsa_target())
    return targets


def skipped() -> dict[str, str]:
    return {**SKIPPED_SYNTHETIC, **SKIPPED_HUMAN}


def to_rate(samples: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    return resample(samples, rate, new_rate)


if __name__ == "__main__":  # list the targets
    import json

    for target in build_targets():
        print(json.dumps(target.summary(), indent=1))
