"""Synthetic case records for tests and benchmarks.

Every record made here is FICTIONAL: names end in （架空）, ids start with
``synthetic-`` and sources point at example.jp. They are never bundled with
the site; they exist to measure and to test at realistic sizes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import yaml

from generator.model.prefectures import PREFECTURES
from generator.records.registry import STAGES

_PLACES = "青葉 桜台 川辺 山里 南原 北野 東谷 西浦 中川 大野 小松 高原 森下 石田 松山 竹内 梅園 岡本 平野 新田".split()
_SENTENCES = [
    "地区の住民が集まり、これからの暮らしについて話し合いを重ねてきた。",
    "小学校の閉校をきっかけに、空いた校舎を交流の拠点として使うことになった。",
    "高齢の一人暮らしの世帯を、月に一度の訪問で見守っている。",
    "地元の野菜を使った加工品をつくり、道の駅で販売している。",
    "買い物に出かけにくい人のために、週二回の送迎を続けている。",
    "自治会や老人クラブ、消防団など、地区の団体がひとつの協議会にまとまった。",
    "役員の負担が大きく、若い世代をどう迎えるかが話し合われている。",
    "市の交付金に加えて、施設の利用料や会費で運営費をまかなっている。",
    "大学の学生が地区に通い、聞き取り調査と地図づくりを手伝った。",
    "防災訓練では、避難に手助けが必要な人の名簿を住民どうしで確かめた。",
]


def _vocab(root: Path) -> dict:
    return yaml.load((root / "data" / "vocabulary.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def make_records(n: int, root: Path, seed: int = 7, body_chars: int = 1500) -> list[dict]:
    """``n`` fictional records drawing on the real vocabulary with a skewed, realistic mix."""
    rng = random.Random(seed)
    vocab = _vocab(root)
    labels = {name: [t["label"] for t in spec["terms"]] for name, spec in vocab.items()}

    def pick(name: str, lo: int, hi: int) -> list[str]:
        pool = labels[name]
        weights = [1.0 / (i + 1) for i in range(len(pool))]  # a few common values, a long tail
        chosen: list[str] = []
        for _ in range(rng.randint(lo, hi)):
            v = rng.choices(pool, weights)[0]
            if v not in chosen:
                chosen.append(v)
        return chosen or [pool[0]]

    records = []
    for i in range(1, n + 1):
        place = rng.choice(_PLACES) + rng.choice(["地区", "町", "校区"])
        body = ""
        while len(body) < body_chars:
            body += rng.choice(_SENTENCES)
            if rng.random() < 0.25:
                body += "\n\n"
        stages = rng.sample(STAGES, rng.randint(1, 3))
        rec = {
            "id": f"synthetic-{i:05d}",
            "name": f"{place}まちづくり協議会 第{i}号（架空）",
            "kana": "かくう" + "あいうえおかきくけこ"[i % 10] + f"{''.join('さしすせそ'[int(d) % 5] for d in str(i))}",
            "prefecture": PREFECTURES[i % 47].name,
            "municipality": f"{rng.choice(_PLACES)}市",
            "founded": rng.randint(1975, 2024),
            "legal_form": pick("legal_form", 1, 1)[0],
            "scope": pick("scope", 1, 1)[0],
            "summary": f"（架空の事例）{place}の住民がつくった組織。" + rng.choice(_SENTENCES) + rng.choice(_SENTENCES),
            "regional_issues": pick("regional_issue", 1, 4),
            "activities": pick("activity", 1, 5),
            "income_sources": pick("income", 0, 3),
            "challenges": pick("challenge", 0, 3),
            "formation_factors": [
                {"factor": f, "detail": rng.choice(_SENTENCES)} for f in pick("formation_factor", 1, 3)
            ],
            "sustainability_factors": [
                {"factor": f, "detail": rng.choice(_SENTENCES)} for f in pick("sustainability_factor", 0, 2)
            ],
            "stages": {s: rng.choice(_SENTENCES) for s in STAGES if s in stages},
            "body": body,
            "sources": [
                {
                    "title": "架空の出典（ベンチマーク用）",
                    "publisher": "架空市",
                    "year": 2020,
                    "url": f"https://example.jp/synthetic/{i}",
                }
            ],
            "completeness": "部分的",
        }
        records.append(rec)
    return records


def to_yaml(rec: dict) -> str:
    """Block-style YAML, written directly (much faster than yaml.dump at 5,000 records)."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731 - JSON strings are YAML strings
    out = []
    for key, value in rec.items():
        if isinstance(value, str):
            if "\n" in value:
                out.append(f"{key}: |")
                out.extend("  " + line if line else "" for line in value.split("\n"))
            else:
                out.append(f"{key}: {q(value)}")
        elif isinstance(value, int):
            out.append(f"{key}: {value}")
        elif isinstance(value, dict):
            out.append(f"{key}:")
            out.extend(f"  {k}: {q(v)}" for k, v in value.items())
        elif isinstance(value, list):
            if not value:
                continue
            out.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first = True
                    for k, v in item.items():
                        out.append(("  - " if first else "    ") + f"{k}: {q(v) if isinstance(v, str) else v}")
                        first = False
                else:
                    out.append(f"  - {q(item)}")
    return "\n".join(out) + "\n"


def write_project(
    target: Path, n: int, root: Path, seed: int = 7, one_file: bool = False, body_chars: int = 1500
) -> list[dict]:
    """A project folder with the real vocabulary and ``n`` synthetic records."""
    data = target / "data"
    (data / "cases").mkdir(parents=True, exist_ok=True)
    (data / "vocabulary.yaml").write_text(
        (root / "data" / "vocabulary.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    records = make_records(n, root, seed, body_chars)
    if one_file:
        text = "".join("- " + to_yaml(r).replace("\n", "\n  ").rstrip(" ") for r in records)
        (data / "cases.yaml").write_text(text, encoding="utf-8")
    else:
        for r in records:
            (data / "cases" / f"{r['id']}.yaml").write_text(to_yaml(r), encoding="utf-8")
    return records
