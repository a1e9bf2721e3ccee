"""Turn a report's reporting frames into sentences that read naturally as a post.

Session reports are written at one remove ("It was emphasized that the US plays ..."). Out of context, on X,
the frame is noise. Assertions lose the frame ("The US plays ..."); recommendations keep who made them, because
their verb is subjunctive ("... that the commitment *be* solidified") and would be ungrammatical on its own
("Participants recommended that ..."); passive frames about feelings become active ("Participants voiced high
expectations for ..."). Anything not matched is left exactly as written: the rewrite never touches names or
numbers, only the frame at the start of the sentence or a clause. English only; other languages pass through.
"""

from __future__ import annotations

import re

SUBJECT = "Participants"

# "It was emphasized that X" → "X": the frame only says someone asserted X.
_ASSERTIVE = (
    "emphasized|emphasised|stressed|noted|pointed out|observed|underscored|underlined|highlighted|argued|"
    "stated|said|mentioned|explained|reaffirmed|reiterated|acknowledged|recognized|recognised|shared"
)
# "It was recommended that X be done" → "X should be done" (the subjunctive made explicit); when the verb
# cannot be found, keep who recommended it: "Participants recommended that X strengthen ...".
_DIRECTIVE = "recommended|advised|suggested|proposed|urged"
# Frames whose speaker matters ("It was agreed that ...") keep it: "Participants agreed that ...".
_ATTRIBUTED = "agreed|concluded|warned|cautioned|expected|hoped"
_FRAME_VERB = rf"(?:{_ASSERTIVE}|{_DIRECTIVE}|{_ATTRIBUTED})"
_MODAL = re.compile(r"\b(?:should|must|need to|needs to|ought to)\b")
_SUBJUNCTIVE_BE = re.compile(
    r"(?<!\bto )(?<!\bwill )(?<!\bwould )(?<!\bcan )(?<!\bcould )(?<!\bmay )"
    r"(?<!\bmight )(?<!\bshall )\b(?P<neg>not )?be\b"
)

# What `_explicit_modal` must look past or give up on. A comma-delimited insertion ("Japan, which may not be
# ready yet, increase ...") holds verbs of its own; a subordinate clause ("... so that partners must trust it")
# holds modals that say nothing about the main verb; a second that-clause ("X be amended and that Y join ...")
# cannot stand without the frame. Anything after the first of these is not the main clause.
_INSERTION = re.compile(r"\([^()]*\)|\s[—–]\s.*?\s[—–]\s")
_MAIN_CLAUSE_END = re.compile(
    r",|;|\b(?:that|which|who|whom|whose|because|since|while|whereas|although|though|if|unless|until|when|where|"
    r"so|lest|once)\b",
    re.IGNORECASE,
)
_SECOND_THAT_CLAUSE = re.compile(r"(?:,|\b(?:and|or|but))\s+that\b", re.IGNORECASE)
# "eBay", "iPhone", "mRNA": a word with a capital after its first letter is written that way on purpose.
_KEEPS_CASE = re.compile(r"\S[^\s\W]*?[A-Z]")

_OPENERS = re.compile(
    r"^(?:Finally|Lastly|Also|In addition|Additionally|Furthermore|Moreover|Meanwhile|At the same time),\s+",
    re.IGNORECASE,
)
_LEADING_FRAME = re.compile(rf"^It was (?:also )?(?P<verb>{_FRAME_VERB}) that\s+(?P<rest>\S.*)$", re.IGNORECASE)
_CLAUSE_FRAME = re.compile(rf"(?P<lead>,\s+|;\s+|\band\s+)it was (?P<also>also )?(?P<verb>{_FRAME_VERB}) that\b")
_PASSIVE_FEELINGS = (
    (
        re.compile(
            r"^(?P<adj>(?:High|Great|Strong|Growing) )?expectations were (?P<also>also )?voiced "
            r"(?:regarding|about|for|concerning|on) ",
            re.IGNORECASE,
        ),
        "{subject} {also}voiced {adj}expectations for ",
    ),
    (
        re.compile(
            r"^(?P<adj>(?:Deep|Strong|Serious|Grave|Growing) )?concerns? (?:was|were) (?P<also>also )?"
            r"(?:expressed|voiced|raised) (?:about|over|regarding|concerning|at) ",
            re.IGNORECASE,
        ),
        "{subject} {also}expressed {adj}concern about ",
    ),
    (
        re.compile(
            r"^(?P<adj>(?:Strong|Broad|Wide) )?support was (?P<also>also )?(?:expressed|voiced) "
            r"(?:for) ",
            re.IGNORECASE,
        ),
        "{subject} {also}expressed {adj}support for ",
    ),
)


