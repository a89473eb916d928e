"""The domain layer: the rules of the exchange as plain Python (standard library only).

Services load rows, build these small immutable values, ask the domain, and store what it
returns. Every rule refusal is a ``DomainError`` (``NotAllowed`` when the person may never
do it) whose message can be shown as it is.

    enums         the vocabularies (StrEnum, stored as strings)
    errors        DomainError, NotAllowed
    actors        Actor, and what an actor is to a case (case_access)
    permissions   who may see and do what, to a case and to an item in each state
    cases         Case, Participant, Referral; stage moves and the exchange checks
    consent       consent records per format, and what each format means
    items         the item state machine: writing, review, release, reading
    redaction     redactions, the release copy, sensitive-term checks
    withdrawal    stopping and rejoining
    inbox         what a participant's inbox lists
    presentation  names, attribution lines and status labels
    agreement     the outcome agreement and the satisfaction question
    prompts       restorative prompts for each side
"""
