// The grid: History (GET /api/history, one tile per image, newest first) and Favorites
// (GET /api/favorites), loaded a page at a time as a sentinel below the grid scrolls into view.
// Hearts toggle favorites; the bin deletes a whole generation with an Undo that restores it.
// A generation being made shows a pending tile per image still to come, each replaced by its image
// as the job's events say it is stored, with Cancel; a page reloaded mid-generation picks the job
// up again from history (its status) and its events.
// Each thumbnail is a <picture> of the image's `sources`: AVIF and WebP renditions once the server
// has made them, the stored JPEG pair before that (docs/web.md, "Renditions").
import { $, el, fillPicture, icon, formatDate, truncate } from "./ui.js";
import { thumbHashToDataUrl } from "./thumbhash.js";

const PAGE = { history: 12, favorites: 30 };
// `sizes` for tiles while the grid cannot be measured (not laid out): about the widest column of
// style.css's .grid above phone width, so 1x screens take the 256 candidate and 2x the 512.
const TILE_SIZES_UNMEASURED = "240px";

// One shape for both listings.
function fromGeneration(gen) {
  return (gen.images || []).map((img) => ({
    jobId: gen.job_id,
    index: img.index,
    prompt: gen.prompt || "",
    createdAt: gen.created_at,
    url: img.url,
    thumbUrl: img.thumbnail_url || img.url,
    sources: img.sources || [],
    thumbhash: img.thumbhash || "",
    favorite: Boolean(img.favorite),
    archived: Boolean(img.archived),
    width: img.width,
    height: img.height,
    bytes: img.bytes,
    imageCount: gen.image_count || (gen.images || []).length,
  }));
}

function fromFavorite(fav) {
  return {
    jobId: fav.job_id,
    index: fav.image_index,
    prompt: fav.prompt || "",
    createdAt: fav.created_at,
    url: fav.url,
    thumbUrl: fav.thumbnail_url || fav.url,
    sources: fav.sources || [],
    thumbhash: fav.thumbhash || "",
    favorite: true,
    archived: Boolean(fav.archived),
  };
}

