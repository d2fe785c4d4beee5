"""The comments both benchmarks post or render: deterministic, plain Python, no Django.

Shared by our side and the peer project (copied next to it), so both see the same data.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

TEXTS = [
    "Bella iniziativa, finalmente una pista sicura per andare a scuola.",
    "Non sono d'accordo: i posti auto servono ai negozi del centro.\nPensateci prima di chiuderli.",
    "Great news for the city, I hope they finish the second part soon.",
    "I dati sono qui: https://comune.example/mobilita/dati-2025 e confermano il calo del traffico.",
    "Ho letto il progetto (www.example.org/pista) e mi sembra fatto bene.\n\nBravi!",
    "Quando aprirà il secondo tratto? Nessuno lo sa ancora, a quanto pare.",
    "Thanks for the report. Any figures on how many cyclists use it each day?",
    "Sarebbe utile anche un parcheggio per le bici vicino alla stazione <b>centrale</b>.",
]
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def comments(total: int = 1000, top_level: int = 400, max_depth: int = 4, seed: int = 10):
    """``total`` comment dicts; the first ``top_level`` start threads, the rest reply.

    Each dict has index, parent (index or None), depth, name, email, url, text, created.
    """
    rng = random.Random(seed)
    rows = []
    for i in range(total):
        parent = None
        depth = 0
        if i >= top_level:
            candidates = [r for r in rows[-300:] if r["depth"] < max_depth]
            chosen = rng.choice(candidates)
            parent, depth = chosen["index"], chosen["depth"] + 1
        rows.append(
            {
                "index": i,
                "parent": parent,
                "depth": depth,
                "name": f"Lettore {i}",
                "email": f"lettore{i}@example.org",
                "url": f"https://blog{i}.example" if i % 5 == 0 else "",
                "text": f"{TEXTS[i % len(TEXTS)]} ({i})",
                "created": START + timedelta(minutes=i),
            }
        )
    return rows
