using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeProxy.Tests.Proxy.Admin.StatusPage;

/// <summary>Reads the status page's markup (as served, or as Chromium dumped it) by the JSON paths its elements are bound to.</summary>
internal static class StatusPageDom
{
    /// <summary>The text of the element bound to <paramref name="path"/>; fails unless exactly one is.</summary>
    public static string Text(string html, params string[] path)
    {
        var matches = Find(html, "data-p", path);
        Assert.True(matches.Count == 1, $"{matches.Count} elements bound to {string.Join('/', path)}");
        return WebUtility.HtmlDecode(matches[0].Groups["text"].Value);
    }

    /// <summary>The <c>data-level</c> of the element whose level is bound to <paramref name="path"/>.</summary>
    public static string Level(string html, params string[] path)
    {
        var attribute = Attribute("data-l", path);
        var element = Regex.Match(html, "<[a-z]+ [^>]*" + Regex.Escape(attribute) + "[^>]*>");
        Assert.True(element.Success, $"no element with the level of {string.Join('/', path)}");
        return WebUtility.HtmlDecode(Regex.Match(element.Value, "data-level=\"(?<v>[^\"]*)\"").Groups["v"].Value);
    }

    public static double Number(string html, params string[] path) =>
        double.Parse(Text(html, path), System.Globalization.CultureInfo.InvariantCulture);

    private static List<Match> Find(string html, string kind, string[] path) =>
        [.. Regex.Matches(html, "<(?<tag>[a-z]+) [^>]*" + Regex.Escape(Attribute(kind, path)) + "[^>]*>(?<text>[^<]*)</\\k<tag>>").Cast<Match>()];

    // Both the server and Chromium's serializer write the quotes of an attribute value as &quot;.
    private static string Attribute(string kind, string[] path) =>
        $"{kind}=\"{WebUtility.HtmlEncode(new JsonArray([.. path.Select(s => (JsonNode?)s)]).ToJsonString())}\"";
}
