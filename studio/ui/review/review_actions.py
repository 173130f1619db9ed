"""The take review panel's actions: each one's name (its key in :mod:`studio.ui.keymap` and the
panel method it triggers), its menu text and tooltip, the toolbars that show them (the review
toolbar shows the most used and a More menu the rest, so it fits a 1440-pixel window), and
when each is enabled. The panel (:mod:`studio.ui.review.take_review`) holds what they do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMenu, QToolBar, QToolButton, QWidget

from studio.core.model import Shot, Take, TakeState
from studio.ui import keymap
from studio.ui.session import Session

VARIATIONS = 4
SETTINGS = ("advance", "show_archived")  # checkable; "advance" is read when approving
SPEC: tuple[tuple[str, str], ...] = (  # method, menu text (keys: studio.ui.keymap)
    ("approve", "&Approve Take"),
    ("reject", "&Reject Take"),
    ("star", "&Star Take"),
    ("archive", "&Delete Take to Archive"),
    ("regenerate", "Re&generate Take"),
    ("variations", f"&Variations ({VARIATIONS} New Seeds)"),
    ("edit_prompt", "Edit &Prompt and Generate…"),
    ("mark", "&Mark Take for Compare"),
    ("compare", "&Compare Takes…"),
    ("voice", "V&oice Shot"),
    ("lipsync", "&Lip-sync Shot"),
    ("previous_take", "Previous Take"),
    ("next_take", "Next Take"),
    ("next_shot", "&Next Shot"),
    ("previous_shot", "P&revious Shot"),
    ("advance", "Go to Next Unapproved Shot After Approving"),
    ("show_archived", "Show Archived Takes"),
    ("restore", "Res&tore Archived Take"),
    ("generate_selected", "Generate Selected Shots"),
    ("voice_selected", "Voice Selected Shots"),
    ("lipsync_selected", "Lip-sync Selected Shots"),
    ("approve_selected", "Approve Latest of Selected Shots"),
)
MENU_COUNT = 11  # the first actions of SPEC: a take's context menu
TOOLBAR = (("approve", "Approve"), ("reject", "Reject"), None, ("regenerate", "Regenerate"),
           ("edit_prompt", "Prompt…"))  # fmt: skip
MORE = (
    "star",
    "archive",
    "variations",
    "compare",
    "mark",
    "voice",
    "lipsync",
    None,
    "previous_shot",
    "next_shot",
    None,
    "show_archived",
    "restore",
)  # None: a separator
BATCH = (("generate_selected", "Generate"), ("voice_selected", "Voice"),
         ("lipsync_selected", "Lip-sync"), ("approve_selected", "Approve"))  # fmt: skip
_BATCH_VERBS = ("Generate", "Voice", "Lip-sync", "Approve latest for")
COUNT_LABEL = "selected-count"  # the batch row's label: "3 selected:"


def make_actions(panel: QWidget) -> dict[str, QAction]:
    """The actions of SPEC by name, added to ``panel`` (so their keys work there), each
    triggering the panel's method of its name (the "advance" setting triggers nothing)."""
    actions: dict[str, QAction] = {}
    for name, text in SPEC:
        action = keymap.bind(QAction(text, panel, checkable=name in SETTINGS), name)
        shown = keymap.key_text(name)
        action.setToolTip(text.replace("&", "") + (f" ({shown})" if shown else ""))
        if name != "advance":
            action.triggered.connect(getattr(panel, name))
        panel.addAction(action)
        actions[name] = action
    actions["advance"].setChecked(True)
    return actions


def make_toolbar(
    actions: dict[str, QAction],
    items: tuple[tuple[str, str] | None, ...],
    more: tuple[str | None, ...] = (),
) -> QToolBar:
    """A text-only toolbar of ``items`` ((name, short text) of an action, or None: a separator),
    then a "More" button whose menu holds the actions named in ``more``. The toolbar never
    collapses: it is at least as wide as its buttons (the panel is held at that width)."""
    bar = QToolBar(movable=False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for item in items:
        if item is None:
            bar.addSeparator()
        else:
            if item[1]:
                actions[item[0]].setIconText(item[1])
            bar.addAction(actions[item[0]])
    if more:
        menu = QMenu(bar)
        for name in more:
            menu.addSeparator() if name is None else menu.addAction(actions[name])
        button = QToolButton(
            bar, text="More", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup
        )
        button.setMenu(menu)
        button.setToolTip("More take and shot actions")
        bar.addWidget(button)
    return bar


def make_toolbars(actions: dict[str, QAction]) -> tuple[QToolBar, QToolBar]:
    """The panel's batch row (the selected shots) and its toolbar (the current take, and More),
    each held at least as wide as its buttons: neither hides any behind an extension."""
    batch = make_toolbar(actions, BATCH)
    batch.insertWidget(batch.actions()[0], QLabel(objectName=COUNT_LABEL))
    toolbar = make_toolbar(actions, TOOLBAR, MORE)
    show_counts(actions, 999, 999, batch)  # the widest the batch row gets
    for bar in (batch, toolbar):
        bar.setMinimumWidth(bar.sizeHint().width())
    return batch, toolbar


def show_counts(
    actions: dict[str, QAction], selected: int, archived: int, batch: QToolBar | None = None
) -> None:
    """Name the ``selected`` shots in the batch actions (and the ``batch`` row's label) and the
    ``archived`` takes in theirs."""
    actions["show_archived"].setText(f"Show Archived Takes ({archived})")
    actions["show_archived"].setIconText(f"Archived ({archived})")
    for (name, _), verb in zip(BATCH, _BATCH_VERBS, strict=True):
        actions[name].setText(f"{verb} {selected} shot{'s' * (selected != 1)}")
    label = batch.findChild(QLabel, COUNT_LABEL) if batch is not None else None
    if label is not None:
        label.setText(f"{selected} selected:")


def enabled_actions(
    session: Session, shot: Shot | None, take: Take | None, restorable: bool
) -> dict[str, bool]:
    """Which actions can act now, on ``shot`` and its current ``take``; ``restorable``: an
    archived take is selected."""
    edit = session.writable
    jobs = edit and session.runner is not None
    batch = len(session.selected) >= 1  # one shot is a batch of one too
    review = edit and take is not None and not take.media_problem
    return {
        "approve": review, "reject": review, "star": review,
        "archive": edit and take is not None, "regenerate": jobs and shot is not None,
        "variations": jobs and take is not None, "edit_prompt": jobs and shot is not None,
        "mark": take is not None, "compare": shot is not None and len(shot.takes) > 1,
        "voice": jobs and shot is not None and bool(shot.dialogue),
        "lipsync": jobs and shot is not None and bool(shot.takes),
        "previous_take": take is not None, "next_take": take is not None,
        "next_shot": session.project is not None,
        "previous_shot": session.project is not None,
        "restore": edit and restorable,
        "generate_selected": jobs and batch, "voice_selected": jobs and batch,
        "lipsync_selected": jobs and batch, "approve_selected": edit and batch,
    }  # fmt: skip


def to_approve(shots: list[Shot]) -> list[Take]:
    """The newest finished take of each of ``shots`` without an approved one (Approve Latest)."""
    found = []
    for shot in shots:
        latest = next((t for t in reversed(shot.takes) if not t.media_problem
                       and t.state in (TakeState.DONE, TakeState.STARRED)), None)  # fmt: skip
        if shot.approved_take is None and latest is not None:
            found.append(latest)
    return found
