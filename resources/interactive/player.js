/* The interactive episode's player: plays the story's segments, keeps its variables and shows
 * the choices. No network and no framework: the story graph and the captions are read from
 * index.html itself, so the package plays from a folder (file://) as well as from a server.
 *
 * What a segment does, in order: its [[set: …]] notes apply as it starts; its video plays; over
 * its last `choice_seconds` the options whose condition holds are shown, with a countdown of
 * `timeout_seconds` (then the default option is taken: the one marked default if shown, else
 * the first shown); when the video ends, the chosen option's segment plays (the viewer who chose
 * early sees the segment to its end first), a divert goes on by itself, and an ending or a dead
 * end shows the end screen.
 *
 * For tests and embedding: #player carries data-segment (the segment playing) and data-state
 * (loading | playing | waiting | ended), and window.storyLog lists what happened
 * ({event, segment, ...}: segment-start, choices, choice (how: click | key | timeout),
 * segment-end (currentTime, duration), divert, end (ending), restart, blocked).
 */
(function () {
  "use strict";

  var MAX_VALUE = 1000000;
  var OPS = {
    "==": function (a, b) { return a === b; },
    "!=": function (a, b) { return a !== b; },
    "<": function (a, b) { return a < b; },
    "<=": function (a, b) { return a <= b; },
    ">": function (a, b) { return a > b; },
    ">=": function (a, b) { return a >= b; }
  };

  var story = JSON.parse(document.getElementById("story").textContent);
  var captionTexts = JSON.parse(document.getElementById("captions").textContent || "{}");
  var byLabel = new Map(story.segments.map(function (s) { return [s.label, s]; }));
  var el = function (id) { return document.getElementById(id); };
  var player = el("player");
  var stage = el("stage");
  var choicesBox = el("choices");
  var optionsBox = el("options");
  var bar = el("countdown-bar");
  var soundButton = el("sound");
  var playButton = el("play");
  var endBox = el("end");

  var log = [];
  window.storyLog = log;

  var state = {
    label: null,
    variables: {},
    phase: "loading",
    shown: null, // the options on screen, once shown for this segment
    chosen: null,
    remaining: 0, // milliseconds left to choose
    userPaused: false,
    muted: true,
    emptyRun: 0 // segments with no video entered in a row (a loop of them stops)
  };
  var videos = new Map(); // label -> <video>: the one playing and the next ones, preloading
  var current = null;
  var tick = 0;
  var captionUrls = new Map();

  function record(event, fields) {
    var entry = { event: event, segment: state.label };
    log.push(Object.assign(entry, fields || {}));
  }

  function setPhase(phase) {
    state.phase = phase;
    player.dataset.state = phase;
  }

  function apply(assignment, variables) {
    var old = variables[assignment.name] || 0;
    var value = assignment.op === "=" ? assignment.value
      : assignment.op === "+=" ? old + assignment.value : old - assignment.value;
    variables[assignment.name] = Math.max(-MAX_VALUE, Math.min(MAX_VALUE, value));
  }

  function available(segment, variables) {
    return segment.options.filter(function (o) {
      return o.condition === null || OPS[o.condition.op](variables[o.condition.name] || 0,
                                                         o.condition.value);
    });
  }

  function captionUrl(label) {
    if (captionUrls.has(label)) return captionUrls.get(label);
    var text = captionTexts[label];
    var segment = byLabel.get(label);
    // From file:// a page may not load a neighbouring .vtt; a blob of the inline text it may.
    var url = text ? URL.createObjectURL(new Blob([text], { type: "text/vtt" }))
      : segment.captions || null;
    captionUrls.set(label, url);
    return url;
  }

  function placeCues(track) {
    // Above the bottom third, where the choices appear (and as burned captions sit).
    Array.prototype.forEach.call(track.cues || [], function (cue) {
      cue.snapToLines = false;
      cue.line = 64;
      cue.lineAlign = "end";
    });
  }

  function videoFor(label) {
    var video = videos.get(label);
    if (video) return video;
    video = document.createElement("video");
    video.className = "clip";
    video.preload = "auto";
    video.playsInline = true;
    video.setAttribute("playsinline", "");
    video.muted = state.muted;
    video.hidden = true;
    video.dataset.segment = label;
    video.src = byLabel.get(label).video;
    var url = captionUrl(label);
    if (url) {
      var track = document.createElement("track");
      track.kind = "captions";
      track.label = "Captions";
      track.srclang = document.documentElement.lang || "en";
      track.default = !story.captions_burned;
      track.src = url;
      track.addEventListener("load", function () { placeCues(track.track); });
      video.appendChild(track);
    }
    video.addEventListener("loadedmetadata", function () { if (video === current) nearEnd(); });
    video.addEventListener("timeupdate", function () { if (video === current) nearEnd(); });
    video.addEventListener("ended", function () { if (video === current) segmentEnded(); });
    stage.appendChild(video);
    videos.set(label, video);
    return video;
  }

  function preload(labels) {
    labels.forEach(function (label) {
      var segment = byLabel.get(label);
      if (segment && segment.video) videoFor(label);
    });
    videos.forEach(function (video, label) {
      if (video !== current && labels.indexOf(label) < 0) {
        video.pause();
        video.removeAttribute("src");
        video.load();
        video.remove();
        videos.delete(label);
      }
    });
  }

  function play(video) {
    video.muted = state.muted;
    var started = video.play();
    if (started && started.catch) {
      started.catch(function () {
        if (video === current && video.paused && state.phase === "playing") {
          playButton.hidden = false;
          record("blocked");
        }
      });
    }
  }

  function enter(label) {
    var segment = byLabel.get(label);
    stopCountdown();
    choicesBox.hidden = true;
    optionsBox.replaceChildren();
    endBox.hidden = true;
    state.label = label;
    state.shown = null;
    state.chosen = null;
    state.userPaused = false;
    player.dataset.segment = label;
    segment.sets.forEach(function (a) { apply(a, state.variables); });
    setPhase("playing");
    record("segment-start", { variables: Object.assign({}, state.variables) });
    var next = segment.options.map(function (o) { return o.target; });
    if (!segment.video) { // nothing to play: straight on to its exit
      current = null;
      preload(next);
      state.emptyRun += 1;
      if (state.emptyRun > story.segments.length) return finish("dead-end");
      record("segment-end", { currentTime: 0, duration: 0 });
      return leave();
    }
    state.emptyRun = 0;
    var video = videoFor(label);
    current = video;
    videos.forEach(function (v) {
      v.hidden = v !== video;
      if (v !== video) v.pause();
    });
    preload([label].concat(next));
    if (video.currentTime !== 0) video.currentTime = 0; // a segment played again
    play(video);
    nearEnd();
  }

  function nearEnd() {
    var segment = byLabel.get(state.label);
    if (state.phase !== "playing" || state.shown || segment.exit !== "choice") return;
    if (!current || !isFinite(current.duration)) return;
    if (current.duration - current.currentTime <= story.choice_seconds) showChoices();
  }

  function showChoices() {
    var segment = byLabel.get(state.label);
    var shown = available(segment, state.variables);
    state.shown = shown;
    if (!shown.length) return; // the end screen says so when the segment ends
    optionsBox.replaceChildren();
    shown.forEach(function (option, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "option";
      button.dataset.key = String(i + 1);
      var key = document.createElement("span");
      key.className = "key";
      key.setAttribute("aria-hidden", "true");
      key.textContent = String(i + 1);
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = option.text;
      button.append(key, text);
      button.addEventListener("click", function () { choose(option, "click"); });
      optionsBox.appendChild(button);
    });
    choicesBox.hidden = false;
    record("choices", {
      options: shown.map(function (o) { return o.text; }),
      currentTime: current && segment.video ? current.currentTime : 0,
      duration: current && segment.video ? current.duration : 0
    });
    startCountdown();
  }

  function startCountdown() {
    var total = story.timeout_seconds * 1000;
    var last = performance.now();
    state.remaining = total;
    bar.style.transform = "scaleX(1)";
    tick = setInterval(function () {
      var now = performance.now();
      if (!state.userPaused && !document.hidden) state.remaining -= now - last;
      last = now;
      bar.style.transform = "scaleX(" + Math.max(0, state.remaining / total) + ")";
      if (state.remaining <= 0) {
        stopCountdown();
        var option = state.shown.find(function (o) { return o.default; }) || state.shown[0];
        choose(option, "timeout");
      }
    }, 100);
  }

  function stopCountdown() {
    if (tick) clearInterval(tick);
    tick = 0;
  }

  function choose(option, how) {
    if (state.chosen || !state.shown || state.phase === "ended") return;
    state.chosen = option;
    stopCountdown();
    record("choice", { text: option.text, target: option.target, how: how });
    var index = state.shown.indexOf(option);
    Array.prototype.forEach.call(optionsBox.children, function (button, i) {
      button.disabled = true;
      button.classList.toggle("chosen", i === index);
    });
    if (state.phase === "waiting") enter(option.target);
  }

  function segmentEnded() {
    if (state.phase !== "playing") return;
    record("segment-end", { currentTime: current.currentTime, duration: current.duration });
    leave();
  }

  function leave() {
    var segment = byLabel.get(state.label);
    if (segment.exit === "choice") {
      if (!state.shown) showChoices();
      if (!state.shown.length) return finish("no-option");
      if (state.chosen) return enter(state.chosen.target);
      return setPhase("waiting");
    }
    if (segment.exit === "divert" && segment.options.length) {
      record("divert", { target: segment.options[0].target });
      return enter(segment.options[0].target);
    }
    finish(segment.exit === "end" ? "end" : "dead-end");
  }

  function finish(ending) {
    stopCountdown();
    choicesBox.hidden = true;
    setPhase("ended");
    el("end-text").textContent = ending === "end" ? "The End" : "The story stops here";
    endBox.hidden = false;
    record("end", { ending: ending });
    preload([state.label, story.start]);
    el("again").focus();
  }

  function restart() {
    state.variables = {};
    state.emptyRun = 0;
    record("restart");
    enter(story.start);
  }

  function togglePause() {
    if (!current || state.phase !== "playing") return;
    if (current.paused) {
      state.userPaused = false;
      playButton.hidden = true;
      play(current);
    } else {
      state.userPaused = true;
      current.pause();
    }
  }

  function setSound(on) {
    state.muted = !on;
    videos.forEach(function (v) { v.muted = state.muted; });
    soundButton.hidden = on;
    soundButton.setAttribute("aria-pressed", String(on));
  }

  el("again").addEventListener("click", restart);
  soundButton.addEventListener("click", function () { setSound(true); });
  playButton.addEventListener("click", function () {
    playButton.hidden = true;
    state.userPaused = false;
    if (current) play(current);
  });
  stage.addEventListener("click", togglePause);
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (/^[1-9]$/.test(event.key)) {
      var option = state.shown && state.shown[Number(event.key) - 1];
      if (option && !state.chosen) {
        event.preventDefault();
        choose(option, "key");
      }
    } else if (event.key === "m" || event.key === "M") {
      setSound(state.muted);
    } else if (event.key === " " && !(event.target instanceof HTMLButtonElement)) {
      event.preventDefault();
      togglePause();
    }
  });

  enter(story.start);
})();