def _upper_first(text: str) -> str:
    """Capitalise a sentence's first letter, but never a word such as "eBay" or "iPhone"."""
    if not text[:1].islower() or _KEEPS_CASE.match(text):
        return text
    return text[:1].upper() + text[1:]


def _lower_first_word(match: re.Match[str], key: str) -> str:
    value = match.group(key) or ""
    return value.lower()


def _leading_frame(sentence: str) -> str:
    match = _LEADING_FRAME.match(sentence)
    if not match:
        return sentence
    verb = match.group("verb").lower()
    rest = match.group("rest")
    # Without the frame, ", while X, Y" or "X and that Y" is no sentence: keep who said it.
    stands_alone = rest[:1].isalnum() and not _SECOND_THAT_CLAUSE.search(rest)
    if stands_alone and re.fullmatch(_ASSERTIVE, verb):
        return _upper_first(rest)
    if stands_alone and re.fullmatch(_DIRECTIVE, verb):
        direct = _explicit_modal(rest)
        if direct:
            return _upper_first(direct)
    also = "also " if re.match(r"It was also", sentence, re.IGNORECASE) else ""
    return f"{SUBJECT} {also}{verb} that {rest}"


def _explicit_modal(clause: str) -> str | None:
    """Turn "X be done" into "X should be done"; a clause whose main verb already has a modal is returned as is;
    None when the subjunctive verb cannot be told apart (e.g. "Japan strengthen its ties") or lies beyond a
    comma or subordinate clause, where guessing could hit the wrong verb ("which may not be ready")."""
    main = _main_clause(clause)
    if _MODAL.search(main):
        return clause
    be = _SUBJUNCTIVE_BE.search(main)
    if not be or be.start() == 0:
        return None
    return f"{clause[: be.start()]}should {be.group('neg') or ''}be{clause[be.end() :]}"


def _main_clause(clause: str) -> str:
    """The clause up to its first comma or subordinating word, with bracketed or dashed insertions blanked out
    (same length, so offsets still point into `clause`)."""
    blanked = _INSERTION.sub(lambda m: " " * len(m.group()), clause)
    end = _MAIN_CLAUSE_END.search(blanked)
    return blanked[: end.start()] if end else blanked


def _passive_feelings(sentence: str) -> str:
    for pattern, template in _PASSIVE_FEELINGS:
        match = pattern.match(sentence)
        if match:
            head = template.format(
                subject=SUBJECT, also=_lower_first_word(match, "also"), adj=_lower_first_word(match, "adj")
            )
            return head + sentence[match.end() :]
    return sentence


def _clause_frames(sentence: str) -> str:
    """Turn ", it was emphasized that X" into ", participants emphasized that X": active, grammatical; and
    ", it was advised that X not be Y" into ", X should not be Y" when the subjunctive verb is clear."""
    match = _CLAUSE_FRAME.search(sentence)
    if match and re.fullmatch(_DIRECTIVE, match.group("verb")) and not match.group("also"):
        rest = sentence[match.end() :].lstrip()
        direct = None if _SECOND_THAT_CLAUSE.search(rest) else _explicit_modal(rest)
        if direct:
            return sentence[: match.start()] + match.group("lead") + _clause_frames(direct)
    return _CLAUSE_FRAME.sub(
        lambda m: f"{m.group('lead')}{SUBJECT.lower()} {m.group('also') or ''}{m.group('verb')} that", sentence
    )


def direct_statement(sentence: str, language: str = "en") -> str:
    """`sentence` with its reporting frame turned into a direct statement where that stays grammatical.

    Deterministic and conservative: an unrecognised sentence comes back unchanged.
    """
    if not language.lower().startswith("en"):
        return sentence.strip()
    text = " ".join(sentence.split())
    text = _upper_first(_OPENERS.sub("", text))
    text = _leading_frame(text)
    text = _passive_feelings(text)
    return _clause_frames(text)
