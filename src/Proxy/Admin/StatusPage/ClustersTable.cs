using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>One table per cluster, a row per destination, as HAProxy's stats page has per backend.</summary>
internal static class ClustersTable
{
    public static void Write(BoundHtml html)
    {
        html.Raw("<section aria-labelledby=\"clusters-title\"><h2 id=\"clusters-title\">Clusters</h2>");
        var window = html.Status.At("live").Num("windowSeconds") ?? 0;
        html.Raw("<p class=\"meta\">Rates and latency over the last ").Bound("span", ["live", "windowSeconds"], "i")
            .Raw(" s (sampled every second; upstream latency is the time the proxy spent forwarding)").Raw(window == 0 ? ". No window yet: rates appear after two samples." : ".").Raw("</p>")
            .Raw("<p class=\"meta\">State: UP, DOWN (and which health check took it out), DRAIN (no new requests; \"drained\" once none is in flight: safe to stop) or MAINT. ")
            .Raw("The buttons set it through <code>POST /destinations/{cluster}/{destination}/{drain|maint|ready}</code>; the page asks for the admin token when one is configured. ")
            .Raw("<output id=\"destination-answer\" role=\"status\"></output></p>");
        var clusters = html.Status.At("proxy").Items("clusters").ToList();
        if (clusters.Count == 0)
        {
            html.Raw("<p>No cluster configured.</p>");
        }

        foreach (var cluster in clusters)
        {
            WriteCluster(html, cluster);
        }

        html.Raw("</section>");
    }

    private static void WriteCluster(BoundHtml html, JsonNode cluster)
    {
        var id = cluster.Str("id") ?? "";
        var checks = string.Join(" + ", new[] { cluster.Bool("activeHealthCheck") ? "active" : null, cluster.Bool("passiveHealthCheck") ? "passive" : null }.OfType<string>());
        string[] totals = ["destinations", "clusters", id];
        html.Raw("<div class=\"scroll\"><table class=\"cluster\"><caption><strong>").Text(id).Raw("</strong> · ")
            .Text(cluster.Str("loadBalancingPolicy")).Raw(" · health checks: ").Text(checks.Length > 0 ? checks : "none").Raw(" · ")
            .Bound("span", ["proxy", "clusters", id, "availableDestinations"], "i").Raw(" of ").Text(cluster.Items("destinations").Count().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Raw(" available · ").Bound("span", [.. totals, "up"], "i").Raw(" up</caption><thead><tr>")
            .Raw("<th scope=\"col\">Destination</th><th scope=\"col\">Address</th><th scope=\"col\">State</th><th scope=\"col\">Since</th>")
            .Raw("<th scope=\"col\">Active</th><th scope=\"col\">Passive</th><th scope=\"col\">Last check</th>")
            .Raw("<th scope=\"col\" class=\"num\">Req/s</th><th scope=\"col\" class=\"num\">5xx/s</th><th scope=\"col\" class=\"num\">p50 ms</th><th scope=\"col\" class=\"num\">p99 ms</th>")
            .Raw("<th scope=\"col\" class=\"num\">In flight</th><th scope=\"col\" class=\"num\">Max</th><th scope=\"col\" class=\"num\">Requests</th>")
            .Raw("<th scope=\"col\" class=\"num\">Bytes in</th><th scope=\"col\" class=\"num\">Bytes out</th><th scope=\"col\">Last error</th><th scope=\"col\">Set state</th></tr></thead><tbody>");
        foreach (var destination in cluster.Items("destinations"))
        {
            var d = destination.Str("id") ?? "";
            string[] proxy = ["proxy", "clusters", id, "destinations", d];
            string[] live = ["live", "clusters", id, "destinations", d];
            string[] runtime = ["destinations", "clusters", id, "destinations", d];
            html.Raw("<tr data-destination=\"").Text(id + "/" + d).Raw("\"><th scope=\"row\">").Text(d).Raw("</th><td class=\"addr\">").Text(destination.Str("address")).Raw("</td>")
                .Bound("td", [.. runtime, "statusText"], "t", [.. runtime, "status"], "class=\"health\"")
                .Bound("td", [.. runtime, "statusForSeconds"], "age", null, "class=\"num\"")
                .Bound("td", [.. proxy, "active"], "t", [.. proxy, "active"], "class=\"health\"")
                .Bound("td", [.. proxy, "passive"], "t", [.. proxy, "passive"], "class=\"health\"")
                .Raw("<td class=\"check\">").Bound("span", [.. runtime, "lastCheck"], "t").Raw(" ").Bound("time", [.. runtime, "lastCheckAt"], "ts", null, "class=\"meta\"").Raw("</td>")
                .Bound("td", [.. live, "requestsPerSecond"], "n", null, "class=\"num\"")
                .Bound("td", [.. live, "serverErrorsPerSecond"], "n", null, "class=\"num\"")
                .Bound("td", [.. live, "p50Ms"], "n", null, "class=\"num\"")
                .Bound("td", [.. live, "p99Ms"], "n", null, "class=\"num\"")
                .Bound("td", [.. runtime, "inFlight"], "i", null, "class=\"num\"")
                .Bound("td", [.. runtime, "maxInFlight"], "i", null, "class=\"num\"")
                .Bound("td", [.. live, "requests"], "i", null, "class=\"num\"")
                .Bound("td", [.. runtime, "bytesIn"], "b", null, "class=\"num\"")
                .Bound("td", [.. runtime, "bytesOut"], "b", null, "class=\"num\"")
                .Bound("td", [.. live, "lastError"], "t", null, "class=\"err\"")
                .Raw("<td class=\"actions\">");
            foreach (var action in (string[])["drain", "maint", "ready"])
            {
                html.Raw("<button type=\"button\" data-set=\"").Raw(action).Raw("\" data-cluster=\"").Text(id).Raw("\" data-name=\"").Text(d)
                    .Raw("\" title=\"").Raw(action).Raw(" ").Text(id + "/" + d).Raw("\">").Raw(action).Raw("</button>");
            }

            html.Raw("</td></tr>");
        }

        string[] total = ["live", "clusters", id];
        html.Raw("</tbody><tfoot><tr><th scope=\"row\" colspan=\"7\">Cluster total (requests with no destination included in the rates)</th>")
            .Bound("td", [.. total, "requestsPerSecond"], "n", null, "class=\"num\"")
            .Bound("td", [.. total, "serverErrorsPerSecond"], "n", null, "class=\"num\"")
            .Raw("<td></td><td></td>")
            .Bound("td", [.. totals, "inFlight"], "i", null, "class=\"num\"")
            .Raw("<td></td>")
            .Bound("td", [.. totals, "requests"], "i", null, "class=\"num\"")
            .Bound("td", [.. totals, "bytesIn"], "b", null, "class=\"num\"")
            .Bound("td", [.. totals, "bytesOut"], "b", null, "class=\"num\"")
            .Bound("td", [.. total, "lastError"], "t", null, "class=\"err\"")
            .Raw("<td></td></tr></tfoot></table></div>");
    }
}
