"""Requests planned from shots: sizes, frames, seeds and prompts per backend and model family."""

from dataclasses import dataclass, field, replace

import pytest

from studio.core.model import Character, Project, Take, TakeState
from studio.core.request import ImageRequest, Lora, VideoRequest
from studio.core.script.importer import apply_script
from studio.core.targets import ReferenceTarget
from studio.engine.families import rules_for
from studio.engine.planning import (
    GenerationSettings,
    plan,
    reference_requests,
    regenerate,
    shot_seed,
)
from studio.engine.prompts import compose_prompt, setting_of

SCRIPT = """INT. LOBBY - NIGHT

CLOSE ON a soaked delivery box.

MAYA
(whispering)
Adrian?
"""


@dataclass
class Entry:
    """The registry fields planning reads (a real registry entry has more)."""

    name: str
    kind: str
    family: str
    hash: str = "abc123"
    problems: list = field(default_factory=list)


class Registry:
    def __init__(self, *entries: Entry) -> None:
        self.entries = {e.name: e for e in entries}

    def get(self, name: str) -> Entry:
        if name not in self.entries:
            raise KeyError(f"no model {name!r} installed")
        return self.entries[name]


@pytest.fixture
def project() -> Project:
    p = Project(title="Glass", style="neo-noir, teal and orange")
    apply_script(p, SCRIPT)
    maya = p.character("MAYA")
    maya.description = "24, courier jacket, wet black hair"
    maya.reference_images = ["characters/maya.png"]
    return p


def pairs(project):
    return [(scene, shot) for scene in project.episodes[0].scenes for shot in scene.shots]


def test_animatic_requests_match_the_shot_and_the_project_aspect(project):
    requests = plan(project, pairs(project), GenerationSettings())
    box, maya = requests
    assert isinstance(box, ImageRequest) and box.backend == "animatic"
    assert (box.width, box.height) == (576, 1024)
    assert box.frames == project.episodes[0].scenes[0].shots[0].duration_frames
    assert box.fps == "30/1"
    assert maya.brief.dialogue == ("MAYA: Adrian?",)
    assert maya.seed == project.character("MAYA").seed, "a character's seed keeps her look"


def test_prompts_compose_framing_action_bible_setting_and_style(project):
    scene = project.episodes[0].scenes[0]
    box, maya = scene.shots
    assert compose_prompt(project, box, scene.heading).startswith(
        "close on shot, a soaked delivery box., interior, lobby, night, neo-noir, teal and orange"
    )
    text = compose_prompt(project, maya, scene.heading)
    assert "Maya talking to camera, whispering" in text
    assert "Maya: 24, courier jacket, wet black hair" in text
    maya.prompt = "my own prompt"
    assert compose_prompt(project, maya, scene.heading) == "my own prompt"
    assert setting_of("EXT. ROOF - LATER") == "exterior, roof, later"


def test_variations_get_new_seeds_and_a_fixed_seed_applies_to_all(project):
    requests = plan(project, pairs(project)[:1], GenerationSettings(variations=4))
    assert requests[0].seed == shot_seed(project, project.episodes[0].scenes[0].shots[0])
    assert len({r.seed for r in requests}) == 4
    fixed = plan(project, pairs(project), GenerationSettings(seed=7))
    assert {r.seed for r in fixed} == {7}


def test_image_model_gets_its_family_size_and_references(project):
    registry = Registry(Entry("tiny-sdxl", "text-to-image", "sdxl"))
    settings = GenerationSettings(backend="diffusers", model="tiny-sdxl", ip_adapter="ipa")
    box, maya = plan(project, pairs(project), settings, registry)
    assert (maya.width, maya.height, maya.steps) == (768, 1344, 30)
    assert maya.model_hash == "abc123"
    assert maya.references == ("characters/maya.png",) and maya.ip_adapter == "ipa"
    assert box.references == ()
    small = GenerationSettings(backend="diffusers", model="tiny-sdxl", size=(100, 200), steps=2)
    assert {
        (r.width, r.height, r.steps) for r in plan(project, pairs(project), small, registry)
    } == {(96, 200, 2)}


def test_style_and_character_loras_are_attached_once(project):
    project.loras = [Lora("loras/noir.safetensors", 0.6)]
    project.character("MAYA").loras = [
        Lora("loras/maya.safetensors", 0.9),
        Lora("loras/noir.safetensors", 1.0),
    ]
    registry = Registry(Entry("sd", "text-to-image", "sd15"))
    box, maya = plan(project, pairs(project), GenerationSettings("diffusers", "sd"), registry)
    assert box.loras == (Lora("loras/noir.safetensors", 0.6),)
    assert maya.loras == (Lora("loras/noir.safetensors", 0.6), Lora("loras/maya.safetensors", 0.9))


