from studio.core.model import Project, Take, TakeState
from studio.core.script.importer import apply_script

SCRIPT = """Title: Glass

INT. LOBBY - NIGHT

Rain hammers the glass.

MAYA
I'm just here for a delivery.

VIVIAN
Then deliver it.

Vivian knocks the box from her hands.

EXT. ROOF - LATER

Wind. A helicopter's lights sweep the roof.

MAYA
You should have stayed away.
"""


def project_from(text: str) -> Project:
    project = Project(title="t")
    apply_script(project, text)
    return project


def ids(project: Project) -> list[str]:
    return [s.id for s in project.shots()]


def descriptions(project: Project) -> list[str]:
    return [s.dialogue[0].text if s.dialogue else s.description for s in project.shots()]


def give_takes(project: Project) -> None:
    for n, shot in enumerate(project.shots()):
        shot.takes = [Take(id=f"tk-{n}-a", state=TakeState.DONE), Take(id=f"tk-{n}-b")]
        shot.approve(f"tk-{n}-a")


def test_new_shots_get_unique_ids_and_speakers_become_characters():
    project = project_from(SCRIPT)
    assert len(ids(project)) == 6 == len(set(ids(project)))
    assert all(i.startswith("sh-") for i in ids(project))
    assert [c.name for c in project.characters] == ["MAYA", "VIVIAN"]
    assert project.characters[0].seed == project_from(SCRIPT).characters[0].seed


def test_reimporting_the_same_script_keeps_everything():
    project = project_from(SCRIPT)
    give_takes(project)
    before = ids(project)
    report = apply_script(project, SCRIPT)
    assert ids(project) == before
    assert report.kept == before
    assert not (report.changed or report.added or report.archived)
    assert all(s.approved_take and len(s.takes) == 2 for s in project.shots())
    assert not any(s.changed for s in project.shots())


def test_edited_shot_keeps_id_and_takes_and_is_marked_changed():
    project = project_from(SCRIPT)
    give_takes(project)
    before = ids(project)
    edited = SCRIPT.replace("Then deliver it.", "Then deliver it, courier.")
    edited = edited.replace("Rain hammers the glass.", "Rain hammers the tall glass.")
    report = apply_script(project, edited)
    assert ids(project) == before
    assert sorted(report.changed) == sorted([before[0], before[2]])
    changed = [s for s in project.shots() if s.changed]
    assert [s.id for s in changed] == [before[0], before[2]]
    assert changed[1].dialogue[0].text == "Then deliver it, courier."
    assert all(s.approved_take for s in changed)


def test_removed_shot_is_archived_with_its_takes_and_comes_back_when_restored():
    project = project_from(SCRIPT)
    give_takes(project)
    before = ids(project)
    cut = SCRIPT.replace("Vivian knocks the box from her hands.\n\n", "")
    report = apply_script(project, cut)
    assert report.archived == [before[3]]
    assert ids(project) == before[:3] + before[4:]
    archived = project.archived_shots[0]
    assert archived.id == before[3] and archived.approved_take == "tk-3-a"

    report = apply_script(project, SCRIPT)
    assert report.restored == [before[3]]
    assert ids(project) == before
    assert project.archived_shots == []
    assert project.find_shot(before[3]).approved_take == "tk-3-a"


def test_new_shot_gets_a_new_id_and_neighbours_keep_theirs():
    project = project_from(SCRIPT)
    before = ids(project)
    added = SCRIPT.replace("Wind.", "A door slams.\n\nWind.")
    report = apply_script(project, added)
    after = ids(project)
    assert len(report.added) == 1 and report.added[0] not in before
    assert after == before[:4] + report.added + before[4:]


def test_moved_scene_keeps_its_shot_ids():
    project = project_from(SCRIPT)
    by_text = dict(zip(descriptions(project), ids(project), strict=True))
    lobby, roof = SCRIPT.split("EXT. ROOF - LATER")
    swapped = "Title: Glass\n\nEXT. ROOF - LATER" + roof + "\n" + lobby.split("\n\n", 1)[1]
    report = apply_script(project, swapped)
    assert report.added == [] and report.archived == []
    assert dict(zip(descriptions(project), ids(project), strict=True)) == by_text
    assert project.episodes[0].scenes[0].heading == "EXT. ROOF - LATER"


def test_swapped_shots_keep_their_ids():
    project = project_from("INT. A - DAY\n\nOne thing.\n\nAnother thing.\n")
    first, second = ids(project)
    apply_script(project, "INT. A - DAY\n\nAnother thing.\n\nOne thing.\n")
    assert ids(project) == [second, first]


def test_user_work_not_in_the_script_survives():
    project = project_from(SCRIPT)
    shot = next(project.shots())
    shot.framing = "low angle"
    shot.duration_frames = 200
    shot.duration_locked = True
    shot.prompt = "storm over a glass tower, neon"
    apply_script(project, SCRIPT.replace("Rain hammers", "Rain pounds"))
    shot = next(project.shots())
    assert (shot.framing, shot.duration_frames, shot.duration_locked) == ("low angle", 200, True)
    assert shot.prompt == "storm over a glass tower, neon"
    apply_script(project, SCRIPT.replace("Rain hammers", "WIDE: Rain hammers"))
    assert next(project.shots()).framing == "wide"  # the script now says, and wins


def test_unrelated_rewrite_archives_and_adds_instead_of_pretending_an_edit():
    project = project_from("INT. A - DAY\n\nShe drinks coffee by the window.\n")
    (old,) = ids(project)
    report = apply_script(project, "INT. A - DAY\n\nA helicopter lands on the roof.\n")
    assert report.archived == [old]
    assert len(report.added) == 1 and ids(project) == report.added