export function createGallery({ api, lightbox, toast, report, onChange }) {
  const grid = $("grid");
  const empty = $("empty");
  const sentinel = $("sentinel");
  const more = $("more");
  const total = $("total");
  const title = $("grid-title");
  const tabs = [$("view-history"), $("view-favorites")];

  let view = "history";
  let cursor = null;
  let done = false;
  let loading = null;
  let epoch = 0; // bumped on every reset: answers for an older listing are dropped
  let totalCount = null;
  let watching = new AbortController(); // the event streams of this listing's jobs

  function setTotal(n) {
    totalCount = n;
    total.textContent = n === null ? "" : `${n} generation${n === 1 ? "" : "s"}`;
  }

  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) loadMore();
    },
    { rootMargin: "600px 0px" },
  );
  observer.observe(sentinel);

  // The grid's columns as laid out (style.css .grid: as many as fit, each at least
  // min(200px, 42vw)), in CSS px; empty while the grid is not displayed.
  function columnWidths() {
    return getComputedStyle(grid)
      .gridTemplateColumns.split(" ")
      .map(parseFloat)
      .filter((w) => w > 0);
  }

  // The tiles' `sizes` is the real column width, so the browser takes, per tile, the narrowest
  // candidate that covers it at the screen's density (at 1280 px, 213 px columns: 256w at 1x,
  // 512w at 2x); `columns` says how many tiles the first row holds. Measured before each batch
  // of tiles (one layout, not one per tile) and whenever the grid's size changes.
  const layout = { sizes: TILE_SIZES_UNMEASURED, columns: 1 };
  function measureTiles() {
    const widths = columnWidths();
    const sizes = widths.length ? `${Math.ceil(widths[0])}px` : TILE_SIZES_UNMEASURED;
    const changed = sizes !== layout.sizes;
    layout.sizes = sizes;
    layout.columns = Math.max(1, widths.length);
    return changed;
  }
  new ResizeObserver(() => {
    if (!measureTiles()) return;
    for (const node of grid.querySelectorAll(".thumb source, .thumb img")) node.sizes = layout.sizes;
  }).observe(grid);

  // A tile's image loads at once in the grid's first row (what the page opens on) and lazily
  // below it, as it nears the viewport; `position` is the tile's place in the grid.
  function tileFor(item, position) {
    const img = el("img", {
      alt: item.prompt || "Generated image",
      loading: position < layout.columns ? "eager" : "lazy",
      decoding: "async",
      width: 256,
      height: 256,
    });
    img.addEventListener("error", () => tile.classList.add("broken"), { once: true });
    const picture = el("picture");
    fillPicture(picture, img, item.sources, layout.sizes, item.thumbUrl, { fullJpeg: false });
    const thumb = el("button", { type: "button", class: "thumb", title: "Open full image" }, picture);
    // The image's ThumbHash, blurred colours of the right shape, until the thumbnail paints over it.
    const placeholder = thumbHashToDataUrl(item.thumbhash);
    if (placeholder) {
      thumb.style.backgroundImage = `url("${placeholder}")`;
      thumb.classList.add("has-placeholder");
    }
    thumb.addEventListener("click", () => lightbox.show(item, thumb));
    if (item.archived) thumb.append(el("span", { class: "badge", text: "Archived" }));

    const heart = el(
      "button",
      {
        type: "button",
        class: "icon-btn heart",
        "aria-pressed": String(item.favorite),
        "aria-label": "Favorite",
        title: "Favorite",
      },
      icon("heart"),
    );
    heart.addEventListener("click", () => toggleFavorite(item, heart, tile));

    const bin = el(
      "button",
      {
        type: "button",
        class: "icon-btn delete",
        "aria-label": "Delete generation",
        title: item.imageCount > 1 ? `Delete this generation (${item.imageCount} images)` : "Delete this generation",
      },
      icon("trash"),
    );
    bin.addEventListener("click", () => deleteJob(item));

    const tile = el(
      "li",
      { class: "tile", "data-job": item.jobId, "data-index": item.index },
      thumb,
      el(
        "div",
        { class: "tile-meta" },
        el("p", { class: "tile-prompt", title: item.prompt, text: truncate(item.prompt, 90) }),
        el("time", { datetime: item.createdAt, text: formatDate(item.createdAt) }),
      ),
      el("div", { class: "tile-actions" }, heart, bin),
    );
    return tile;
  }

  // The place of an image being generated (aria-busy, a spinner), with Cancel once the job is known.
  function pendingTile(jobId, index) {
    const cancel = el("button", { type: "button", class: "cancel-job", text: "Cancel" });
    cancel.hidden = !jobId;
    const tile = el(
      "li",
      { class: "tile pending", "aria-busy": "true" },
      el("div", { class: "thumb skeleton" }, el("span", { class: "spinner", "aria-hidden": "true" })),
      el("div", { class: "tile-meta" }, el("p", { class: "tile-prompt", text: "Generating…" }), cancel),
    );
    if (jobId) tile.dataset.job = jobId;
    if (index !== undefined) tile.dataset.index = index;
    return tile;
  }

  // Follows `job`'s events: each stored image takes its pending tile's place; at the end the
  // tiles still pending go. Resolves with the finished job (null when the listing went away or
  // the stream failed).
  function watch(job, pending) {
    const waiting = new Map(pending.map((t) => [Number(t.dataset.index), t]));
    const signal = watching.signal;
    for (const tile of pending) {
      const cancel = tile.querySelector(".cancel-job");
      cancel.hidden = false;
      cancel.addEventListener("click", async () => {
        for (const t of waiting.values()) {
          const b = t.querySelector(".cancel-job");
          b.disabled = true;
          b.textContent = "Canceling…";
        }
        try {
          await api.cancelJob(job.job_id);
        } catch (error) {
          report(error);
        }
      });
    }
    let finished = null;
    const onEvent = (event) => {
      if (event.event === "image") {
        const image = JSON.parse(event.data);
        const tile = waiting.get(image.index);
        if (!tile) return; // already shown (the listing had it)
        waiting.delete(image.index);
        const [item] = fromGeneration({ ...job, images: [image], image_count: job.count });
        measureTiles();
        tile.replaceWith(tileFor(item, [...grid.children].indexOf(tile)));
      } else if (event.event === "done" || event.event === "failed") {
        finished = JSON.parse(event.data);
      }
    };
    return api
      .events(job.job_id, onEvent, signal)
      .catch((error) => {
        if (!signal.aborted) report(error);
      })
      .then(() => {
        if (signal.aborted) return null;
        for (const t of waiting.values()) t.remove();
        refreshEmpty();
        return finished;
      });
  }

  // A generation of the listing still being made: its pending images after its stored ones.
  async function resume(gen, marker) {
    try {
      const job = await api.job(gen.job_id);
      const pending = job.images.filter((i) => i.status === "pending").map((i) => pendingTile(job.job_id, i.index));
      marker.replaceWith(...pending);
      if (job.status === "queued" || job.status === "running") await watch(job, pending);
      else for (const t of pending) t.remove();
    } catch (error) {
      marker.remove();
      report(error);
    }
  }

  function refreshEmpty() {
    const visible = grid.querySelector(".tile:not([hidden])");
    empty.hidden = Boolean(visible) || loading !== null || !done;
    empty.textContent =
      view === "history"
        ? "No images yet. Describe one above and press Generate."
        : "No favorites yet. Press the heart on an image to keep it here.";
  }

  async function loadMore() {
    if (loading || done) return loading;
    const mine = epoch;
    more.hidden = false;
    loading = (async () => {
      try {
        if (view === "history") {
          const page = await api.history(PAGE.history, cursor);
          if (mine !== epoch) return;
          measureTiles();
          for (const gen of page.generations || []) {
            for (const item of fromGeneration(gen)) grid.append(tileFor(item, grid.childElementCount));
            if (gen.status === "queued" || gen.status === "running") {
              const marker = el("li", { class: "tile", hidden: true, "data-job": gen.job_id });
              grid.append(marker);
              resume(gen, marker);
            }
          }
          cursor = page.next_cursor || null;
          if (typeof page.total_count === "number") setTotal(page.total_count);
        } else {
          const page = await api.favorites(PAGE.favorites, cursor);
          if (mine !== epoch) return;
          measureTiles();
          for (const fav of page.favorites || []) grid.append(tileFor(fromFavorite(fav), grid.childElementCount));
          cursor = page.next_cursor || null;
        }
        done = !cursor;
      } catch (error) {
        if (mine !== epoch) return;
        done = true; // no retry loop on errors; switching views or reloading tries again
        report(error);
      } finally {
        if (mine === epoch) {
          loading = null;
          more.hidden = true;
          grid.setAttribute("aria-busy", "false");
          refreshEmpty();
          // The sentinel may still be in view (a short page): observe again to re-check.
          if (!done) {
            observer.unobserve(sentinel);
            observer.observe(sentinel);
          }
        }
      }
    })();
    return loading;
  }

  function reset(next) {
    epoch += 1;
    watching.abort();
    watching = new AbortController();
    view = next;
    cursor = null;
    done = false;
    loading = null;
    grid.replaceChildren();
    grid.setAttribute("aria-busy", "true");
    empty.hidden = true;
    setTotal(null);
    title.textContent = view === "history" ? "History" : "Favorites";
    for (const tab of tabs) tab.setAttribute("aria-pressed", String(tab.dataset.view === view));
  }

  async function show(next) {
    reset(next);
    await loadMore();
  }

  async function toggleFavorite(item, heart, tile) {
    const want = heart.getAttribute("aria-pressed") !== "true";
    heart.setAttribute("aria-pressed", String(want));
    heart.disabled = true;
    try {
      if (want) await api.favorite(item.jobId, item.index);
      else await api.unfavorite(item.jobId, item.index);
      item.favorite = want;
      if (view === "favorites" && !want) {
        tile.remove();
        refreshEmpty();
      }
    } catch (error) {
      heart.setAttribute("aria-pressed", String(!want));
      report(error);
    } finally {
      heart.disabled = false;
    }
  }

  async function deleteJob(item) {
    const tiles = [...grid.querySelectorAll(".tile")].filter((t) => t.dataset.job === item.jobId);
    const after = tiles.at(-1)?.nextElementSibling;
    for (const t of tiles) t.hidden = true;
    refreshEmpty();
    try {
      await api.deleteJob(item.jobId);
    } catch (error) {
      for (const t of tiles) t.hidden = false;
      refreshEmpty();
      report(error);
      return;
    }
    const mine = epoch; // the count belongs to this listing only
    const counted = view === "history" && totalCount !== null;
    if (counted) setTotal(Math.max(0, totalCount - 1));
    onChange();
    const shown = toast.show(`Deleted “${truncate(item.prompt || "generation", 40)}”`);
    toast.focusUndo();
    const { outcome, hadFocus } = await shown;
    if (outcome === "undo") {
      try {
        await api.restoreJob(item.jobId);
        for (const t of tiles) t.hidden = false;
        if (counted && mine === epoch) setTotal(totalCount + 1);
        refreshEmpty();
        onChange();
        tiles[0]?.querySelector(".thumb")?.focus();
        return;
      } catch (error) {
        report(error);
      }
    }
    for (const t of tiles) t.remove();
    refreshEmpty();
    if (hadFocus) (after?.querySelector(".thumb") || $("prompt")).focus();
  }

  // Tiles that hold the place of images being generated, at the top, before the job is known.
  function placeholders(count) {
    const made = [];
    for (let i = 0; i < count; i += 1) made.push(pendingTile(undefined, i));
    grid.prepend(...made);
    empty.hidden = true;
    return {
      // The job was accepted (202): the tiles fill in as its images are stored. Resolves with the
      // finished job.
      follow(job) {
        for (const t of made) t.dataset.job = job.job_id;
        if (totalCount !== null) setTotal(totalCount + 1);
        return watch(job, made);
      },
      remove() {
        for (const t of made) t.remove();
        refreshEmpty();
      },
    };
  }

  for (const tab of tabs) tab.addEventListener("click", () => show(tab.dataset.view));

  return {
    show,
    placeholders,
    get view() {
      return view;
    },
    clear() {
      reset("history");
      done = true;
    },
  };
}
