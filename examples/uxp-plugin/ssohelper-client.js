// ssohelper-client.js: a plain-JavaScript client for the ssohelper plugin
// bridge, for Adobe UXP plugins (and anything with fetch and WebSocket:
// Node 22+, or Node 20 with --experimental-websocket). No dependencies.
//
// Usage in a plugin:
//   import { SsoHelper } from "./ssohelper-client.js";
//   const helper = new SsoHelper({ pluginId: "com.example.assets", name: "Asset Browser", storage: localStorage });
//   if (!(await helper.hello())) { /* offer to open it: shell.openExternal("ssohelper://open") */ }
//   await helper.pair((code) => showCode(code));   // once; the user approves in ssohelper
//   const { token, expiry } = await helper.token();  // SsoHelperError "sign_in_required": call helper.askSignIn()
//   helper.subscribe((event) => { if (event.type === "token_refreshed") refetch(); });
//
// See docs/bridge.md for the API.

export const DEFAULT_PORT = 47615;

export class SsoHelperError extends Error {
  constructor(code, message, status) {
    super(message || code);
    this.code = code;     // "sign_in_required", "unauthorized", "rate_limited", "denied", "expired", …
    this.status = status; // the HTTP status, when there was one
  }
}

export class SsoHelper {
  // pluginId: your plugin's id; name: what the user sees in the consent
  // dialog; profile: the ssohelper profile (default: the user's default);
  // storage: where the secret is kept (UXP: localStorage or secureStorage).
  constructor({ pluginId, name, profile = "", port = DEFAULT_PORT, storage = null }) {
    this.pluginId = pluginId;
    this.name = name;
    this.profile = profile;
    this.base = `http://127.0.0.1:${port}`;
    this.ws = `ws://127.0.0.1:${port}/v1/events`;
    this.storage = storage;
    this.secret = storage ? storage.getItem(this.#key()) : null;
  }

  #key() {
    return `ssohelper.secret.${this.pluginId}`;
  }

  async #call(method, path, body, auth) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) headers["Authorization"] = `Bearer ${this.secret}`;
    let resp;
    try {
      resp = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new SsoHelperError("helper_absent", "ssohelper is not running (open it with ssohelper://open)");
    }
    const data = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      if (resp.status === 401 && auth) this.forget();
      throw new SsoHelperError(data.error || "http_" + resp.status, data.message, resp.status);
    }
    return data;
  }

  // hello returns the helper's version info, or null when it is not running.
  async hello() {
    try {
      return await this.#call("GET", "/v1/hello");
    } catch (e) {
      if (e.code === "helper_absent") return null;
      throw e;
    }
  }

  get paired() {
    return !!this.secret;
  }

  // pair asks the user to allow this plugin; onCode(code) shows the code
  // the user compares with ssohelper's. It resolves when approved and
  // rejects with "denied" or "expired".
  async pair(onCode, { pollMs = 1000 } = {}) {
    const req = await this.#call("POST", "/v1/pair", { id: this.pluginId, name: this.name, profile: this.profile });
    if (onCode) onCode(req.code);
    for (;;) {
      await new Promise((r) => setTimeout(r, pollMs));
      const st = await this.#call("GET", `/v1/pair/${req.request}`);
      if (st.status === "approved") {
        this.secret = st.secret;
        if (this.storage) this.storage.setItem(this.#key(), st.secret);
        return st;
      }
      if (st.status !== "pending") throw new SsoHelperError(st.status, `pairing ${st.status}`);
    }
  }

  forget() {
    this.secret = null;
    if (this.storage) this.storage.removeItem(this.#key());
  }

  // token resolves to { token, type, kind, expiry, profile, user, scope }.
  async token({ minValid } = {}) {
    const q = minValid ? `?min_valid=${encodeURIComponent(minValid)}` : "";
    return this.#call("GET", "/v1/token" + q, undefined, true);
  }

  // askSignIn asks ssohelper to offer the sign-in to the user (its window
  // shows; it never opens a browser by itself).
  async askSignIn() {
    return this.#call("POST", "/v1/sign-in", undefined, true);
  }

  // subscribe calls onEvent(event) for each push event until close() is
  // called on the result; onClose(code, reason) when the helper ends it.
  subscribe(onEvent, onClose = () => {}) {
    const ws = new WebSocket(this.ws);
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", secret: this.secret }));
    ws.onmessage = (m) => {
      let ev;
      try {
        ev = JSON.parse(m.data);
      } catch {
        return;
      }
      if (ev.type === "plugin_revoked") this.forget();
      onEvent(ev);
    };
    ws.onclose = (e) => onClose(e.code, e.reason);
    return { close: () => ws.close() };
  }
}
