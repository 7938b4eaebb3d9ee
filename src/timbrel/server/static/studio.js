// timbrel studio: reference upload/recording and checks, saving voices, controls, speech.
import { ApiError, apiKey, call, json, setApiKey } from "./api.js";
import { ControlsForm } from "./controls.js";

const $ = (selector) => document.querySelector(selector);
const state = { reference: null, referenceName: "", outputUrl: null, recorder: null };
const form = new ControlsForm($("#controls"), $("#planned"));

function show(message, kind = "error") {
  const box = $("#message");
  box.textContent = message;
  box.className = `message ${kind === "info" ? "info" : ""}`;
  box.hidden = false;
  clearTimeout(show.timer);
  show.timer = setTimeout(() => { box.hidden = true; }, kind === "info" ? 4000 : 9000);
}

function explain(error) {
  if (error instanceof ApiError && error.status === 401) {
    $("#api-key-box").hidden = false;
    return "This server needs an API key: enter it at the top.";
  }
  if (error instanceof ApiError && error.status === 429) {
    return `The server is busy; try again in ${error.retryAfter || "a few"} s.`;
  }
  return error.message;
}

async function guarded(task) {
  try {
    return await task();
  } catch (error) {
    show(explain(error));
    return undefined;
  }
}

// ---- server, voices, controls -------------------------------------------------------

async function connect() {
  const status = $("#server-status");
  try {
    const health = await (await fetch("/health")).json();
    status.textContent = `server ${health.version} · ${health.engine_ready ? "engine ready" : "engine loads on first use"}`;
    status.className = "status ok";
    if (health.api_key_required) $("#api-key-box").hidden = false;
  } catch (error) {
    status.textContent = "server unreachable";
    status.className = "status bad";
    return;
  }
  await guarded(loadControls);
  await guarded(loadVoices);
}

async function loadControls() {
  const description = await json("/v1/controls");
  form.build(description);
  const formats = $("#format");
  formats.replaceChildren(...description.response_formats
    .filter((fmt) => fmt !== "pcm")
    .map((fmt) => new Option(fmt, fmt, fmt === "wav", fmt === "wav")));
  $("#text-max").textContent = description.limits.max_text_chars;
  $("#text").maxLength = description.limits.max_text_chars;
  countText();
}

async function loadVoices(select) {
  const listing = await json("/v1/voices");
  const picker = $("#voice-select");
  const previous = select || picker.value;
  picker.replaceChildren();
  if (!listing.data.length) picker.append(new Option("(none yet: add one below)", ""));
  for (const voice of listing.data) {
    const label = `${voice.name} · ${voice.reference_seconds.toFixed(1)} s${voice.problem ? " · unreadable" : ""}`;
    picker.append(new Option(label, voice.name, false, voice.name === previous));
  }
  updateSpeakButton();
}

async function deleteVoice() {
  const name = $("#voice-select").value;
  if (!name || !confirm(`Delete the voice '${name}'?`)) return;
  await call(`/v1/voices/${encodeURIComponent(name)}`, { method: "DELETE" });
  show(`Deleted '${name}'.`, "info");
  await loadVoices();
}

// ---- reference: upload or record, then check ----------------------------------------

async function useReference(blob, name) {
  state.reference = blob;
  state.referenceName = name;
  const preview = $("#ref-audio");
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(blob);
  preview.hidden = false;
  $("#save-voice").disabled = true;
  const checks = $("#ref-checks");
  checks.textContent = "checking the clip…";
  const body = new FormData();
  body.append("file", blob, name);
  let report;
  try {
    report = await json("/v1/references/check", { method: "POST", body });
  } catch (error) {
    checks.replaceChildren(line("unusable", explain(error)));
    return;
  }
  renderChecks(report);
  $("#save-voice").disabled = !report.usable;
  if (!$("#voice-name").value) {
    $("#voice-name").value = name.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_.-]/g, "-")
      .replace(/^[^A-Za-z0-9]+/, "").slice(0, 64) || "my-voice";
  }
}

function line(kind, text) {
  const node = document.createElement("div");
  node.className = kind;
  node.textContent = text;
  return node;
}

function renderChecks(report) {
  const checks = $("#ref-checks");
  checks.dataset.usable = String(report.usable);
  if (!report.usable) {
    checks.replaceChildren(line("unusable", `Not usable: ${report.error}`));
    return;
  }
  const facts = document.createElement("dl");
  const rows = [
    ["speech used", `${report.seconds} s (of ${report.original_seconds} s)`],
    ["span", `${report.span_seconds[0]}–${report.span_seconds[1]} s`],
    ["bandwidth", `${(report.bandwidth_hz / 1000).toFixed(1)} kHz`],
    ["loudness", `${report.loudness_lufs} LUFS (normalised)`],
  ];
  for (const [term, value] of rows) {
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = term;
    dd.textContent = value;
    facts.append(dt, dd);
  }
  const nodes = [line("usable", report.warnings.length ? "Usable, with warnings" : "Usable ✓"), facts];
  if (report.warnings.length) {
    const list = document.createElement("ul");
    for (const warning of report.warnings) list.append(Object.assign(document.createElement("li"), { textContent: warning }));
    nodes.push(list);
  }
  checks.replaceChildren(...nodes);
}

