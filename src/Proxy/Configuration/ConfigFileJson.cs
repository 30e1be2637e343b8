using System.Text.Json;

namespace EdgeProxy.Configuration;

/// <summary>Parses the configuration file the way .NET's JSON configuration provider does, to report errors with their position.</summary>
internal static class ConfigFileJson
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Returns why <paramref name="content"/> is not a usable JSON configuration file, or null when it is.</summary>
    public static string? Validate(string path, ReadOnlyMemory<byte> content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, ParseOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : $"{path}: invalid JSON: the top level must be an object, not {document.RootElement.ValueKind}";
        }
        catch (JsonException ex)
        {
            return $"{path}: invalid JSON: {ex.Message}";
        }
    }
}
