// The controls form, built from the server's description of SynthesisConfig
// (GET /v1/controls). A control is sent only once the user has touched it; untouched
// controls fall back to the voice's defaults on the server.

// Controls of which at most one may be set at a time (one emotion source).
const EXCLUSIVE = [["emotion", "emotion_text", "emotion_reference"]];
const SLIDER_SPAN_LIMIT = 1000; // wider ranges (e.g. duration in seconds) get a number box only

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (value !== undefined && value !== null) node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function isNumeric(spec) {
  return spec.type === "number" || spec.type === "integer";
}

function arraySpec(spec) {
  if (spec.type === "array") return spec;
  if (spec.type === "union") return spec.options.find((option) => option.type === "array");
  return undefined;
}

export class ControlsForm {
  constructor(container, plannedContainer) {
    this.container = container;
    this.plannedContainer = plannedContainer;
    this.controls = new Map(); // name -> {spec, node, get(), reset()}
    this.touched = new Set();
  }

  build(description) {
    this.container.replaceChildren();
    this.controls.clear();
    this.touched.clear();
    for (const spec of description.fields) this.add(spec);
    this.plannedContainer.replaceChildren();
    for (const planned of description.planned || []) {
      if (planned.supported) continue;
      this.plannedContainer.append(el("fieldset", {
        class: "placeholder", disabled: "", "data-planned": planned.name,
      }, el("legend", { text: `${planned.label} (coming)` }),
      el("div", { text: `${planned.description} — not supported by this server yet; ` +
        "it appears here once the server reports it." })));
    }
  }

  add(spec) {
    const id = `control-${spec.name}`;
    const node = el("div", { class: "control", "data-name": spec.name });
    const label = el("label", { for: id, text: spec.label, title: spec.description });
    const reset = el("button", { type: "button", class: "quiet", text: "reset",
      title: "use the default" });
    node.append(el("div", { class: "head" }, label, reset));
    node.append(el("div", { class: "hint", text: spec.description }));
    const control = this.widget(spec, id, node);
    reset.addEventListener("click", () => { control.reset(); this.untouch(spec.name); });
    this.controls.set(spec.name, { spec, node, ...control });
    this.container.append(node);
  }

  widget(spec, id, node) {
    const array = arraySpec(spec);
    if (array && spec.labels) return this.emotionWidget(spec, id, node);
    if (isNumeric(spec)) return this.numberWidget(spec, id, node);
    if (spec.type === "boolean") return this.booleanWidget(spec, id, node);
    if (spec.choices) return this.choiceWidget(spec, id, node);
    if (array && ["number", "integer"].includes(array.items?.type)) {
      return this.listWidget(spec, id, node);
    }
    if (spec.type === "string") return this.textWidget(spec, id, node);
    return this.jsonWidget(spec, id, node);
  }

  numberWidget(spec, id, node) {
    const step = spec.step || (spec.type === "integer" ? 1 : 0.01);
    const hasRange = spec.minimum !== undefined && spec.maximum !== undefined;
    const box = el("input", { id, type: "number", step, min: spec.minimum, max: spec.maximum,
      placeholder: spec.default ?? "auto", name: spec.name });
    const row = el("div", { class: "value" });
    let slider = null;
    if (hasRange && spec.maximum - spec.minimum <= SLIDER_SPAN_LIMIT) {
      slider = el("input", { type: "range", min: spec.minimum, max: spec.maximum, step,
        "aria-label": spec.label });
      slider.value = spec.default ?? spec.minimum;
      slider.addEventListener("input", () => { box.value = slider.value; this.touch(spec.name); });
      row.append(slider);
    }
    box.addEventListener("input", () => {
      if (box.value === "") { this.untouch(spec.name); return; }
      if (slider) slider.value = box.value;
      this.touch(spec.name);
    });
    row.append(box);
    node.append(row);
    return {
      get: () => (spec.type === "integer" ? parseInt(box.value, 10) : parseFloat(box.value)),
      reset: () => { box.value = ""; if (slider) slider.value = spec.default ?? spec.minimum; },
    };
  }

  booleanWidget(spec, id, node) {
    const box = el("input", { id, type: "checkbox", name: spec.name });
    box.checked = Boolean(spec.default);
    box.addEventListener("change", () => this.touch(spec.name));
    node.append(box);
    return { get: () => box.checked, reset: () => { box.checked = Boolean(spec.default); } };
  }

