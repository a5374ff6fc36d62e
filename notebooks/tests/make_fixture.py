#!/usr/bin/python3
"""Writes a small fake evaluation report directory that follows the report contract, so the notebooks can be
executed without running `ensemble` and `evaluate` first. Test fixture only: the numbers are random (seeded), not
results.

    make_fixture.py REPORT_DIR [--preprocessed DIR] [--fake-preprocessed DIR] [--seed N]

--preprocessed DIR       take the classes (index, name) and image size from DIR/metadata.json
--fake-preprocessed DIR  also write a minimal preprocessing output (DIR/metadata.json only) with the same classes

The contract (file names, JSON keys, CSV columns) is the one in notebooks/README.md. Only Debian's python3,
python3-matplotlib (and its numpy) and the standard library are used.
"""
import argparse
import csv
import json
import math
import os
import random
import sys

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CROPS = (1, 10, 144)
EXAMPLES_PER_PAIR = 3


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", help="report directory to write (created; must not hold a report.json yet)")
    p.add_argument("--preprocessed", help="read classes and image size from this preprocessing output")
    p.add_argument("--fake-preprocessed", help="also write a minimal preprocessing output (metadata.json) here")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--members", type=int, default=3)
    p.add_argument("--classes", type=int, default=8, help="number of classes when --preprocessed is not given")
    return p.parse_args(argv)


def load_classes(args):
    if args.preprocessed:
        path = os.path.join(args.preprocessed, "metadata.json")
        with open(path) as f:
            meta = json.load(f)
        classes = [(c["index"], c["name"]) for c in meta["classes"]]
        return classes, meta["spec"]["image_size"], meta["spec"]["mean"], meta["spec"]["std"]
    shapes = ["circle", "triangle", "square", "diamond"]
    classes = [(i, "%s '%d'" % (shapes[i % len(shapes)], i)) for i in range(args.classes)]
    return classes, 32, [120.0, 121.0, 122.0], [50.0, 51.0, 52.0]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def save_plot(path, draw):
    fig, ax = plt.subplots(figsize=(4, 3))
    draw(ax)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def crop(rng, size, hue):
    """A fake crop: a coloured disc on a noisy grey background, an RGB float image of shape (size, size, 3)."""
    noise = np.random.default_rng(rng.randrange(2 ** 32)).uniform(-0.1, 0.1, (size, size, 3))
    y, x = np.mgrid[0:size, 0:size]
    inside = ((x - size / 2) ** 2 + (y - size / 2) ** 2 < (size * 0.35) ** 2)[..., None]
    return np.clip(np.where(inside, np.array(hue), 0.5) + noise, 0, 1)


def strip(crops):
    return np.concatenate(crops, axis=1)


