// Noisett gallery: boot. Reads /api/config, picks the sign-in (dev or Entra ID), then shows the
// prompt form and the gallery. Every module is plain ES, served as is (no build step).
import { createApi, publicJson, SessionExpiredError } from "./js/api.js";
import { createAuth } from "./js/auth.js";
import { createGallery } from "./js/gallery.js";
import { createPromptForm } from "./js/prompt.js";
import { $, createBanner, createLightbox, createToast } from "./js/ui.js";

// storage.metrics: images and thumbnails together, the split in the tooltip.
function showStorage(m) {
  const images = m.total_images ?? 0;
  const full = Number(m.total_size_mb ?? 0);
  const thumbs = Number(m.thumbnail_size_mb ?? 0);
  const mb = full + thumbs;
  const box = $("storage");
  box.textContent = `${images} image${images === 1 ? "" : "s"} · ${mb.toFixed(mb < 10 ? 2 : 1)} MB`;
  box.title = `Storage used: images ${full.toFixed(2)} MB, thumbnails ${thumbs.toFixed(2)} MB`;
}

async function main() {
  let config;
  try {
    config = await publicJson("GET", "/api/config");
  } catch (error) {
    $("boot").textContent = `The gallery cannot start: ${error.message}`;
    return;
  }

  const auth = createAuth(config);
  const api = createApi(auth);
  const banner = createBanner();
  const toast = createToast();
  const lightbox = createLightbox();
  let promptReady = false;

  // Every failure goes through here: an expired session sends the person back to sign-in.
  function report(error) {
    if (error instanceof SessionExpiredError) {
      auth.forget();
      showSignIn();
      banner.show(error.message);
      return;
    }
    banner.show(error.message || String(error));
  }

  async function refreshStorage() {
    try {
      showStorage(await api.storage());
    } catch (error) {
      report(error);
    }
  }

  const gallery = createGallery({ api, lightbox, toast, report, onChange: refreshStorage });

  function showSignIn() {
    $("boot").hidden = true;
    $("app").hidden = true;
    $("account").hidden = true;
    gallery.clear();
    $("signin").hidden = false;
    if (auth.kind === "dev") {
      $("dev-signin").hidden = false;
      if (auth.lastUser && !$("dev-user").value) $("dev-user").value = auth.lastUser;
      $("signin-lead").textContent = "This server runs in dev mode: pick any user name. Each name has its own private gallery.";
      $("dev-user").focus();
    } else {
      $("msal-signin").hidden = false;
      $("guest-sign-in").hidden = !auth.guestAllowed;
      $("msal-sign-in").focus();
    }
  }

  async function showApp(user) {
    $("boot").hidden = true;
    $("signin").hidden = true;
    $("app").hidden = false;
    $("account").hidden = false;
    $("user-name").textContent = user;
    if (!promptReady) {
      createPromptForm(config, generate);
      promptReady = true;
    }
    await gallery.show("history");
    if (auth.user) refreshStorage(); // not when the first listing found the session expired
  }

  // Queues the job (202) and lets the gallery follow it; the form is free again at once.
  async function generate(input) {
    banner.hide();
    if (gallery.view !== "history") await gallery.show("history");
    const slots = gallery.placeholders(input.count);
    let job;
    try {
      job = await api.generate(input);
    } catch (error) {
      slots.remove();
      report(error);
      return false;
    }
    $("announce").textContent = `Generating ${input.count} image${input.count === 1 ? "" : "s"}…`;
    slots.follow(job).then((finished) => {
      if (!finished) return;
      const stored = finished.images.filter((i) => i.status === "stored").length;
      const images = `${stored} image${stored === 1 ? "" : "s"}`;
      if (finished.status === "failed") {
        banner.show(`Generation failed: ${finished.error?.message || "the generator failed"}`);
      }
      $("announce").textContent =
        finished.status === "succeeded"
          ? `Generated ${images}.`
          : finished.status === "canceled"
            ? `Canceled; ${images} kept.`
            : `Generation failed; ${images} kept.`;
      refreshStorage();
    });
    return true;
  }

  async function signIn(arg) {
    banner.hide();
    try {
      const user = await auth.signIn(arg);
      $("dev-signin").reset();
      if (user) await showApp(user);
    } catch (error) {
      banner.show(`Sign-in failed: ${error.message}`);
    }
  }

  $("dev-signin").addEventListener("submit", (e) => {
    e.preventDefault();
    signIn($("dev-user").value.trim());
  });
  $("msal-sign-in").addEventListener("click", () => signIn(false));
  $("guest-sign-in").addEventListener("click", () => signIn(true));
  $("sign-out").addEventListener("click", async () => {
    banner.hide();
    await auth.signOut();
    showSignIn();
  });

  try {
    const user = await auth.restore();
    if (user) await showApp(user);
    else showSignIn();
  } catch (error) {
    report(error);
    if (!(error instanceof SessionExpiredError)) showSignIn();
  }
}

main();
