"""``quiz stats``: mastery per course section and topic, and misconceptions still held.

- *recall*: the mean FSRS probability of recall now over a group's questions, counting
  questions never answered as 0: "how much of this would I get right today".
- *seen* / *right*: questions answered at least once / whose last graded answer was right.
- *exams*: the learner's mock exams (``dlbench quiz exam``), oldest first.
- a misconception is *held* when an answer revealed it and no later right answer to a
  question tagged with it has cleared it.
"""

from __future__ import annotations

import datetime as dt

from .bank import Bank
from ..storage.quiz_store import QuizStore
from .scheduling import retrievability, utcnow


def _group(questions, cards, last, now):
    n = len(questions)
    seen = sum(q.id in cards for q in questions)
    right = sum(last.get(q.id) == "correct" for q in questions)
    recall = sum(retrievability(cards[q.id].card, now) for q in questions if q.id in cards)
    return {"questions": n, "seen": seen, "right": right, "recall": recall / n if n else 0.0}


def held_misconceptions(bank: Bank, attempts: list[dict]) -> list[dict]:
    """Misconceptions revealed and not cleared since, newest first."""
    revealed: dict[str, tuple[dt.datetime, str]] = {}
    cleared: dict[str, dt.datetime] = {}
    for a in attempts:
        for m in a["misconceptions"]:
            revealed[m] = (a["created_at"], a["question_id"])
        if a["status"] == "correct" and a["question_id"] in bank.questions:
            for m in bank.questions[a["question_id"]].misconceptions():
                cleared[m] = a["created_at"]
    out = []
    for m, (when, qid) in revealed.items():
        if m in cleared and cleared[m] >= when:
            continue
        info = bank.misconceptions.get(m)
        out.append({"id": m, "since": when.isoformat(), "question": qid,
                    "text": {"ja": info.text.ja, "en": info.text.en} if info else None,
                    "topic": info.topic if info else None})
    return sorted(out, key=lambda d: d["since"], reverse=True)


def mastery(bank: Bank, store: QuizStore, learner: str, now: dt.datetime | None = None) -> dict:
    """Everything ``quiz stats`` shows, JSON-friendly."""
    now = now or utcnow()
    cards = store.cards(learner)
    attempts = store.attempts(learner)
    last = {}
    for a in attempts:
        if a["status"] in ("correct", "wrong"):
            last[a["question_id"]] = a["status"]
    by_topic: dict[str, list] = {}
    for q in bank.questions.values():
        for t in q.topics:
            by_topic.setdefault(t, []).append(q)
    topics = []
    for tid in sorted(by_topic):
        info = bank.topics.get(tid)
        topics.append({"id": tid, "section": info.section if info else None,
                       "title": {"ja": info.title.ja, "en": info.title.en} if info else None,
                       **_group(by_topic[tid], cards, last, now)})
    sections = []
    for sid in sorted({t["section"] for t in topics if t["section"]}):
        qs = {q.id: q for t in topics if t["section"] == sid for q in by_topic[t["id"]]}
        info = bank.sections.get(sid)
        sections.append({"id": sid, "title": {"ja": info.title.ja, "en": info.title.en}
                         if info else None, **_group(list(qs.values()), cards, last, now)})
    due = sum(1 for c in cards.values() if c.card.due <= now and c.question_id in bank.questions)
    return {"learner": learner, "answered": len(cards), "due": due, "sections": sections,
            "topics": topics, "misconceptions": held_misconceptions(bank, attempts),
            "exams": store.exams(learner)}