def main(argv):
    args = parse_args(argv)
    rng = random.Random(args.seed)
    classes, image_size, mean, std = load_classes(args)
    n = len(classes)
    names = dict(classes)
    out = args.report
    if os.path.exists(os.path.join(out, "report.json")):
        sys.exit("make_fixture: %s already holds a report.json" % out)
    for d in (out, os.path.join(out, "samples"), os.path.join(out, "examples")):
        os.makedirs(d, exist_ok=True)

    members = ["member-%d" % (i + 1) for i in range(args.members)]
    support = [rng.randint(5, 40) for _ in range(n)]
    examples = sum(support)

    # members x crops: more crops and more members give fewer errors, as in the paper's Table 3
    single = {m: 0.30 + rng.uniform(-0.04, 0.04) for m in members}
    best_single = min(single.values())
    results = []
    for k in (1, len(members)):
        for crops in CROPS:
            base = best_single if k == 1 else best_single * 0.8
            top1 = round(base * (1 - 0.06 * CROPS.index(crops)), 6)
            top5 = round(top1 / 3, 6)
            results.append({"members": k, "crops": crops, "cost": k * crops, "top1_error": top1,
                            "top5_error": top5, "top1_change_vs_best_single": round(top1 / best_single - 1, 6)})

    # per class: every member and the ensemble; class 0 is made the worst on purpose
    per_class = []
    for model in members + ["ensemble"]:
        for i, name in classes:
            err = 0.9 if i == 0 else rng.uniform(0.0, 0.5)
            errors = round(err * support[i])
            per_class.append({"class": i, "name": name, "support": support[i], "error": errors / support[i],
                              "model": model})

    # confusion (ensemble, nonzero cells only) and the most confused pairs
    confusion = []
    for i in range(n):
        wrong = round(next(p["error"] for p in per_class if p["model"] == "ensemble" and p["class"] == i)
                      * support[i])
        right = support[i] - wrong
        if right:
            confusion.append((i, i, right))
        others = [j for j in range(n) if j != i]
        while wrong > 0:
            j = rng.choice(others)
            take = min(wrong, rng.randint(1, 3))
            confusion.append((i, j, take))
            wrong -= take
    merged = {}
    for t, p, c in confusion:
        merged[(t, p)] = merged.get((t, p), 0) + c
    confusion = sorted((t, p, c) for (t, p), c in merged.items())
    pairs = sorted(((t, p, c) for t, p, c in confusion if t != p), key=lambda x: (-x[2], x[0], x[1]))[:5]
    confused_pairs = []
    for t, p, c in pairs:
        files = []
        for e in range(min(c, EXAMPLES_PER_PAIR)):
            rel = "examples/true_%d_pred_%d_%d.png" % (t, p, e)
            plt.imsave(os.path.join(out, rel), crop(rng, 24, [rng.random() for _ in range(3)]))
            files.append(rel)
        confused_pairs.append({"true": t, "true_name": names[t], "predicted": p, "predicted_name": names[p],
                               "count": c, "examples": files})

    # learning curves: rounds with a training loss, one validation row per epoch with eval-data (test) scores and
    # the wall clock (no random draws, so the rest of the fixture stays as it was)
    epochs, rounds_per_epoch = 3, 4
    curves = []
    for m in members:
        loss = 3.0 + rng.uniform(-0.2, 0.2)
        for r in range(1, epochs * rounds_per_epoch + 1):
            loss *= 0.9 + rng.uniform(-0.03, 0.03)
            curves.append((m, "round", r, r / rounds_per_epoch, round(loss, 6), None, None, None,
                           None, None, None, None))
            if r % rounds_per_epoch == 0:
                acc = min(0.99, 0.3 + 0.15 * r / rounds_per_epoch + rng.uniform(-0.05, 0.05))
                curves.append((m, "validation", r, float(r // rounds_per_epoch), None, round(acc, 6),
                               round(min(1.0, acc + 0.2), 6), round(loss * 1.1, 6), round(acc - 0.02, 6),
                               round(min(1.0, acc + 0.18), 6), round(loss * 1.15, 6), 6.0 * r))

    # calibration: 10 equal-width confidence bins per model
    calibration, ece = [], {}
    for model in members + ["ensemble"]:
        total, gap = 0, 0.0
        for b in range(10):
            lower, upper = b / 10, (b + 1) / 10
            count = rng.randint(0, 30) if b >= 3 else 0
            conf = round((lower + upper) / 2, 6) if count else None
            accuracy = round(min(1.0, max(0.0, conf + rng.uniform(-0.15, 0.05))), 6) if count else None
            calibration.append({"model": model, "bin": b, "lower": lower, "upper": upper, "count": count,
                                "confidence": conf, "accuracy": accuracy})
            total += count
            gap += count * abs(conf - accuracy) if count else 0.0
        ece[model] = round(gap / total, 6) if total else 0.0

    member_info = []
    for i, m in enumerate(members):
        wide = i == len(members) - 1
        member_info.append({
            "name": m, "family": "googlenet", "width": 0.3125 if wide else 0.25, "seed": 7, "sampling_seed": 100 + i,
            "image_size": image_size, "epochs": epochs, "training_seconds": round(rng.uniform(50, 80), 3),
            "hyperparameters": {"batch_size_per_worker": 32, "learning_rate": 0.001, "averaging_frequency": 2},
            "summary": {"val_top1": curves[-1][5], "params": 421492},
            "validations": [{"round": c[2], "epoch": c[3], "val_top1": c[5], "val_top5": c[6], "val_loss": c[7],
                             "test_top1": c[8], "test_top5": c[9], "test_loss": c[10], "wall_seconds": c[11]}
                            for c in curves if c[0] == m and c[1] == "validation"]})

    report = {
        "results": results,
        "per_class": per_class,
        "members": member_info,
        "data": {"dataset": "fixture", "split": "test", "examples": examples, "classes": n,
                 "image_size": image_size, "mean": mean, "std": std, "per_class_counts": support},
        "calibration": calibration,
        "calibration_error": ece,
        "confused_pairs": confused_pairs,
        "log_loss": {model: round(rng.uniform(0.5, 1.5), 6) for model in members + ["ensemble"]},
        "created_by": {"tool": "notebooks/tests/make_fixture.py", "version": "fixture", "java": "", "spark": "",
                       "dl4j": "", "config": {}},
    }
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)

    write_csv(os.path.join(out, "results.csv"),
              ["members", "crops", "cost", "top1_error", "top5_error", "top1_change_vs_best_single"],
              [[r["members"], r["crops"], r["cost"], r["top1_error"], r["top5_error"],
                r["top1_change_vs_best_single"]] for r in results])
    write_csv(os.path.join(out, "per_class.csv"), ["class", "name", "support", "error", "model"],
              [[p["class"], p["name"], p["support"], p["error"], p["model"]] for p in per_class])
    write_csv(os.path.join(out, "confusion.csv"), ["true", "predicted", "count"], confusion)
    write_csv(os.path.join(out, "learning_curves.csv"),
              ["member", "type", "round", "epoch", "loss", "val_top1", "val_top5", "val_loss", "test_top1",
               "test_top5", "test_loss", "wall_seconds"], curves)
    write_csv(os.path.join(out, "calibration.csv"),
              ["model", "bin", "lower", "upper", "count", "confidence", "accuracy"],
              [[c["model"], c["bin"], c["lower"], c["upper"], c["count"], c["confidence"], c["accuracy"]]
               for c in calibration])

    for i, _ in classes:
        hue = [rng.random() for _ in range(3)]
        count = min(8, support[i])
        plt.imsave(os.path.join(out, "samples", "class_%d.png" % i), strip([crop(rng, 24, hue) for _ in range(count)]))
    ens = sorted((p for p in per_class if p["model"] == "ensemble"), key=lambda p: -p["error"])
    save_plot(os.path.join(out, "per_class_error.png"), lambda ax: ax.bar(range(n), [p["error"] for p in ens]))
    save_plot(os.path.join(out, "confusion.png"), lambda ax: ax.scatter([c[1] for c in confusion],
                                                                         [c[0] for c in confusion]))
    save_plot(os.path.join(out, "learning_curves.png"),
              lambda ax: ax.plot([c[2] for c in curves if c[1] == "round" and c[0] == members[0]],
                                 [c[4] for c in curves if c[1] == "round" and c[0] == members[0]]))
    save_plot(os.path.join(out, "calibration.png"), lambda ax: ax.plot([0, 1], [0, 1]))
    with open(os.path.join(out, "report.html"), "w") as f:
        f.write("<!doctype html><title>fixture report</title><p>Fixture written by make_fixture.py.</p>\n")

    if args.fake_preprocessed:
        write_fake_preprocessed(args.fake_preprocessed, classes, image_size, mean, std, rng)


