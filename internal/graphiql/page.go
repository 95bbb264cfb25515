package graphiql

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/url"
	"strings"
)

// initScript renders GraphiQL into #graphiql, sending requests to the URL in
// its data-endpoint attribute. It is a constant so that the Content Security
// Policy can allow exactly this inline script by its hash.
const initScript = `
(function () {
  var root = document.getElementById("graphiql");
  var fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint });
  var question = [
    "# Which programmes did UNDP fund that IOM implements, and in which countries?",
    "query UndpFundsIomImplements {",
    "  programmes(where: {and: [",
    "    {hasParticipationsWith: {role: FUNDING, hasOrganisationWith: {acronym: \"UNDP\"}}},",
    "    {hasParticipationsWith: {role: IMPLEMENTING, hasOrganisationWith: {acronym: \"IOM\"}}}",
    "  ]}) {",
    "    totalCount",
    "    edges { node {",
    "      code title",
    "      countries { role country { iso2 name } areas { name } }",
    "    } }",
    "  }",
    "}",
    ""
  ].join("\n");
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: question, defaultEditorToolsVisibility: true })
  );
})();
`

// initScriptHash is the CSP source expression for initScript.
var initScriptHash = func() string {
	sum := sha256.Sum256([]byte(initScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// contentSecurityPolicy lets the page load only its own files and talk only
// to its own origin and the GraphQL endpoint, so that nothing it does can
// reach another host.
func contentSecurityPolicy(endpoint string) string {
	connect := "'self'"
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		switch u.Scheme {
		case "http", "https", "ws", "wss":
			connect += " " + u.Scheme + "://" + u.Host
		}
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self' " + initScriptHash,
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"font-src 'self' data:",
		"connect-src " + connect,
		"base-uri 'none'",
		"form-action 'none'",
	}, "; ")
}

type pageData struct {
	Endpoint   string
	Ready      bool
	Installing bool
	Error      string
	Version    string
	Script     template.JS
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL</title>
{{- if .Ready}}
<link rel="stylesheet" href="/graphiql/graphiql.min.css?v={{.Version}}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
{{- else}}
{{- if .Installing}}
<meta http-equiv="refresh" content="3">
{{- end}}
<style>body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; } pre { white-space: pre-wrap; background: #f4f4f4; padding: .75rem; }</style>
{{- end}}
</head>
<body>
{{- if .Ready}}
<div id="graphiql" data-endpoint="{{.Endpoint}}">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. The GraphQL API is at <code>{{.Endpoint}}</code>.</noscript>
<script src="/graphiql/react.production.min.js?v={{.Version}}"></script>
<script src="/graphiql/react-dom.production.min.js?v={{.Version}}"></script>
<script src="/graphiql/graphiql.min.js?v={{.Version}}"></script>
<script>{{.Script}}</script>
{{- else if .Installing}}
<h1>GraphiQL is being installed</h1>
<p>This build of the registry does not include the GraphiQL files, so it is
installing them with npm (only on the first start). Reload in a moment; this
page also reloads by itself.</p>
<p>The GraphQL API at <code>{{.Endpoint}}</code> already works.</p>
{{- else}}
<h1>GraphiQL is not available</h1>
<p>This build of the registry does not include the GraphiQL files, and
installing them with npm failed:</p>
<pre>{{.Error}}</pre>
<p>To get GraphiQL, install Node.js (which brings npm), then either restart
the server so that it installs the files itself, or build them in by running
this in the repository and restarting:</p>
<pre>go generate ./internal/graphiql</pre>
<p>The GraphQL API at <code>{{.Endpoint}}</code> works regardless.</p>
{{- end}}
</body>
</html>
`))
