using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeProxy.Admin.StatusPage;

/// <summary>Tolerant reads from the <c>/status</c> tree: a missing section or key gives null, never an exception.</summary>
internal static class JsonRead
{
    public static JsonNode? At(this JsonNode? node, string key) => node is JsonObject obj && obj.TryGetPropertyValue(key, out var value) ? value : null;

    public static string? Str(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() != JsonValueKind.Null ? v.ToString() : null;

    public static double? Num(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() == JsonValueKind.Number
        ? double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : null;

    public static bool Bool(this JsonNode? node, string key) => node.At(key) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static IEnumerable<JsonNode> Items(this JsonNode? node, string key) => node.At(key) is JsonArray array ? array.OfType<JsonNode>() : [];

    public static IEnumerable<string> Strings(this JsonNode? node, string key) => node.Items(key).Select(i => i.ToString());

    public static IEnumerable<(string Key, JsonNode? Value)> Props(this JsonNode? node, string key) =>
        node.At(key) is JsonObject obj ? obj.Select(p => (p.Key, p.Value)) : [];
}
