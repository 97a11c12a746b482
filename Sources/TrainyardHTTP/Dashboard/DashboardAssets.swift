/// The dashboard's stylesheet and script, served by Trainyard itself (no CDN). States are told
/// by words and symbols first; colours only repeat them, with contrast on white of 4.5:1 or more.
enum DashboardAssets {
    static let css = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --good: #1a7f37;
          --bad: #cf222e; --busy: #9a6700; --info: #0969da; --paused: #8250df; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 auto;
          max-width: 1200px; padding: 0 16px 48px; }
        a { color: var(--info); }
        a:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--info); outline-offset: 2px; }
        .skip { position: absolute; left: -9999px; }
        .skip:focus { left: 16px; top: 8px; background: #fff; padding: 4px 8px; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        header { display: flex; justify-content: space-between; align-items: baseline;\
         border-bottom: 1px solid var(--line); }
        header h1 a { color: var(--ink); text-decoration: none; }
        .live { color: var(--muted); }
        section { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px 16px; margin: 16px 0; }
        h2 { font-size: 1.2rem; }
        h3 { font-size: 1rem; margin: 16px 0 6px; }
        .forge { color: var(--muted); margin: -8px 0 8px; }
        .badge { font-size: .8rem; border: 1px solid currentColor; border-radius: 10px; padding: 1px 8px; }
        .state-running, .state-passed, .state-success, .state-running_app, .landed { color: var(--good); }
        .state-failed, .state-canceled, .state-not_created, .removed { color: var(--bad); }
        .state-building, .state-starting, .state-testing, .state-creating, .state-deploying { color: var(--busy); }
        .state-landing { color: var(--info); }
        .state-paused, .paused { color: var(--paused); }
        .cars { display: flex; flex-wrap: wrap; gap: 0; list-style: none; padding: 0; margin: 0; }
        .car { border: 2px solid currentColor; border-radius: 6px; padding: 6px 10px; min-width: 180px;\
         margin: 0 18px 8px 0;
          position: relative; background: #fff; }
        .car + .car::before { content: ""; position: absolute; left: -20px; top: 50%; width: 18px;\
         border-top: 2px solid var(--muted); }
        .car ul { list-style: none; padding: 0; margin: 4px 0; color: var(--ink); }
        .car .pipeline { font-size: .9rem; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 4px 8px 4px 0; vertical-align: top; }
        .title { color: var(--ink); }
        .history { font-size: .85rem; }
        .empty { color: var(--muted); }
        .recent, .runs, .decisions { padding-left: 18px; }
        .recent li { color: var(--ink); }
        .recent li strong { text-transform: uppercase; font-size: .8rem; }
        .recent li.landed strong { color: var(--good); }
        .recent li.removed strong { color: var(--bad); }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
        figure { margin: 0; }
        figcaption { color: var(--muted); font-size: .85rem; }
        svg.chart { width: 100%; height: auto; }
        svg .axis { stroke: var(--muted); }
        svg .tick { fill: var(--muted); font-size: 9px; }
        svg .bar { fill: var(--info); }
        svg path.line-a { fill: none; stroke: var(--info); stroke-width: 2; }
        svg path.line-b { fill: none; stroke: var(--bad); stroke-width: 2; stroke-dasharray: 5 3; }
        svg circle.line-a { fill: var(--info); }
        svg circle.line-b { fill: var(--bad); }
        """

    /// Replaces the content with what the server pushes (`update` events from `/events`), keeps
    /// the focus on the same link, and says whether updates arrive. No timer: the browser's
    /// EventSource reconnects by itself, after the `retry` the server sets.
    static let script = """
        "use strict";
        (function () {
          var main = document.getElementById("main");
          var live = document.getElementById("live");
          if (!main || !main.dataset.live || !window.EventSource) { return; }
          var source = new EventSource(main.dataset.live);
          var shown = null;
          source.addEventListener("open", function () {
            live.textContent = "live";
            document.body.dataset.opens = String(Number(document.body.dataset.opens || "0") + 1);
          });
          source.addEventListener("error", function () { live.textContent = "reconnecting…"; });
          source.addEventListener("update", function (event) {
            live.textContent = "live";
            if (event.data === shown) { return; }
            shown = event.data;
            var focused = document.activeElement;
            var href = focused && main.contains(focused) ? focused.getAttribute("href") : null;
            main.innerHTML = event.data;
            document.body.dataset.updates = String(Number(document.body.dataset.updates || "0") + 1);
            if (href) {
              var again = main.querySelector('a[href="' + CSS.escape(href) + '"]');
              if (again) { again.focus(); }
            }
          });
        })();
        """
}
