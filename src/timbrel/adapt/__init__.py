"""Fine-tuning the bundled Piper VITS voice on a speaker's own audio (issue #7, part 2).

- `vits_model`: the trainable PyTorch copy of the joe voice, weights from its ONNX file;
- `alignment`: monotonic alignment search (pure NumPy; piper's needs a compiled extension);
- `spectra`: linear and mel spectrograms exactly as VITS training computes them;
- `dataset`: a speaker's clips cut, transcribed and phonemised into training items;
- `posterior`: warm-up of the posterior encoder on joe's own speech, cached;
- `trainable_parts`: which modules train, by name;
- `finetune`: the training loop (mel-L1, KL, duration; optionally adversarial);
- `discriminator`: the discriminator trained alongside (LSGAN + feature matching);
- `inference`: the PyTorch model speaking with the ONNX graph's seeded noise;
- `voice_adaptation`: `adapt_voice`, from a speaker's audio to an adapted voice;
- `delta`: the trained tensors as an fp16 weight delta, stored in a voice's params;
- `adapted_onnx`: the delta applied to the bundled ONNX graph's initialisers.
"""