  choiceWidget(spec, id, node) {
    const select = el("select", { id, name: spec.name },
      el("option", { value: "", text: `default (${spec.default ?? "auto"})` }),
      ...spec.choices.map((choice) => el("option", { value: choice, text: choice })));
    select.addEventListener("change", () => (select.value ? this.touch(spec.name)
      : this.untouch(spec.name)));
    node.append(select);
    return { get: () => select.value, reset: () => { select.value = ""; } };
  }

  textWidget(spec, id, node) {
    const input = el("input", { id, type: "text", name: spec.name, placeholder: spec.description });
    input.addEventListener("input", () => (input.value.trim() ? this.touch(spec.name)
      : this.untouch(spec.name)));
    node.append(input);
    return { get: () => input.value.trim(), reset: () => { input.value = ""; } };
  }

  listWidget(spec, id, node) {
    const input = el("input", { id, type: "text", name: spec.name,
      placeholder: "numbers separated by commas" });
    input.addEventListener("input", () => (input.value.trim() ? this.touch(spec.name)
      : this.untouch(spec.name)));
    node.append(input);
    return {
      get: () => input.value.split(",").map((part) => parseFloat(part)),
      reset: () => { input.value = ""; },
    };
  }

  jsonWidget(spec, id, node) {
    const example = spec.example ? JSON.stringify(spec.example) : "JSON";
    const area = el("textarea", { id, rows: 3, name: spec.name, placeholder: example });
    area.addEventListener("input", () => (area.value.trim() ? this.touch(spec.name)
      : this.untouch(spec.name)));
    node.append(area);
    return { get: () => JSON.parse(area.value), reset: () => { area.value = ""; } };
  }

  emotionWidget(spec, id, node) {
    const defaults = Array.isArray(spec.default) ? spec.default : spec.labels.map(() => 0);
    const presets = el("div", { class: "presets", id });
    const grid = el("div", { class: "sliders" });
    const sliders = spec.labels.map((name, index) => {
      const slider = el("input", { type: "range", min: 0, max: 1, step: 0.05,
        "aria-label": name, "data-emotion": name });
      const shown = el("span");
      slider.value = defaults[index] ?? 0;
      shown.textContent = Number(slider.value).toFixed(2);
      slider.addEventListener("input", () => {
        shown.textContent = Number(slider.value).toFixed(2);
        this.touch(spec.name);
      });
      grid.append(el("span", { text: name }), slider, shown);
      return { slider, shown };
    });
    const set = (values) => sliders.forEach(({ slider, shown }, index) => {
      slider.value = values[index];
      shown.textContent = Number(values[index]).toFixed(2);
    });
    for (const [index, name] of spec.labels.entries()) {
      const button = el("button", { type: "button", text: name, title: `preset: ${name}` });
      button.addEventListener("click", () => {
        set(spec.labels.map((_, other) => (other === index ? 1 : 0)));
        this.touch(spec.name);
      });
      presets.append(button);
    }
    node.append(presets, grid);
    return {
      get: () => sliders.map(({ slider }) => parseFloat(slider.value)),
      reset: () => set(defaults),
    };
  }

  touch(name) {
    this.touched.add(name);
    this.controls.get(name)?.node.classList.add("touched");
    for (const group of EXCLUSIVE) {
      if (!group.includes(name)) continue;
      for (const other of group) {
        if (other !== name && this.touched.has(other)) {
          this.controls.get(other).reset();
          this.untouch(other);
        }
      }
    }
  }

  untouch(name) {
    this.touched.delete(name);
    this.controls.get(name)?.node.classList.remove("touched");
  }

  resetAll() {
    for (const [name, control] of this.controls) {
      control.reset();
      this.untouch(name);
    }
  }

  // The touched controls as request fields; throws with the control's name on bad input.
  values() {
    const out = {};
    for (const name of this.touched) {
      const control = this.controls.get(name);
      let value;
      try {
        value = control.get();
      } catch (error) {
        throw new Error(`${control.spec.label}: ${error.message}`);
      }
      const bad = (item) => typeof item === "number" && Number.isNaN(item);
      if (bad(value) || (Array.isArray(value) && value.some(bad))) {
        throw new Error(`${control.spec.label}: not a number`);
      }
      out[name] = value;
    }
    return out;
  }
}
