namespace EdgeProxy.Middleware.Hsts;

/// <summary><c>EdgeProxy:Hsts</c>.</summary>
public sealed class HstsOptions
{
    public const string SectionName = "EdgeProxy:Hsts";

    public static readonly TimeSpan OneYear = TimeSpan.FromDays(365);

    public bool Enabled { get; set; } = true;

    public TimeSpan MaxAge { get; set; } = OneYear;

    public bool IncludeSubDomains { get; set; } = true;

    /// <summary>Opt-in: asks browsers to ship the domain as HTTPS-only; hard to undo, so it needs max-age ≥ 1 year and includeSubDomains.</summary>
    public bool Preload { get; set; }

    /// <summary>Why these options are refused, or empty.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAge < TimeSpan.Zero)
        {
            errors.Add($"{SectionName}:MaxAge must not be negative");
        }

        if (Preload && (MaxAge < OneYear || !IncludeSubDomains))
        {
            errors.Add($"{SectionName}:Preload needs MaxAge of at least 365 days and IncludeSubDomains=true (the preload list requires both)");
        }

        return errors;
    }

    public string HeaderValue =>
        $"max-age={(long)MaxAge.TotalSeconds}{(IncludeSubDomains ? "; includeSubDomains" : "")}{(Preload ? "; preload" : "")}";
}
