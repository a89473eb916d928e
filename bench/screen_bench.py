"""Time screen() on a realistic ~20 KB letter: run from the repo root as
`.venv/bin/python bench/screen_bench.py`. Not a test; prints median and p95 in milliseconds,
and the median as a ratio to a reference in the same run (lower-casing the letter and splitting
it into words with re), since these machines are shared and absolute times drift.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.screening import screen

TARGET_BYTES = 20_000
RUNS = 200
WARM_UP = 20
TERMS = ("Hannah", "Leeds General", "Burton upon Trent", "Oakfield Primary")

PARAGRAPHS = (
    "I have started this letter many times. Every time I sit down to write it I think about "
    "the night of 14 March 2023, when I came into your shop at about 10:30pm and took £250 "
    "from the till. I was 19. I got 18 months and I have served about 9 of them so far.",
    "You asked in your questions whether I knew Hannah. I did not. I know now that she was "
    "in the back room and that she was frightened. I am sorry that Hannah's evening ended in "
    "the hospital at Leeds General, and I think about that more than anything else.",
    "Since I have been inside I have done a course in painting and decorating and I have "
    "passed my Level 1 maths. I want to pay back the 2,000 pounds in total, maybe £50 a month "
    "once I am working. My key worker says that is realistic if I keep to my plan.",
    "When I am released I will be living at 22 Canal Side, Burton upon Trent, DE14 1QT, with "
    "my sister. My probation officer said I must not go near Oakfield Primary, and I won't.",
    "My mum still has the blue van, reg AB12 CDE, that I used that night, and she has sold it "
    "now. Her number is 07700 900112 but I know I should not give it to you, so please ignore it.",
    "I was 34 questions into a form at one point, about my date of birth, 03/03/2004, and my "
    "National Insurance number, and I thought about all the forms you must have filled in. "
    "In 2019 I left school, in 2020 I lost my job, and I know none of that is an excuse.",
    "There are three things I want to say. First, it was my choice. Second, nobody made me do "
    "it. Third, I will do whatever the facilitator thinks is right to put things right, "
    "whether that is a letter every few months or meeting with her there, at 2pm or 3pm.",
)


def build_letter(target: int = TARGET_BYTES) -> str:
    """Repeat the paragraphs, in order, until the letter is about `target` bytes of UTF-8."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < target:
        paragraph = PARAGRAPHS[i % len(PARAGRAPHS)]
        parts.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(parts)


def _median_ms(work: Callable[[], object]) -> float:
    for _ in range(WARM_UP):
        work()
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    letter = build_letter()
    findings = screen(letter, TERMS)
    words = re.compile(r"\w+")
    reference = _median_ms(lambda: words.findall(letter.lower()))
    median = _median_ms(lambda: screen(letter, TERMS))
    print(f"letter: {len(letter.encode('utf-8'))} bytes, {len(findings)} findings, {RUNS} runs")
    print(f"median: {median:.2f} ms  reference: {reference:.3f} ms  ratio: {median / reference:.0f}x")


if __name__ == "__main__":
    main()
