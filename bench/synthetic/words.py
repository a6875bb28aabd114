"""Random English and French text for the synthetic rows' titles and bodies."""

from __future__ import annotations

import random

_WORDS = (
    "regional ICT initiative submarine cable connectivity broadband spectrum policy cyber "
    "security digital economy e-government data protection satellite resilience disaster "
    "telecommunications regulator capacity building 2050 strategy Blue Pacific ministers "
    "meeting agenda report review framework partnership statistics open data identity "
    "payments mobile coverage outer islands school health climate early warning "
    "interoperability platform procurement standards"
)
_MOTS = (
    "initiative régionale câble sous-marin connectivité haut débit politique sécurité économie "
    "numérique administration données satellite résilience catastrophe régulateur stratégie "
    "ministres réunion rapport cadre partenariat statistiques identité paiements îles école"
)
WORDS, MOTS = tuple(_WORDS.split()), tuple(_MOTS.split())


def random_words(rng: random.Random, words: tuple[str, ...] | list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n))


def random_paragraphs(rng: random.Random, words, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        sentence = random_words(rng, words, rng.randint(8, 18))
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return "\n\n".join(" ".join(out[i:i + 3]) for i in range(0, len(out), 3))
