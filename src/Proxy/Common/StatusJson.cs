using System.Text.Json.Nodes;

namespace EdgeProxy.Common;

/// <summary>Builds the arrays of <c>/status</c> sections as JSON trees.</summary>
internal static class StatusJson
{
    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> map) => new([.. items.Select(map)]);

    /// <summary>Null stays null (e.g. a route without host match).</summary>
    public static JsonArray? Strings(IEnumerable<string>? items) => items is null ? null : new([.. items.Select(i => (JsonNode?)i)]);
}
