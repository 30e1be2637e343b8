namespace EdgeProxy.Middleware.Requests;

/// <summary>
/// Marks a request whose path holds <c>%2F</c> or <c>%5C</c> kept under <see cref="EncodedSlashHandling.Keep"/>: the
/// forwarder must send them as they came (YARP would encode the <c>%</c> once more).
/// </summary>
public sealed class KeptEncodedSlashes
{
    public static readonly KeptEncodedSlashes Instance = new();

    private KeptEncodedSlashes()
    {
    }

    public static bool In(PathString path) =>
        path.Value is { } value && (value.Contains("%2F", StringComparison.OrdinalIgnoreCase) || value.Contains("%5C", StringComparison.OrdinalIgnoreCase));

    /// <summary>The upstream target with the kept separators decoded back from YARP's <c>%252F</c>/<c>%255C</c>.</summary>
    public static string Restore(string upstreamUri) => upstreamUri
        .Replace("%252F", "%2F", StringComparison.Ordinal).Replace("%252f", "%2f", StringComparison.Ordinal)
        .Replace("%255C", "%5C", StringComparison.Ordinal).Replace("%255c", "%5c", StringComparison.Ordinal);
}
