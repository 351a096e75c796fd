// Small DOM helpers shared by the views: elements, icons, dates, <picture> sources, the alert
// banner, the undo toast and the lightbox. Everything user-supplied goes in through textContent,
// never HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const ICONS = {
  heart:
    "M12 21s-7.5-4.6-9.6-9.2C.9 8.4 2.9 4.5 6.6 4.5c2.1 0 3.6 1.2 4.4 2.6.8-1.4 2.3-2.6 4.4-2.6 3.7 0 5.7 3.9 4.2 7.3C19.5 16.4 12 21 12 21z",
  trash:
    "M9 3h6l1 2h4v2H4V5h4l1-2zm-3 6h12l-1 12H7L6 9zm4 2v8h2v-8h-2zm4 0v8h2v-8h-2z",
};

export function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon", `icon-${name}`);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  svg.append(path);
  return svg;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : dateFormat.format(d);
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes <= 0) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

// Fills `picture` (holding `img`) from an image's `sources` (docs/api.md): each rendition format
// the server lists (AVIF, then WebP, once made) becomes a <source type srcset sizes>, in order, so
// the browser takes the first type it decodes and, within it, the narrowest candidate that covers
// `sizes` at its pixel density. The last entry, the stored JPEG pair (thumbnail and full image),
// is the <img>'s own srcset (only with `fullJpeg`: the lightbox), and `src` (the thumbnail in the
// grid) serves a browser without srcset. An answer without `sources` leaves the <img> with `src`.
export function fillPicture(picture, img, sources, sizes, src, { fullJpeg = true } = {}) {
  const list = Array.isArray(sources) ? sources.filter((s) => s && s.srcset) : [];
  const jpeg = list.at(-1);
  picture.replaceChildren(
    ...list.slice(0, -1).map((s) => el("source", { type: s.type, sizes, srcset: s.srcset })),
    img,
  );
  img.sizes = sizes;
  // A tile whose renditions are pending (or off) keeps to its thumbnail: the JPEG pair's other
  // candidate is the full image, megabytes for a 2x tile.
  if (jpeg && fullJpeg) img.srcset = jpeg.srcset;
  else img.removeAttribute("srcset");
  img.src = src;
}

// Drops what fillPicture set, so a closed view loads nothing more.
function emptyPicture(picture, img) {
  picture.replaceChildren(img);
  img.removeAttribute("srcset");
  img.removeAttribute("sizes");
  img.removeAttribute("src");
}

// The widest candidate of a srcset ("URL 256w, URL 1024w"), in px; 0 when none says.
export function widestCandidate(srcset) {
  let widest = 0;
  for (const m of String(srcset || "").matchAll(/\s(\d+)w(?:,|$)/g)) widest = Math.max(widest, Number(m[1]));
  return widest;
}

// The role=alert banner: one message at a time, until dismissed or replaced.
export function createBanner() {
  const box = $("banner");
  const text = $("banner-text");
  const hide = () => {
    box.hidden = true;
  };
  $("banner-close").addEventListener("click", hide);
  return {
    show(message) {
      text.textContent = message;
      box.hidden = false;
    },
    hide,
  };
}

// The snackbar with "Undo". show() resolves "undo" when it is pressed, "timeout" after `ms`, or
// "replaced" when another toast takes its place.
export function createToast() {
  const box = $("toast");
  const text = $("toast-text");
  const undo = $("toast-undo");
  let pending = null;

  function finish(outcome) {
    if (!pending) return;
    const { resolve, timer } = pending;
    pending = null;
    clearTimeout(timer);
    const hadFocus = box.contains(document.activeElement);
    box.hidden = true;
    resolve({ outcome, hadFocus });
  }
  undo.addEventListener("click", () => finish("undo"));
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") finish("timeout");
  });

  return {
    show(message, ms = 8000) {
      finish("replaced");
      text.textContent = message;
      box.hidden = false;
      return new Promise((resolve) => {
        pending = { resolve, timer: setTimeout(() => finish("timeout"), ms) };
      });
    },
    focusUndo: () => undo.focus(),
  };
}

// The width the lightbox shows an image at, as `sizes`: no wider than the image itself (the JPEG
// pair's widest candidate when the answer has no width, as favorites.list), the dialog
// (style.css .lightbox: min(1100px, 100vw - 24px)) or, for its aspect ratio, the height left
// under the viewport's (.lightbox img: 100vh - 180px). At 1280 x 860 a square image is 680 px:
// the 1024 rendition at 1x, the 2048 (where the image has one) at 2x.
function lightboxSizes(item) {
  const width = item.width || widestCandidate(item.sources?.at(-1)?.srcset);
  const limits = ["1100px", "calc(100vw - 24px)"];
  if (width) limits.unshift(`${width}px`);
  if (item.width && item.height) limits.push(`calc((100vh - 180px) * ${(item.width / item.height).toFixed(4)})`);
  return `min(${limits.join(", ")})`;
}

// The full-size view: a modal <dialog> (Escape closes it, focus returns to the thumbnail).
export function createLightbox() {
  const dialog = $("lightbox");
  const picture = $("lightbox-picture");
  const img = $("lightbox-img");
  const prompt = $("lightbox-prompt");
  const date = $("lightbox-date");
  const size = $("lightbox-size");
  const open = $("lightbox-open");
  let opener = null;

  $("lightbox-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (e) => {
    if (e.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener("close", () => {
    emptyPicture(picture, img);
    if (opener && opener.isConnected) opener.focus();
    opener = null;
  });

  return {
    show(item, from) {
      opener = from;
      img.alt = item.prompt;
      if (item.width && item.height) {
        img.width = item.width;
        img.height = item.height;
      } else {
        img.removeAttribute("width");
        img.removeAttribute("height");
      }
      fillPicture(picture, img, item.sources, lightboxSizes(item), item.url);
      prompt.textContent = item.prompt;
      date.textContent = formatDate(item.createdAt);
      date.dateTime = item.createdAt;
      const dims = item.width && item.height ? `${item.width} × ${item.height}` : "";
      size.textContent = [dims, formatBytes(item.bytes)].filter(Boolean).join(" · ");
      open.href = item.url;
      dialog.showModal();
      $("lightbox-close").focus();
    },
  };
}
