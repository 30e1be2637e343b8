namespace EdgeProxy.Cloudflare;

/// <summary>Why a fetched list was refused: <see cref="Reason"/> is a short metric label, <see cref="Message"/> says it for people.</summary>
internal sealed record RangeRejection(string Reason, string Message)
{
    public const string Timeout = "timeout";
    public const string Network = "network";
    public const string HttpStatus = "http_status";
    public const string ContentType = "content_type";
    public const string Parse = "parse";
    public const string Family = "family";
    public const string Empty = "empty";
    public const string Shrink = "shrink";
    public const string PrefixTooShort = "prefix_too_short";
    public const string ForbiddenRange = "forbidden_range";
    public const string Growth = "growth";
    public const string Internal = "internal";

    /// <summary>Every reason, published at 0 from the start so that <c>rate()</c> and alerts work.</summary>
    public static readonly string[] All =
    [
        Timeout, Network, HttpStatus, ContentType, Parse, Family, Empty, Shrink, PrefixTooShort, ForbiddenRange, Growth, Internal,
    ];
}
