"""How far fine-tuning moved each part of the joe model: the stored weight delta's RMS
against the RMS of the weights it changed, per module and for the tensors that moved most
for their size.

Adam moves every weight by about the learning rate per step whatever the weight's own
scale, so small tensors (joe's first upsampling layer, RMS 0.008) change by a large share
of themselves; `--relative-steps` in adaptation.py scales each tensor's rate by its RMS.

    PYTHONPATH=src python benchmarks/adaptation_drift.py \
        benchmarks/results/cache/adapted/<point>/<steps>.tvoice ...
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

MODULE_DEPTH = 2  # "dec.ups", "flow.flows": the level a row sums over


def drift(delta: dict[str, np.ndarray], weights: dict[str, np.ndarray]
          ) -> tuple[dict[str, tuple[int, float, float]], list[tuple[float, str]]]:
    """Per module: (weights, delta RMS, weight RMS); per tensor: (delta / weight RMS, name)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    tensors = []
    for name, change in delta.items():
        change = change.astype(np.float64)
        weight = weights[name].astype(np.float64)
        module = ".".join(name.split(".")[:MODULE_DEPTH])
        sums[module][0] += change.size
        sums[module][1] += float(np.sum(change ** 2))
        sums[module][2] += float(np.sum(weight ** 2))
        tensors.append((float(np.sqrt(np.sum(change ** 2) / max(np.sum(weight ** 2), 1e-30))),
                        name))
    modules = {m: (int(n), (d / n) ** 0.5, (w / n) ** 0.5) for m, (n, d, w) in sums.items()}
    return modules, sorted(tensors, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("voices", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=5, help="tensors listed per voice")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    from timbrel.adapt.delta import from_params
    from timbrel.adapt.vits_model import joe_model
    from timbrel.voice import Voice

    model, _ = joe_model()
    weights = {name: value.float().numpy() for name, value in model.state_dict().items()}
    for path in args.voices:
        delta = from_params(Voice.load(path).params)
        modules, tensors = drift(delta, weights)
        print(f"\n{'/'.join(path.parts[-2:])}\n")
        print("| module | weights | delta RMS | weight RMS | delta / weight |")
        print("|---|---|---|---|---|")
        for module, (count, change, weight) in sorted(modules.items()):
            print(f"| {module} | {count} | {change:.4f} | {weight:.4f} | {change / weight:.0%} |")
        print("\nmoved most for their size: " + ", ".join(
            f"{name} {share:.0%}" for share, name in tensors[:args.top]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