async function toggleRecording() {
  const button = $("#record");
  if (state.recorder) {
    state.recorder.stop();
    return;
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (error) {
    show(`Cannot record: ${error.message}`);
    return;
  }
  const parts = [];
  const recorder = new MediaRecorder(stream);
  recorder.addEventListener("dataavailable", (event) => parts.push(event.data));
  recorder.addEventListener("stop", () => {
    stream.getTracks().forEach((track) => track.stop());
    state.recorder = null;
    button.textContent = "● Record";
    button.classList.remove("recording");
    const blob = new Blob(parts, { type: recorder.mimeType || "audio/webm" });
    useReference(blob, "recording.webm");
  });
  recorder.start();
  state.recorder = recorder;
  button.textContent = "■ Stop";
  button.classList.add("recording");
}

async function saveVoice(event) {
  event.preventDefault();
  if (!state.reference) { show("Upload or record a reference clip first."); return; }
  const name = $("#voice-name").value.trim();
  const body = new FormData();
  body.append("name", name);
  body.append("consent", $("#voice-consent").value.trim());
  body.append("language", $("#voice-language").value);
  const transcript = $("#voice-transcript").value.trim();
  if (transcript) body.append("transcript", transcript);
  body.append("file", state.reference, state.referenceName);
  const button = $("#save-voice");
  button.disabled = true;
  button.textContent = "Saving…";
  try {
    const voice = await json("/v1/voices", { method: "POST", body });
    if (!transcript) $("#voice-transcript").value = voice.transcript;
    show(`Saved voice '${voice.name}' (${voice.reference_seconds} s).`, "info");
    await loadVoices(voice.name);
  } catch (error) {
    show(explain(error));
  } finally {
    button.disabled = false;
    button.textContent = "Save voice";
  }
}

// ---- speech --------------------------------------------------------------------------

function countText() {
  const length = $("#text").value.length;
  $("#text-count").textContent = length;
  $(".counter").classList.toggle("over", length > Number($("#text-max").textContent));
  updateSpeakButton();
}

function updateSpeakButton() {
  $("#speak").disabled = !$("#voice-select").value || !$("#text").value.trim();
}

// A streamed wav says "unknown length" in its header; fill in the real sizes.
function fixWavHeader(bytes) {
  if (bytes.length < 44 || String.fromCharCode(...bytes.slice(0, 4)) !== "RIFF") return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(4, bytes.length - 8, true);
  view.setUint32(40, bytes.length - 44, true);
  return bytes;
}

function progressText(received, fmt, head) {
  if (fmt === "wav" && head && head.length >= 28) {
    const rate = new DataView(head.buffer, head.byteOffset).getUint32(24, true);
    return `${((received - 44) / (2 * rate)).toFixed(1)} s of audio received`;
  }
  return `${(received / 1024).toFixed(0)} KB received`;
}

async function speak() {
  let controls;
  try {
    controls = form.values();
  } catch (error) {
    show(error.message);
    return;
  }
  const fmt = $("#format").value || "wav";
  const request = {
    model: "timbrel", voice: $("#voice-select").value, input: $("#text").value,
    response_format: fmt, ...controls,
  };
  const button = $("#speak");
  const progress = $("#progress");
  button.disabled = true;
  progress.hidden = false;
  progress.removeAttribute("value");
  $("#progress-text").textContent = "synthesising…";
  try {
    const response = await call("/v1/audio/speech", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request),
    });
    const reader = response.body.getReader();
    const parts = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      received += value.length;
      $("#progress-text").textContent = progressText(received, fmt, parts[0]);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const part of parts) { bytes.set(part, offset); offset += part.length; }
    if (fmt === "wav") fixWavHeader(bytes);
    const type = response.headers.get("Content-Type") || "audio/wav";
    const blob = new Blob([bytes], { type });
    if (state.outputUrl) URL.revokeObjectURL(state.outputUrl);
    state.outputUrl = URL.createObjectURL(blob);
    const audio = $("#output");
    audio.src = state.outputUrl;
    audio.dataset.bytes = String(blob.size);
    const link = $("#download");
    link.href = state.outputUrl;
    link.download = `timbrel-${request.voice}.${fmt === "opus" ? "ogg" : fmt}`;
    link.hidden = false;
    $("#progress-text").textContent = `${progressText(received, fmt, bytes)} · done`;
  } catch (error) {
    $("#progress-text").textContent = "";
    show(explain(error));
  } finally {
    progress.hidden = true;
    updateSpeakButton();
  }
}

// ---- wiring --------------------------------------------------------------------------

function wire() {
  $("#api-key").value = apiKey();
  $("#api-key").addEventListener("change", (event) => { setApiKey(event.target.value.trim()); connect(); });
  $("#ref-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) useReference(file, file.name);
  });
  $("#record").addEventListener("click", toggleRecording);
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    $("#record").disabled = true;
    $("#record").title = "recording needs a browser with MediaRecorder, on localhost or https";
  }
  $("#voice-form").addEventListener("submit", saveVoice);
  $("#voice-select").addEventListener("change", updateSpeakButton);
  $("#delete-voice").addEventListener("click", () => guarded(deleteVoice));
  $("#text").addEventListener("input", countText);
  $("#reset-controls").addEventListener("click", () => form.resetAll());
  $("#speak").addEventListener("click", speak);
  countText();
  connect();
}

wire();
