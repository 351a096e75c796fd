// The MSAL redirect bridge (redirect.html): passes Entra ID's answer to the window that asked.
if (globalThis.msalRedirectBridge) {
  globalThis.msalRedirectBridge.broadcastResponseToMainFrame().catch((error) => {
    document.body.textContent = `Sign-in could not be completed: ${error.message}`;
  });
} else {
  document.body.textContent = "Sign-in library missing: run scripts/setup.sh on the server.";
}