def test_video_models_follow_their_frame_rules(project):
    registry = Registry(Entry("wan", "text-to-video", "wan"), Entry("ltx", "text-to-video", "ltx"))
    shot = pairs(project)[0][1]
    seconds = float(project.fps.seconds(shot.duration_frames))
    for name, step in (("wan", 4), ("ltx", 8)):
        (request,) = plan(
            project, pairs(project)[:1], GenerationSettings("diffusers", name), registry
        )
        assert isinstance(request, VideoRequest)
        rules = rules_for(name)
        assert (request.frames - 1) % step == 0
        assert request.frames / float(eval(rules.fps)) >= seconds
        assert request.width % rules.multiple == 0 and request.height % rules.multiple == 0


def test_image_to_video_starts_from_the_approved_keyframe(project):
    registry = Registry(Entry("svd", "image-to-video", "svd"))
    settings = GenerationSettings("diffusers", "svd")
    with pytest.raises(ValueError, match="no approved image take"):
        plan(project, pairs(project)[:1], settings, registry)
    shot = pairs(project)[0][1]
    shot.takes = [Take("tk-1", "takes/x/tk-1.mp4", ImageRequest(shot_id="x"), TakeState.DONE)]
    shot.approve("tk-1")
    (request,) = plan(project, pairs(project)[:1], settings, registry)
    assert request.init_image == "takes/x/tk-1.png"


def test_unusable_models_are_refused_with_the_reason(project):
    registry = Registry(
        Entry("lora", "lora", ""), Entry("broken", "text-to-image", "sd15", problems=["no weights"])
    )
    for name, message in (
        ("lora", "not a model that makes shots"),
        ("broken", "no weights"),
        ("absent", "no model 'absent'"),
    ):
        with pytest.raises(ValueError, match=message):
            plan(project, pairs(project), GenerationSettings("diffusers", name), registry)
    with pytest.raises(ValueError, match="unknown backend"):
        plan(project, pairs(project), GenerationSettings("comfy"))


def test_distilled_models_take_few_steps_and_no_guidance():
    assert (rules_for("sdxl", "sdxl-turbo").steps, rules_for("sdxl", "sdxl-turbo").guidance) == (
        4,
        0.0,
    )
    assert rules_for("flux", "FLUX.1-schnell").steps == 4
    with pytest.raises(KeyError):
        rules_for("dalle")


def test_character_bible_is_optional():
    project = Project(title="t", characters=[Character("NOBODY")])
    apply_script(project, SCRIPT)
    assert "Maya" in compose_prompt(project, pairs(project)[1][1], "")


def test_reference_requests_portray_the_character_from_the_bible(project):
    maya = project.character("MAYA")
    maya.loras = [Lora("loras/maya.safetensors", 0.9)]
    drawn = reference_requests(project, maya, GenerationSettings(variations=3))
    assert len(drawn) == 3 and drawn[0].seed == maya.seed and len({r.seed for r in drawn}) == 3
    assert drawn[0].brief.characters == ("MAYA",) and drawn[0].frames == 1
    assert all(r.target == ReferenceTarget("MAYA") and not r.shot_id for r in drawn)
    registry = Registry(Entry("sd", "text-to-image", "sd15"), Entry("svd", "image-to-video", "svd"))
    (portrait,) = reference_requests(project, maya, GenerationSettings("diffusers", "sd"), registry)
    assert "Maya, 24, courier jacket, wet black hair, front view" in portrait.prompt
    assert portrait.loras == (Lora("loras/maya.safetensors", 0.9),)
    assert (portrait.width, portrait.height) == (512, 896)
    with pytest.raises(ValueError, match="references need an image model"):
        reference_requests(project, maya, GenerationSettings("diffusers", "svd"), registry)


def test_regenerate_takes_the_typed_request_of_a_take(project):
    (request,) = plan(project, pairs(project)[:1], GenerationSettings())
    again = regenerate(request, seed=9, prompt="rain")
    assert again == replace(request, seed=9, prompt="rain") and regenerate(request) == request
    with pytest.raises(ValueError, match="has no field sharpness"):
        regenerate(request, sharpness=2)
    with pytest.raises(ValueError, match="no request to make it again from"):
        regenerate(None)  # imported footage, or a stored request this version cannot read
