using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Tolerant reads from the <c>/status</c> tree: a missing section or key gives null, never an exception.</summary>
internal static class JsonRead
{
    public static JsonNode? At(this JsonNode? node, string key) => node is JsonObject obj && obj.TryGetPropertyValue(key, out var value) ? value : null;

    public static string? Str(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() != JsonValueKind.Null ? Text(v) : null;

    /// <summary>
    /// A value as the script sees it after <c>JSON.parse</c>: strings unquoted (a date built in code is a JSON string
    /// too, but its <c>ToString</c> keeps the quotes), anything else as its JSON text.
    /// </summary>
    public static string Text(JsonValue value)
    {
        if (value.TryGetValue<string>(out var text))
        {
            return text;
        }

        if (value.GetValueKind() != JsonValueKind.String)
        {
            return value.ToJsonString();
        }

        using var document = JsonDocument.Parse(value.ToJsonString());
        return document.RootElement.GetString() ?? "";
    }

    public static double? Num(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : null;

    public static bool Bool(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IEnumerable<JsonNode> Items(this JsonNode? node, string key) => node.At(key) is JsonArray array ? array.OfType<JsonNode>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node, string key) => node.Items(key).Select(i => i is JsonValue v ? Text(v) : i.ToJsonString());

    public static IEnumerable<(string Key, JsonNode? Value)> Props(this JsonNode? node, string key) =>
        node.At(key) is JsonObject obj ? obj.Select(p => (p.Key, p.Value)) : [];
}
