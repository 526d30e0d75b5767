/// The monitor's web page: static HTML whose script polls `/api/state` every second and redraws the tasks, the
/// alerts and each game as its bisection timeline (one row per move, a bar showing the disputed range within the
/// phase, the deadline of the next move, the one-step result).
enum MonitorPage {
    static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>ChainLearn monitor</title>
    <style>
    body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
    h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
    table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; font-size: 0.85em; }
    .alert { background: #fdd; border: 1px solid #c00; padding: 0.4em; margin: 0.3em 0; }
    .game { background: #fff; border: 1px solid #bbb; border-radius: 4px; padding: 0.6em; margin: 0.8em 0; }
    ol.timeline { list-style: none; padding: 0; margin: 0.4em 0; }
    li.move { display: grid; grid-template-columns: 5em 9em 22em 1fr; gap: 0.5em; align-items: center; font-size: 0.8em; padding: 1px 0; }
    .track { position: relative; height: 10px; background: #eee; }
    .range { position: absolute; top: 0; height: 10px; background: #36c; min-width: 2px; }
    li.move[data-kind="resolved"] .range, li.move[data-kind="proven"] .range { background: #393; }
    li.move[data-kind="transition"] .range { background: #c63; }
    .phase { color: #666; }
    </style>
    </head>
    <body>
    <h1>ChainLearn monitor <span id="market"></span></h1>
    <div id="status">loading…</div>
    <div id="alerts"></div>
    <h2>Tasks</h2>
    <table id="tasks"><thead><tr><th>task</th><th>state</th><th>deadlines (commit / reveal / challenge)</th><th>submissions</th></tr></thead><tbody></tbody></table>
    <h2>Games</h2>
    <div id="games"></div>
    <script>
    function el(tag, attrs, text) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
      if (text !== undefined) node.textContent = text;
      return node;
    }
    function short(hex) { return hex.slice(0, 10) + "…"; }
    function render(state) {
      document.getElementById("market").textContent = "— market " + state.market;
      document.getElementById("status").textContent = "block " + state.block + ", chain time " + state.now;
      const alerts = document.getElementById("alerts");
      alerts.replaceChildren(...state.alerts.map(a => el("div", {class: "alert", "data-task": a.task, "data-submission": a.submission}, "ALERT: " + a.text)));
      const body = document.querySelector("#tasks tbody");
      body.replaceChildren(...state.tasks.map(t => {
        const row = el("tr", {id: "task-" + t.id, class: "task"});
        row.append(el("td", {}, String(t.id)));
        row.append(el("td", {}, t.finalized ? (t.accepted === "0" ? "closed, no result" : "final: submission " + t.accepted) : (t.unchecked ? "open (unchecked: " + t.unchecked + ")" : "open")));
        row.append(el("td", {}, t.commitDeadline + " / " + t.revealDeadline + " / " + t.challengeDeadline));
        row.append(el("td", {}, t.submissions.map(s => "#" + s.id + " " + short(s.submitter) + (s.revealed ? " revealed" : " committed") + (s.defeated ? " DEFEATED" : "") + ("monitorAgrees" in s ? (s.monitorAgrees ? " (monitor agrees)" : " (monitor DISAGREES)") : "")).join("; ")));
        return row;
      }));
      const games = document.getElementById("games");
      games.replaceChildren(...state.games.map(g => {
        const box = el("div", {class: "game", id: "game-" + g.id, "data-phase": g.phase});
        box.append(el("div", {}, "game " + g.id + " on submission " + g.submission + ": challenger " + short(g.challenger) + " vs submitter " + short(g.submitter) + " — " + (g.phase === "over" ? "over, winner " + short(g.winner) : g.phase + " in phase " + (Number(g.level) + 1) + ", positions " + g.lo + "…" + g.hi + ", deadline " + g.deadline)));
        const list = el("ol", {class: "timeline"});
        g.moves.forEach((m, index) => {
          const item = el("li", {class: "move", "data-kind": m.kind, "data-lo": m.lo, "data-hi": m.hi, "data-level": m.level});
          item.append(el("span", {class: "phase"}, "#" + (index + 1) + " p" + (m.level + 1)));
          item.append(el("span", {}, "block " + m.block + (m.deadline ? ", until " + m.deadline : "")));
          const track = el("div", {class: "track"});
          const total = Math.max(m.total, 1);
          const bar = el("div", {class: "range", style: "left:" + (100 * m.lo / total) + "%;width:" + (100 * Math.max(m.hi - m.lo, 0) / total) + "%"});
          track.append(bar);
          item.append(track);
          item.append(el("span", {class: "text"}, m.text));
          list.append(item);
        });
        box.append(list);
        return box;
      }));
    }
    async function poll() {
      try {
        const response = await fetch("/api/state", {cache: "no-store"});
        render(await response.json());
      } catch (error) {
        document.getElementById("status").textContent = "cannot reach the monitor: " + error;
      }
      setTimeout(poll, 1000);
    }
    poll();
    </script>
    </body>
    </html>
    """
}
