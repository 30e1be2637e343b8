namespace EdgeProxy.Cloudflare;

/// <summary>A source's last accepted answer: its ranges and the validators for the next conditional GET.</summary>
internal sealed record SourceAnswer(string Url, string? ETag, string? LastModified, string? ApiEtag, IReadOnlyList<string> Ranges);
