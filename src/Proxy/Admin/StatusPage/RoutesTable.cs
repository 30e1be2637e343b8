using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Every route: what it matches, where it goes, and the access policy and rate limit that guard it.</summary>
internal static class RoutesTable
{
    public static void Write(BoundHtml html)
    {
        var access = html.Status.At("accessControl");
        html.Raw("<section aria-labelledby=\"routes-title\"><h2 id=\"routes-title\">Routes</h2><div class=\"scroll\"><table><thead><tr>")
            .Raw("<th scope=\"col\">Route</th><th scope=\"col\">Hosts</th><th scope=\"col\">Path</th><th scope=\"col\">Methods</th>")
            .Raw("<th scope=\"col\">Cluster</th><th scope=\"col\">Access policy</th><th scope=\"col\">Rate limit</th></tr></thead><tbody>");
        foreach (var route in html.Status.At("proxy").Items("routes"))
        {
            var id = route.Str("id") ?? "";
            html.Raw("<tr><th scope=\"row\">").Text(id).Raw("</th><td>").Text(List(route, "hosts", "any host"))
                .Raw("</td><td><code>").Text(route.Str("path") ?? "any path").Raw("</code></td><td>").Text(List(route, "methods", "any"))
                .Raw("</td><td>").Text(route.Str("cluster")).Raw("</td><td>").Text(Guarding(access, "policies", id, _ => ""))
                .Raw("</td><td>").Text(Guarding(access, "rateLimits", id, l => $" ({l.Num("permitsPerSecond")}/s, burst {l.Num("burst")})"))
                .Raw("</td></tr>");
        }

        html.Raw("</tbody></table></div></section>");
    }

    private static string List(JsonNode route, string key, string none)
    {
        var items = route.Strings(key).ToList();
        return items.Count > 0 ? string.Join(", ", items) : none;
    }

    // The access-control section lists, per policy and per limit, the routes that use it.
    private static string Guarding(JsonNode? access, string kind, string route, Func<JsonNode?, string> detail)
    {
        var names = access.Props(kind).Where(p => p.Value.Strings("routes").Contains(route)).Select(p => p.Key + detail(p.Value)).ToList();
        return names.Count > 0 ? string.Join(", ", names) : "–";
    }
}
