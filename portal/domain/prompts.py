"""Restorative prompts shown beside the writing box, one set for each side.

They follow the restorative questions: what happened, its effects, needs, and putting
things right. The hints keep to short, plain sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.enums import Side


@dataclass(frozen=True)
class Prompt:
    question: str
    hint: str


PROMPTS: dict[Side, tuple[Prompt, ...]] = {
    Side.HARMED: (
        Prompt("What happened for you?", "You can start on the day it happened, or with how things are now."),
        Prompt(
            "How has it affected you?",
            "Think about your feelings and your health. Think about money, and time with family and friends.",
        ),
        Prompt("What do you need now?", "It might be an answer, an apology, or to know it won't happen again."),
        Prompt("What would you like to ask?", "Write each question on its own line. Ask as many as you like."),
    ),
    Side.RESPONSIBLE: (
        Prompt("What happened?", "Say what you did, in your own words."),
        Prompt("What were you thinking at the time?", "Be honest. It helps the other person understand."),
        Prompt("Who has been affected, and how?", "Think about the person harmed, their family, and others."),
        Prompt("What do you want to say to them?", "Say it in your own way. You don't have to get it perfect."),
        Prompt("What will you do to put things right?", "Only offer what you really can do."),
    ),
}

WRITING_REMINDER = (
    "Please leave out names, addresses and other details that could show who or where someone is. "
    "Your facilitator reads everything before it is passed on."
)