def write_fake_preprocessed(out, classes, image_size, mean, std, rng):
    """metadata.json with the keys the notebooks read (DatasetMetadata's snake_case JSON); no shards."""
    os.makedirs(out, exist_ok=True)
    train = [rng.randint(20, 60) for _ in classes]
    val = [max(1, math.floor(t / 9)) for t in train]
    meta = {
        "format_version": 1, "created_at": "2025-01-01T00:00:00Z",
        "created_by": {"tool": "notebooks/tests/make_fixture.py", "version": "fixture"},
        "input": {"format": "gtsrb", "input": "fixture", "images_root": "", "class_names": "", "split": "auto",
                  "val_fraction": 0.1, "seed": 42, "reused_spec": ""},
        "spec": {"image_size": image_size, "channels": 3, "layout": "CHW", "storage": "uint8",
                 "interpolation": "area", "margin": 0.1, "square": True, "scale_by_std": False, "mean": mean,
                 "std": std, "mean_pixels": sum(train) * image_size * image_size},
        "classes": [{"index": i, "label": str(i), "name": name} for i, name in classes],
        "counts": {"input_records": sum(train) + sum(val) + 1, "written": sum(train) + sum(val), "skipped": 1,
                   "per_split": {"train": sum(train), "val": sum(val)},
                   "per_class": {"train": train, "val": val}, "skipped_by_reason": {"box_outside_image": 1}},
        "shards": {"train": 1, "val": 1},
        "skipped": [{"id": "fixture-1", "location": "fixture.png", "reason": "box_outside_image",
                     "detail": "box (90,90)-(120,120) outside the 80x80 image"}],
    }
    with open(os.path.join(out, "metadata.json"), "w") as f:
        json.dump(meta, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
