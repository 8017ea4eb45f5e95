/**
 * @module console/page-html
 * The debug console's page (served at `/console`). Everything it needs ships inside the package:
 * the script and the stylesheet are served next to it (`app.js`, `app.css`), no CDN, so it works
 * offline and under a strict Content-Security-Policy (no inline script or style).
 */

export const CONSOLE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pushwire console</title>
<link rel="stylesheet" href="console/app.css">
<script src="console/app.js" defer></script>
</head>
<body>
<header>
  <h1>pushwire <span>console</span></h1>
  <div id="app-status" class="status">connecting…</div>
  <div class="stats">
    <span>app <strong id="app-id">–</strong></span>
    <span>connections <strong id="connections">–</strong></span>
    <span>nodes <strong id="nodes">–</strong></span>
    <span>channels <strong id="channel-count">–</strong></span>
  </div>
  <button id="logout" type="button" hidden>Log out</button>
</header>
<section id="message" class="message" hidden></section>
<section id="login" class="panel" hidden>
  <h2>Log in to an app</h2>
  <p>The key and secret are sent once, to this server only, which answers with a short-lived session.</p>
  <form id="login-form" autocomplete="off">
    <label>App key <input id="login-key" name="key" required spellcheck="false"></label>
    <label>App secret <input id="login-secret" name="secret" type="password" required></label>
    <button type="submit">Open the console</button>
    <output id="login-error" class="error"></output>
  </form>
</section>
<main id="app" hidden>
  <div class="side">
    <section class="panel">
      <h2>Channels</h2>
      <table id="channels">
        <thead><tr><th>channel</th><th title="subscriptions">subs</th><th title="presence users">users</th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="no-channels" class="muted">No occupied channels.</p>
    </section>
    <section class="panel">
      <h2>Trigger an event</h2>
      <form id="trigger-form" autocomplete="off">
        <label>Channel <input id="trigger-channel" required spellcheck="false" placeholder="my-channel"></label>
        <label>Event <input id="trigger-event" required spellcheck="false" placeholder="my-event"></label>
        <label>Data (JSON) <textarea id="trigger-data" rows="4" spellcheck="false">{"hello":"world"}</textarea></label>
        <button type="submit">Trigger</button>
        <output id="trigger-result"></output>
      </form>
    </section>
  </div>
  <section class="panel log-panel">
    <div class="log-head">
      <h2>Live log</h2>
      <label>channel <input id="filter-channel" spellcheck="false" placeholder="any (prefix*)"></label>
      <label>event <input id="filter-event" spellcheck="false" placeholder="any (prefix*)"></label>
      <button id="pause" type="button">Pause</button>
      <button id="clear" type="button">Clear</button>
    </div>
    <div class="log-scroll">
      <table id="log">
        <thead><tr><th>time</th><th>node</th><th>what</th><th>channel</th><th>event</th><th>details</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
</main>
</body>
</html>
`;
