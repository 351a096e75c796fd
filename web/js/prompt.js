// The prompt form: a textarea with a character counter (Enter generates, Shift+Enter adds a
// line), the image count and the quality, filled from /api/config's limits.
import { $, el } from "./ui.js";

export function createPromptForm(config, onSubmit) {
  const form = $("prompt-form");
  const prompt = $("prompt");
  const counter = $("prompt-count");
  const count = $("count");
  const quality = $("quality");
  const button = $("generate");
  const max = config.max_prompt_chars || 2000;
  const maxCount = config.max_count || 8;
  const qualities = config.qualities && config.qualities.length ? config.qualities : ["high", "medium", "low"];

  prompt.maxLength = max;
  count.replaceChildren(
    ...Array.from({ length: maxCount }, (_, i) => el("option", { value: i + 1, text: String(i + 1) })),
  );
  count.value = String(Math.min(2, maxCount));
  quality.replaceChildren(...qualities.map((q) => el("option", { value: q, text: q[0].toUpperCase() + q.slice(1) })));
  quality.value = qualities.includes("medium") ? "medium" : qualities[0];

  function updateCounter() {
    const n = prompt.value.length;
    counter.textContent = `${n} / ${max}`;
    counter.classList.toggle("near-limit", n > max * 0.9);
  }
  prompt.addEventListener("input", updateCounter);
  updateCounter();

  prompt.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  let busy = false;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = prompt.value.trim();
    if (busy) return;
    if (!text) {
      prompt.focus();
      return;
    }
    busy = true;
    button.disabled = true;
    button.textContent = "Generating…";
    form.setAttribute("aria-busy", "true");
    try {
      const ok = await onSubmit({ prompt: text, count: Number(count.value), quality: quality.value });
      if (ok) {
        prompt.value = "";
        updateCounter();
      }
    } finally {
      busy = false;
      button.disabled = false;
      button.textContent = "Generate";
      form.setAttribute("aria-busy", "false");
      prompt.focus();
    }
  });
}
