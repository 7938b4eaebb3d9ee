import subprocess
import sys

import timbrel


def test_public_names_are_pinned():
    assert sorted(timbrel.__all__) == sorted([
        "AudioChunk", "SynthesisConfig", "Voice", "VoiceLibrary", "enroll", "synthesize",
        "synthesize_to_array", "synthesize_to_file",
    ])


def test_import_has_no_heavy_side_effects():
    code = ("import sys, logging, timbrel; "
            "heavy = [m for m in ('torch', 'onnxruntime', 'faster_whisper', 'resemblyzer') "
            "if m in sys.modules]; "
            "assert not heavy, heavy; assert not logging.getLogger().handlers")
    subprocess.run([sys.executable, "-c", code], check=True)
