"""The project in a target language (what a language export works on): a real project built
from a script, clips and takes recorded on it."""

from __future__ import annotations

import json

import pytest
from language_samples import SPANISH, spanish_project

from studio.app.language_view import UntranslatedError, language_view
from studio.core.translations import LineState, TranslatedLine, add_languages, find_language


def test_the_view_speaks_the_language_and_leaves_the_source_alone():
    project, shots = spanish_project()
    before = json.dumps(project.to_json(), sort_keys=True)
    view = language_view(project, "ES", episode=1)
    assert json.dumps(project.to_json(), sort_keys=True) == before
    assert (view.tag, view.project.language, view.project.label) == ("es", "es", "")
    maya, ethan, roof = (view.project.find_shot(s.id) for s in shots)
    assert [s.dialogue[0].text for s in (maya, ethan, roof)] == SPANISH
    assert shots[0].dialogue[0].text.startswith("I'm just here")  # the source's own
    # not dubbed: the source voice, its captions spread (no word timing); dubbed: its clip
    assert (maya.voice[0].media, maya.voice[0].timing) == ("audio/src0.wav", "")
    assert shots[0].voice[0].timing == "audio/src0.json"
    assert ethan.voice[0].media == "audio/es0.wav"
    # the lip-synced take shows; the source's approval is untouched
    assert ethan.approved_take == "tk-es" and shots[1].approved_take == "tk-1"
    assert view.dubbed == ((shots[1].id, 0),) and view.undubbed == ((shots[0].id, 0),)
    assert view.lip_synced == (shots[1].id,)  # episode 1 only: the roof is episode 2
    assert view.notes() == ["1 lines not dubbed in es: subtitled only"]


def test_lines_not_translated_stop_the_view_unless_allowed():
    project, shots = spanish_project()
    add_languages(project, ["id", "sw"])
    find_language(project, "id").lines[(shots[0].id, 0)] = TranslatedLine(
        shots[0].id, 0, "Aku cuma mengantar paket.", LineState.MACHINE, shots[0].dialogue[0].text
    )
    with pytest.raises(UntranslatedError, match=rf"^1 line of episode 1 not translated into id "
                       rf"yet \({shots[1].id} line 1\)"):  # fmt: skip
        language_view(project, "id", episode=1)
    with pytest.raises(UntranslatedError, match=r"^2 lines of the project"):
        language_view(project, "id")
    view = language_view(project, "id", episode=1, allow_untranslated=True)
    ethan = view.project.find_shot(shots[1].id)
    assert ethan.dialogue[0].text == "Then deliver it, and go."  # the source's
    assert ethan.voice[0].timing == "audio/src0.json"  # with its word timing
    assert view.untranslated == ((shots[1].id, 0),) and view.unreviewed == ((shots[0].id, 0),)
    assert "1 id lines are machine translations not reviewed" in view.notes()
    assert "1 lines not translated into id: shown and heard in the source language" in (
        view.notes()
    )  # fmt: skip
    assert language_view(project, "id", episode=2, allow_untranslated=True).undubbed == ()
    shot = shots[2]
    find_language(project, "sw").lines[(shot.id, 0)] = TranslatedLine(
        shot.id, 0, "Wewe tena?", LineState.EDITED, "You again? (older)"
    )
    notes = language_view(project, "sw", episode=2).notes()
    assert "1 sw lines were translated from an older version of the script" in notes
    assert "no AI label text in sw: the label is in English" in notes
    with pytest.raises(ValueError, match=r"fr is not a target language.*es, id, sw"):
        language_view(project, "fr")
