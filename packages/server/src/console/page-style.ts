/**
 * @module console/page-style
 * The debug console's stylesheet (served at `/console/app.css`).
 */

export const CONSOLE_PAGE_STYLE = `
:root { color-scheme: light dark; --bg: #f7f7f8; --panel: #fff; --fg: #1d1d1f; --muted: #6b6b75;
  --line: #e3e3e8; --accent: #4f46e5; --ok: #15803d; --bad: #b91c1c; --warn: #b45309; }
@media (prefers-color-scheme: dark) { :root { --bg: #111114; --panel: #1b1b20; --fg: #ececf1;
  --muted: #9a9aa5; --line: #2c2c33; --accent: #8b85ff; --ok: #4ade80; --bad: #f87171; --warn: #fbbf24; } }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 10px 16px; border-bottom: 1px solid var(--line); background: var(--panel); }
h1 { font-size: 18px; margin: 0; } h1 span { color: var(--accent); font-weight: 500; }
h2 { font-size: 14px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.stats { display: flex; gap: 14px; color: var(--muted); } .stats strong { color: var(--fg); }
.status { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: var(--line); }
.status.live { background: var(--ok); color: #fff; } .status.down { background: var(--bad); color: #fff; }
main { display: grid; grid-template-columns: minmax(260px, 360px) 1fr; gap: 12px; padding: 12px; height: calc(100vh - 56px); }
.side { display: flex; flex-direction: column; gap: 12px; overflow: auto; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
#login { max-width: 420px; margin: 40px auto; }
.message { margin: 12px 16px; padding: 10px; border-radius: 6px; background: var(--panel); border: 1px solid var(--warn); }
form { display: flex; flex-direction: column; gap: 8px; }
label { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
input, textarea { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; padding: 5px 7px; border: 1px solid var(--line); border-radius: 5px; background: var(--bg); color: var(--fg); }
button { font: inherit; padding: 5px 12px; border: 1px solid var(--accent); border-radius: 5px; background: var(--accent); color: #fff; cursor: pointer; }
button[type=button] { background: transparent; color: var(--accent); }
table { width: 100%; border-collapse: collapse; font-size: 12.5px; }
th { text-align: left; font-weight: 500; color: var(--muted); border-bottom: 1px solid var(--line); padding: 4px 6px; position: sticky; top: 0; background: var(--panel); }
td { border-bottom: 1px solid var(--line); padding: 3px 6px; vertical-align: top; }
td.mono, #log td { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
tr.members td { color: var(--muted); padding-left: 18px; }
.member { display: inline-block; margin: 1px 6px 1px 0; padding: 0 6px; border-radius: 8px; background: var(--line); color: var(--fg); }
.log-panel { display: flex; flex-direction: column; min-height: 0; }
.log-head { display: flex; flex-wrap: wrap; align-items: end; gap: 10px; margin-bottom: 8px; } .log-head h2 { margin: 0 auto 0 0; }
.log-scroll { overflow: auto; flex: 1; }
#log td:nth-child(6) { word-break: break-all; }
tr[data-kind=refused] td:nth-child(3), tr.failed td:nth-child(3) { color: var(--bad); font-weight: 600; }
tr[data-kind=api_event] td:nth-child(3), tr[data-kind=client_event] td:nth-child(3) { color: var(--accent); }
tr[data-kind=connection_opened] td:nth-child(3), tr[data-kind=subscribed] td:nth-child(3) { color: var(--ok); }
tr.note td { color: var(--warn); font-style: italic; }
.muted { color: var(--muted); } .error { color: var(--bad); } .ok { color: var(--ok); }
@media (max-width: 800px) { main { grid-template-columns: 1fr; height: auto; } }
`;
