using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>
/// HTML output whose live values name where they come from in the <c>/status</c> JSON (<c>data-p</c>: a path, arrays
/// entered by the <c>id</c> of their items; <c>data-f</c>: the format), so that the page's script can refresh them
/// from the JSON with the same path and the same format the server used.
/// </summary>
internal sealed class BoundHtml(JsonObject status)
{
    private readonly StringBuilder _html = new();

    public JsonObject Status => status;

    public BoundHtml Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public BoundHtml Text(string? text)
    {
        _html.Append(WebUtility.HtmlEncode(text ?? ""));
        return this;
    }

    /// <summary>An element holding the value at <paramref name="path"/>, formatted; <paramref name="levelPath"/> names a value copied to <c>data-level</c> (its color).</summary>
    public BoundHtml Bound(string tag, string[] path, string format = "t", string[]? levelPath = null, string? attributes = null)
    {
        _html.Append('<').Append(tag).Append(" data-p=\"").Append(PathAttribute(path)).Append("\" data-f=\"").Append(format).Append('"');
        if (levelPath is not null)
        {
            _html.Append(' ').Append(LevelAttributes(levelPath));
        }

        if (attributes is not null)
        {
            _html.Append(' ').Append(attributes);
        }

        _html.Append('>').Append(WebUtility.HtmlEncode(Format(Resolve(status, path), format))).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary><c>data-level</c> (what CSS colors by) and <c>data-l</c>, where the script finds its next value.</summary>
    public string LevelAttributes(string[] levelPath) =>
        $"data-l=\"{PathAttribute(levelPath)}\" data-level=\"{WebUtility.HtmlEncode(Resolve(status, levelPath) is JsonValue v ? JsonRead.Text(v) : "")}\"";

    public override string ToString() => _html.ToString();

    /// <summary>The node at <paramref name="path"/>; an array is entered by the item whose <c>id</c> (or <c>key</c>) is the segment.</summary>
    public static JsonNode? Resolve(JsonNode? node, IEnumerable<string> path)
    {
        foreach (var segment in path)
        {
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(segment, out var value) ? value : null,
                JsonArray array => array.FirstOrDefault(item => (item.Str("id") ?? item.Str("key") ?? item.Str("name")) == segment),
                _ => null,
            };
        }

        return node;
    }

    /// <summary>The same rules as the script's <c>fmt</c>: t text, i whole number, n one decimal, ts time of day (UTC), age seconds as an age, b bytes.</summary>
    public static string Format(JsonNode? value, string format)
    {
        if (value is not JsonValue v || v.GetValueKind() == JsonValueKind.Null)
        {
            return "–";
        }

        var number = v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) : (double?)null;
        return (format, number) switch
        {
            ("i", { } n) => Math.Round(n).ToString(CultureInfo.InvariantCulture),
            ("n", { } n) => n.ToString("0.0", CultureInfo.InvariantCulture),
            ("age", { } n) => StatusSummary.Age(n),
            ("b", { } n) => Bytes(n),
            ("ts", _) when JsonRead.Text(v) is { Length: >= 19 } iso => iso.Substring(11, 8) + " UTC",
            _ => JsonRead.Text(v),
        };
    }

    /// <summary>A byte count as people read it: 512 B, 1.5 kB, 20.0 MB (powers of 1000, as the script's <c>bytes</c>).</summary>
    public static string Bytes(double n) => n switch
    {
        < 1000 => Math.Round(n).ToString(CultureInfo.InvariantCulture) + " B",
        < 1e6 => (n / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " kB",
        < 1e9 => (n / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (n / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
    };

    private static string PathAttribute(string[] path) =>
        WebUtility.HtmlEncode(new JsonArray([.. path.Select(s => (JsonNode?)s)]).ToJsonString());
}
