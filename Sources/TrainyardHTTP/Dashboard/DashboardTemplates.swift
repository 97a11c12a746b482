/// The dashboard's Mustache templates, one per part of the page. `{{…}}` escapes what it
/// inserts (every text that comes from a forge goes through it); `{{{…}}}` is used only for
/// HTML made here (the rendered sections, the SVG charts).
enum DashboardTemplates {
    static let all: [String: String] = [
        "page": page, "train": train, "schedules": schedules, "reviewApps": reviewApps, "history": history,
        "denied": denied, "change": change, "trains": trains,
    ]

    static let trains = """
        {{#trains}}{{{.}}}{{/trains}}{{#none}}<section><h2>No merge trains yet</h2>
        <p>Configure a project with its targets under <code>projects</code>; its trains show here.</p></section>{{\
        /none}}
        """

    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Trainyard</title>
        <link rel="stylesheet" href="/dashboard.css">
        <script src="/dashboard.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header>
        <h1><a href="/">Trainyard</a></h1>
        <p class="live">Updates: <span id="live" role="status">{{#live}}connecting…{{/live}}{{\
        ^live}}off on this page{{/live}}</span></p>
        </header>
        <main id="main"{{#live}} data-live="{{live}}"{{/live}}>
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let train = """
        <section class="train" id="{{anchor}}" aria-labelledby="{{anchor}}-name">
        <h2 id="{{anchor}}-name">{{project}} <span class="arrow" aria-hidden="true">→</span><span class="sr">\
         into </span> <code>{{target}}</code>
         <span class="badge state-{{state}}">{{state}}</span></h2>
        <p class="forge">on {{forge}}</p>
        {{#paused}}<p class="paused" role="note"><strong>Paused</strong> by {{by}}: {{reason}}</p>{{/paused}}
        <h3>Cars in flight</h3>
        {{#hasCars}}<ol class="cars" aria-label="Cars of {{project}} {{target}}, the one that lands first first">
        {{#cars}}<li class="car state-{{state}}"><span class="car-head"><span aria-hidden="true">{{symbol}}</span> {\
        {#probe}}Probe{{/probe}}{{^probe}}Car{{/probe}} {{id}}: <strong>{{state}}</strong></span>
        <ul>{{#changes}}<li>{{> change}}</li>{{/changes}}</ul>
        {{#pipelineURL}}<a class="pipeline" href="{{pipelineURL}}">{{pipeline}}</a>{{/pipelineURL}}{{^pipelineURL}}{\
        {#pipeline}}<span class="pipeline">{{pipeline}}</span>{{/pipeline}}{{/pipelineURL}}</li>
        {{/cars}}</ol>{{/hasCars}}{{^hasCars}}<p class="empty">No cars in flight.</p>{{/hasCars}}
        <h3>Queue</h3>
        {{#hasQueue}}<table class="queue"><thead><tr><th scope="col">#</th><th scope="col">Change</th>\
        <th scope="col">Asked by</th><th scope="col">Expected to land</th><th scope="col">Car</th></tr></thead><tbody>
        {{#queue}}<tr><td>{{position}}{{#priority}} <span class="priority">priority {{priority}}</span>{{\
        /priority}}</td><td>{{#change}}{{> change}}{{/change}}</td><td>{{requestedBy}}</td><td>{{eta}}</td><td>{{\
        car}}</td></tr>
        {{/queue}}</tbody></table>{{/hasQueue}}{{^hasQueue}}<p class="empty">Nothing queued.</p>{{/hasQueue}}
        <h3>Recent landings and removals</h3>
        {{#hasRecent}}<ul class="recent">{{#recent}}<li class="{{kind}}"><time datetime="{{atISO}}">{{at}}</time>\
         <strong>{{kind}}</strong> {{#change}}{{> change}}{{/change}}: {{reason}}</li>
        {{/recent}}</ul>{{/hasRecent}}{{^hasRecent}}<p class="empty">None yet.</p>{{/hasRecent}}
        <h3>Charts</h3>
        <div class="charts">{{#charts}}<figure>{{{svg}}}<figcaption>{{caption}}</figcaption></figure>{{/charts}}</div>
        </section>
        """

    static let change = """
        {{#url}}<a href="{{url}}">!{{number}}</a>{{/url}}{{^url}}!{{number}}{{/url}} <span class="title">{{\
        title}}</span> <a class="history" href="{{history}}" aria-label="Decisions about !{{number}}">history</a>
        """

    static let schedules = """
        <section class="schedules" id="schedules" aria-labelledby="schedules-name">
        <h2 id="schedules-name">Pipeline schedules</h2>
        <table><thead><tr><th scope="col">Schedule</th><th scope="col">Project</th><th scope="col">When</th>\
        <th scope="col">Next run</th><th scope="col">Last runs</th></tr></thead><tbody>
        {{#schedules}}<tr><td>{{name}}{{#paused}} <span class="badge state-paused">paused</span>{{/paused}}</td><td>\
        {{project}} <code>{{ref}}</code></td><td><code>{{cron}}</code> {{timeZone}}</td>
        <td>{{#nextRun}}{{local}}{{/nextRun}}{{^nextRun}}none{{/nextRun}}</td>
        <td><ul class="runs">{{#lastRuns}}<li class="state-{{state}}">{{#webURL}}<a href="{{webURL}}">{{\
        slot.local}}</a>{{/webURL}}{{^webURL}}{{slot.local}}{{/webURL}}: <strong>{{state}}</strong>{{#error}} ({{\
        error}}){{/error}}</li>{{/lastRuns}}</ul></td></tr>
        {{/schedules}}</tbody></table>
        </section>
        """

    static let reviewApps = """
        <section class="review-apps" id="review-apps" aria-labelledby="review-apps-name">
        <h2 id="review-apps-name">Review apps</h2>
        {{#projects}}<h3>{{project}} <span class="places">{{placesUsed}} of {{maxApps}} places</span></h3>
        <table><thead><tr><th scope="col">Merge request</th><th scope="col">State</th><th scope="col">Address</th>\
        <th scope="col">Last browser check</th></tr></thead><tbody>
        {{#apps}}<tr><td>!{{mergeRequest}}{{#pinned}} (pinned){{/pinned}}</td><td><strong class="state-{{state}}">{{\
        state}}</strong></td><td>{{#url}}<a href="{{url}}">{{url}}</a>{{/url}}</td><td>{{summary}}</td></tr>
        {{/apps}}</tbody></table>{{/projects}}
        </section>
        """

    static let history = """
        <section class="history" aria-labelledby="history-name">
        <h2 id="history-name">Decisions about {{#url}}<a href="{{url}}">!{{number}}</a>{{/url}}{{^url}}!{{number}}{{\
        /url}} in {{project}}</h2>
        {{#hasRecords}}<ol class="decisions" reversed>{{#records}}<li><time datetime="{{atISO}}">{{at}}</time>\
         <strong>{{kind}}</strong> on <code>{{target}}</code>: {{reason}}{{#by}} ({{by}}){{/by}}</li>
        {{/records}}</ol>{{/hasRecords}}{{^hasRecords}}<p class="empty">No decisions about this change are kept.</p>\
        {{/hasRecords}}
        <p><a href="/">Back to the trains</a></p>
        </section>
        """

    static let denied = """
        <section aria-labelledby="denied-name">
        <h2 id="denied-name">This dashboard needs a token</h2>
        <p>{{message}}</p>
        </section>
        """
}
