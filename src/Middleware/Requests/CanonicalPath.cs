using System.Buffers;

namespace EdgeProxy.Middleware.Requests;

/// <summary>
/// The canonical form of a path as Kestrel hands it over (percent-decoded except <c>%2F</c>, dot segments already
/// removed, <c>%2e</c> forms included): the form routes match, policies judge and backends receive.
/// </summary>
public static class CanonicalPath
{
    // What makes a path need a second look; an already canonical path is one vectorised scan (and one for "//").
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(";\\%");

    /// <summary>
    /// Checks <paramref name="path"/>: returns the refusal (or <see cref="RequestRefusal.None"/>) and, when the path had to
    /// change, the canonical path in <paramref name="canonical"/> (null when <paramref name="path"/> is already canonical).
    /// </summary>
    public static RequestRefusal Canonicalize(string path, RequestNormalizationOptions options, out string? canonical)
    {
        canonical = null;
        var span = path.AsSpan();
        if (span.IndexOfAny(Suspicious) >= 0)
        {
            if (options.EncodedSlashes == EncodedSlashHandling.Reject)
            {
                if (span.Contains('\\'))
                {
                    // Kestrel decodes %5C, so a raw backslash and %5C both arrive as one.
                    return RequestRefusal.Backslash;
                }

                // Kestrel leaves %2F encoded; "%2F" here is also what %252F decodes to, which a backend decoding once
                // more would turn into a separator: both are refused.
                if (span.IndexOf("%2F", StringComparison.OrdinalIgnoreCase) >= 0 || span.IndexOf("%5C", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return RequestRefusal.EncodedSlash;
                }
            }

            if (options.PathParameters == PathParameterHandling.Reject && span.Contains(';'))
            {
                return RequestRefusal.PathParameter;
            }
        }

        if (options.MergeSlashes && span.IndexOf("//", StringComparison.Ordinal) >= 0)
        {
            canonical = MergeSlashes(span);
        }

        return RequestRefusal.None;
    }

    private static string MergeSlashes(ReadOnlySpan<char> path)
    {
        var merged = new char[path.Length];
        var length = 0;
        foreach (var c in path)
        {
            if (c != '/' || length == 0 || merged[length - 1] != '/')
            {
                merged[length++] = c;
            }
        }

        return new string(merged, 0, length);
    }
}
