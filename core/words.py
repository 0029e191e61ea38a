"""The words people read for the states logic works with, gathered in one place (one place to
translate): step states, signing-key states. Logic compares the enums (core/states.py); screens,
the CLI and the PDF show these words. (Meanings and dispositions have theirs in signing_views.)"""

from __future__ import annotations

from core.states import KeyState, StepState

STEP_STATE_WORDS: dict[StepState, str] = {
    StepState.NOT_APPLICABLE: "does not apply",
    StepState.NOT_STARTED: "not started",
    StepState.IN_PROGRESS: "in progress",
    StepState.HAS_EXCEPTIONS: "has exceptions",
    StepState.SIGNATURE_INVALIDATED: "signature invalidated",
    StepState.AWAITING_VERIFICATION: "awaiting verification",
    StepState.VERIFIED: "verified",
    StepState.COMPLETE: "complete",
}
KEY_STATE_WORDS: dict[KeyState, str] = {
    KeyState.NONE: "none",
    KeyState.AWAITING_ISSUE: "awaiting issue",
    KeyState.ISSUED: "issued",
}


def step_state_words(state: StepState) -> str:
    return STEP_STATE_WORDS[state]


def key_state_words(state: str) -> str:
    return KEY_STATE_WORDS[KeyState(state)]
