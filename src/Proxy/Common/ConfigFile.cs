using System.Text.Json;

namespace EdgeProxy.Common;

/// <summary>
/// The configuration file as read once: its path, its bytes, and why it is not a usable JSON configuration (parsed the
/// way .NET's JSON configuration provider does, to report the position). Everything at start — the TLS policy, the
/// application, the routes — is built from the same bytes; each live edit is read into a new one.
/// </summary>
internal sealed record ConfigFile(string Path, byte[] Content, string? JsonError)
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static ConfigFile Read(string path) => FromContent(path, File.ReadAllBytes(path));

    public static ConfigFile FromContent(string path, byte[] content) => new(path, content, Validate(path, content));

    private static string? Validate(string path, ReadOnlyMemory<byte> content)
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
            // System.Text.Json counts lines and bytes from 0; editors and nginx -t count from 1.
            var message = ex.Message;
            var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            message = position > 0 ? message[..position] : message;
            return ex.LineNumber is { } line
                ? $"{path}: invalid JSON at line {line + 1}, column {(ex.BytePositionInLine ?? 0) + 1}: {message}"
                : $"{path}: invalid JSON: {message}";
        }
    }
}
