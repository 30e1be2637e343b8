using System.Globalization;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Who may state the client IP: the trusted networks by source, what was refused, and a <c>/trust?ip=</c> form.</summary>
internal static class TrustPanel
{
    public static void Write(BoundHtml html)
    {
        var status = html.Status;
        var cloudflare = status.At("cloudflare");
        html.Raw("<section aria-labelledby=\"trust-title\"><h2 id=\"trust-title\">Trust</h2><div class=\"scroll\"><table><thead><tr>")
            .Raw("<th scope=\"col\">Source</th><th scope=\"col\" class=\"num\">Networks</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
        var groups = status.At("trust").Items("networks").GroupBy(n => n.Str("source") ?? "").ToList();
        if (groups.Count == 0)
        {
            html.Raw("<tr><td colspan=\"3\">No trusted network: every client-IP header is ignored and the peer is the client.</td></tr>");
        }

        foreach (var group in groups)
        {
            var detail = group.Key == "cloudflare" && cloudflare is not null
                ? $"{cloudflare.Str("origin")} list, age {StatusSummary.Age(cloudflare.Num("ageSeconds"))}" + (cloudflare.At("lastError") is { } e ? $", last refresh failed: {e.Str("reason")}" : "")
                : "from the configuration file";
            html.Raw("<tr><th scope=\"row\">").Text(group.Key).Raw("</th><td class=\"num\">").Text(group.Count().ToString(CultureInfo.InvariantCulture))
                .Raw("</td><td><details><summary>").Text(detail).Raw("</summary><p class=\"nets\">")
                .Text(string.Join(" ", group.Select(n => n.Str("network")))).Raw("</p></details></td></tr>");
        }

        html.Raw("</tbody></table></div><div class=\"scroll\"><table><caption>Client-IP headers since start: believed (restored), and not believed (the peer's address was used)</caption><thead><tr>")
            .Raw("<th scope=\"col\" class=\"num\">Restored</th><th scope=\"col\" class=\"num\">Untrusted peer</th><th scope=\"col\" class=\"num\">Malformed</th><th scope=\"col\" class=\"num\">Worker refused</th>")
            .Raw("<th scope=\"col\" class=\"num\">Locked out at accept</th></tr></thead><tbody><tr>")
            .Bound("td", ["trust", "restored"], "i", null, "class=\"num\"")
            .Bound("td", ["trust", "untrustedHeader"], "i", null, "class=\"num\"")
            .Bound("td", ["trust", "malformedHeader"], "i", null, "class=\"num\"")
            .Bound("td", ["trust", "workerRefused"], "i", null, "class=\"num\"")
            .Bound("td", ["trust", "lockedOut"], "i", null, "class=\"num\"")
            .Raw("</tr></tbody></table></div>")
            .Raw("<form id=\"trust-form\" action=\"/trust\" method=\"get\"><label for=\"trust-ip\">Would this peer be trusted?</label> ")
            .Raw("<input id=\"trust-ip\" name=\"ip\" placeholder=\"203.0.113.7\" required> <button type=\"submit\">Ask /trust</button> ")
            .Raw("<output id=\"trust-answer\" for=\"trust-ip\" aria-live=\"polite\"></output></form></section>");
    }
}
