using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Each certificate served: which listener or SNI name, its names and issuer, days left and OCSP state.</summary>
internal static class CertificatesTable
{
    public static void Write(BoundHtml html)
    {
        var ocsp = html.Status.At("ocsp").Items("certificates").ToList();
        html.Raw("<section aria-labelledby=\"certs-title\"><h2 id=\"certs-title\">Certificates</h2><div class=\"scroll\"><table><thead><tr>")
            .Raw("<th scope=\"col\">Listener / SNI</th><th scope=\"col\">Names</th><th scope=\"col\">Issuer</th><th scope=\"col\">Not after</th>")
            .Raw("<th scope=\"col\" class=\"num\">Days left</th><th scope=\"col\">OCSP</th></tr></thead><tbody>");
        foreach (var certificate in html.Status.At("tls").Items("certificates"))
        {
            var key = certificate.Str("key") ?? "";
            var days = certificate.Num("daysLeft");
            var level = certificate.Str("error") is not null || days < 7 ? "bad" : days < 21 ? "warn" : "ok";
            html.Raw("<tr><th scope=\"row\">").Text(key).Raw("</th><td>").Text(certificate.Str("names") ?? certificate.Str("subject") ?? certificate.Str("error"))
                .Raw("</td><td>").Text(certificate.Str("issuer")).Raw("</td><td>").Text(certificate.Str("notAfter")?[..Math.Min(10, certificate.Str("notAfter")!.Length)])
                .Raw("</td><td class=\"num\" data-level=\"").Raw(level).Raw("\">").Text(BoundHtml.Format(certificate.At("daysLeft"), "i")).Raw("</td>");
            // OCSP keeps its own list (keyed alike); a certificate it does not know has no stapling.
            if (ocsp.Any(o => o.Str("key") == key))
            {
                html.Bound("td", ["ocsp", "certificates", key, "state"]);
            }
            else
            {
                html.Raw("<td>–</td>");
            }

            html.Raw("</tr>");
        }

        html.Raw("</tbody></table></div>");
        WriteAcme(html);
        html.Raw("</section>");
    }

    /// <summary>Certificates ordered by ACME (<c>/status</c> <c>acme</c>): state, dates and the last error, when any is configured.</summary>
    private static void WriteAcme(BoundHtml html)
    {
        var certificates = html.Status.At("acme").Items("certificates").ToList();
        if (certificates.Count == 0)
        {
            return;
        }

        html.Raw("<h3 id=\"acme-title\">Automatic (ACME)</h3><div class=\"scroll\"><table aria-labelledby=\"acme-title\"><thead><tr>")
            .Raw("<th scope=\"col\">Certificate</th><th scope=\"col\">Names</th><th scope=\"col\">Challenge</th><th scope=\"col\">State</th>")
            .Raw("<th scope=\"col\">Not after</th><th scope=\"col\">Next renewal</th><th scope=\"col\">Last error</th></tr></thead><tbody>");
        foreach (var certificate in certificates)
        {
            var name = certificate.Str("name") ?? "";
            var level = certificate.Str("state") switch { "valid" => "ok", "pending" => "warn", _ => "bad" };
            html.Raw("<tr><th scope=\"row\">").Text(name).Raw("</th><td>").Text(string.Join(", ", certificate.Strings("names")))
                .Raw("</td><td>").Text(certificate.Str("challenge")).Raw("</td>")
                .Bound("td", ["acme", "certificates", name, "state"], attributes: $"data-level=\"{level}\"")
                .Bound("td", ["acme", "certificates", name, "notAfter"])
                .Bound("td", ["acme", "certificates", name, "nextRenewal"])
                .Bound("td", ["acme", "certificates", name, "lastError"])
                .Raw("</tr>");
        }

        html.Raw("</tbody></table></div>");
    }
}
