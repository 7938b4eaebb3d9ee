"""timbrel: offline zero-shot voice-cloning text-to-speech on an ordinary CPU.

    import timbrel
    voice = timbrel.enroll("mom.wav")
    timbrel.synthesize_to_file("Dinner is ready.", voice, "out.wav")
"""

__version__ = "0.1.0"

from .audio import AudioChunk  # noqa: E402
from .controls import SynthesisConfig  # noqa: E402
from .enrollment import enroll  # noqa: E402
from .library import VoiceLibrary  # noqa: E402
from .render import synthesize, synthesize_to_array, synthesize_to_file  # noqa: E402
from .voice import Voice  # noqa: E402

__all__ = [
    "AudioChunk",
    "SynthesisConfig",
    "Voice",
    "VoiceLibrary",
    "enroll",
    "synthesize",
    "synthesize_to_array",
    "synthesize_to_file",
]
