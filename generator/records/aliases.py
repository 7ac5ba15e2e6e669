"""Aliases (everyday words) of vocabulary and glossary terms: each word names one term only.

An alias may not be its own term's label, another term's label or heading (in any vocabulary
section or the glossary), a glossary term's ``aka``, or another term's alias: a resident's word
must lead to one filter or one glossary entry, never to two.
"""

from __future__ import annotations

from .errors import CaseError


def check_aliases(vocab: dict, glossary: list, errors: list[CaseError]) -> None:
    names: dict[str, str] = {}  # word → what it already names, said in a message
    for vocabulary in vocab.values():
        for term in vocabulary.terms:
            names.setdefault(term.label, f"{vocabulary.title}「{term.label}」の見出し")
    for term in glossary:
        for word in (term.term, *term.aka):
            names.setdefault(word, f"用語集「{term.term}」の見出し")
    owners = []  # (file, field, location, own label, aliases)
    for name, vocabulary in vocab.items():
        for i, term in enumerate(vocabulary.terms, 1):
            where = f"{vocabulary.title}「{term.label}」"
            owners.append((f"{name}.terms[{i}].aliases", term.location, term.label, where, term.aliases))
    for i, term in enumerate(glossary, 1):
        owners.append((f"terms[{i}].aliases", term.location, term.term, f"用語集「{term.term}」", term.aliases))
    for field, location, label, where, aliases in owners:
        for j, alias in enumerate(aliases, 1):
            here = f"{field}[{j}]"
            if alias == label:
                message = f"「{alias}」は見出しと同じです。別の言い方だけを書いてください。"
                errors.append(CaseError(location, here, message))
                continue
            taken = names.get(alias)
            if taken is not None and taken != f"{where}の見出し":
                errors.append(
                    CaseError(
                        location,
                        here,
                        f"「{alias}」はすでに{taken}です。別の言い方は1つの見出しにだけ書けます。"
                        "この行を消すか、別の言葉にしてください。",
                    )
                )
                continue
            names[alias] = f"{where}の別の言い方"
