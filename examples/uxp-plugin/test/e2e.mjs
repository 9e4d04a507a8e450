// e2e.mjs drives ssohelper-client.js against a real bridge, for the Go
// test TestBridgeNodeClient: it prints one line per step (CODE, TOKEN,
// READY, EVENT …) and reads nothing; the test approves and refreshes in
// between. Usage: node e2e.mjs PORT
import { SsoHelper } from "../ssohelper-client.js";

const port = Number(process.argv[2]);
const say = (...a) => console.log(...a);
const fail = (e) => {
  say("FAIL", e && e.code, e && e.message);
  process.exit(1);
};
const mem = new Map();
const storage = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => mem.set(k, v), removeItem: (k) => mem.delete(k) };
const helper = new SsoHelper({ pluginId: "com.example.e2e", name: "Node E2E", port, storage });

const hello = await helper.hello().catch(fail);
if (!hello || hello.helper !== "ssohelper" || hello.api !== 1) fail({ message: "no hello" });
say("HELLO", hello.version);
await helper.pair((code) => say("CODE", code), { pollMs: 100 }).catch(fail);
const t = await helper.token().catch(fail);
if (!t.token || t.type !== "Bearer" || !t.expiry) fail({ message: "bad token" });
say("TOKEN", t.kind, t.user);
const before = t.expiry;
await new Promise((resolve) => {
  helper.subscribe(
    async (ev) => {
      if (ev.type === "ready") say("READY");
      else say("EVENT", ev.type);
      if (ev.type === "token_refreshed") {
        const t2 = await helper.token().catch(fail);
        say("TOKEN2", t2.expiry !== before ? "new" : "same");
      }
    },
    (code, reason) => {
      say("CLOSED", code, reason);
      resolve();
    },
  );
});
const after = await helper.token().then(() => "still works", (e) => e.code);
say("AFTER", after, helper.paired ? "paired" : "unpaired");
