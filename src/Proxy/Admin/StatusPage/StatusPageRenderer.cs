using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// <c>/status</c> for a browser: one HTML page with its style and script from the admin listener itself (nothing
/// fetched from anywhere else), complete as served; the script refreshes its values from the JSON every few seconds
/// and sends the destinations' drain/maint/ready buttons.
/// </summary>
internal static class StatusPageRenderer
{
    /// <summary>
    /// The page may only talk to its own origin, and runs only the style and script files the admin listener serves: an
    /// asset from elsewhere, or an inline script that slipped into the markup, would be refused by the browser.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; img-src data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    public static string Render(JsonObject status)
    {
        var html = new BoundHtml(status);
        html.Raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">")
            // An empty icon: the browser would otherwise ask the admin listener for /favicon.ico.
            .Raw("<link rel=\"icon\" href=\"data:,\">")
            .Raw("<title>EdgeProxy status</title><link rel=\"stylesheet\" href=\"").Raw(StatusPageAssets.StylePath).Raw("\"></head>")
            .Raw("<body data-refreshes=\"0\" data-token=\"").Raw(status.At("admin").Bool("tokenRequired") ? "required" : "none").Raw("\" data-shape=\"").Text(Shape(status)).Raw("\"><header><h1>EdgeProxy status</h1><p class=\"meta\">Generated ")
            .Bound("time", ["generatedAt"], "ts")
            .Raw(" · <span id=\"refresh-state\">static page: reload to update</span></p></header><main>");
        WriteVerdict(html);
        ClustersTable.Write(html);
        RoutesTable.Write(html);
        TrustPanel.Write(html);
        CertificatesTable.Write(html);
        html.Raw("</main><footer><p>The same data as JSON: <code>curl -H 'Accept: application/json' &lt;admin&gt;/status</code></p></footer>")
            .Raw("<script src=\"").Raw(StatusPageAssets.ScriptPath).Raw("\"></script></body></html>");
        return html.ToString();
    }

    /// <summary>
    /// What the markup is built from (clusters, destinations, routes, certificates, problems). The script computes the
    /// same string from each refresh and reloads the page when it differs, rather than patching rows in and out.
    /// </summary>
    public static string Shape(JsonNode status)
    {
        var clusters = status.At("proxy").Items("clusters").Select(c => c.Str("id") + ":" + string.Join(',', c.Items("destinations").Select(d => d.Str("id"))));
        var routes = status.At("proxy").Items("routes").Select(r => r.Str("id"));
        var certificates = status.At("tls").Items("certificates").Select(c => c.Str("key"));
        var ocsp = status.At("ocsp").Items("certificates").Select(c => c.Str("key"));
        // An ACME certificate's state also picks its row's colour: a change reloads the page.
        var acme = status.At("acme").Items("certificates").Select(c => c.Str("name") + "=" + c.Str("state"));
        var problems = status.At("summary").Strings("problems");
        return string.Join('|', [.. clusters, "r:" + string.Join(',', routes), "c:" + string.Join(',', certificates), "o:" + string.Join(',', ocsp),
            "a:" + string.Join(',', acme),
            "n:" + status.At("trust").Num("count"), "p:" + string.Join(',', problems)]);
    }

    private static void WriteVerdict(BoundHtml html)
    {
        var summary = html.Status.At("summary");
        html.Raw("<section aria-labelledby=\"verdict-title\" class=\"verdict\"><h2 id=\"verdict-title\" class=\"sr-only\">Verdict</h2>")
            .Bound("p", ["summary", "headline"], "t", ["summary", "level"], "class=\"headline\" role=\"status\"");
        var problems = summary.Strings("problems").ToList();
        if (problems.Count > 0)
        {
            html.Raw("<ul class=\"problems\">");
            foreach (var problem in problems)
            {
                html.Raw("<li>").Text(problem).Raw("</li>");
            }

            html.Raw("</ul>");
        }

        html.Raw("<ul class=\"badges\">");
        foreach (var badge in summary.Items("badges"))
        {
            var id = badge.Str("id") ?? "";
            html.Raw("<li class=\"badge\" ").Raw(html.LevelAttributes(["summary", "badges", id, "level"]))
                .Raw("><span class=\"badge-label\">").Text(badge.Str("label")).Raw("</span> <span class=\"badge-level\">")
                .Bound("span", ["summary", "badges", id, "level"]).Raw("</span> ")
                .Bound("span", ["summary", "badges", id, "text"], "t", null, "class=\"badge-text\"").Raw("</li>");
        }

        html.Raw("</ul></section>");
    }
}
