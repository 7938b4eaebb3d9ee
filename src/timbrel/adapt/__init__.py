"""Fine-tuning the bundled Piper VITS voice on a speaker's own audio (issue #7, part 2).

- `vits_model`: the trainable PyTorch copy of the joe voice, weights from its ONNX file;
- `alignment`: monotonic alignment search (pure NumPy; piper's needs a compiled extension);
- `spectra`: linear and mel spectrograms exactly as VITS training computes them;
- `dataset`: a speaker's clips cut, transcribed and phonemised into training items;
- `training`: posterior-encoder warm-up on joe's own speech, then fine-tuning;
- `delta`: the trained tensors as an fp16 weight delta, stored in a voice's params;
- `adapted_onnx`: the delta applied to the bundled ONNX graph's initialisers.
"""
