namespace EdgeProxy.Middleware.Hsts;

/// <summary>What <c>Strict-Transport-Security</c> says; the defaults are a year with subdomains, no preload.</summary>
public sealed class HstsOptions
{
    public static readonly TimeSpan OneYear = TimeSpan.FromDays(365);

    public bool Enabled { get; set; } = true;

    public TimeSpan MaxAge { get; set; } = OneYear;

    public bool IncludeSubDomains { get; set; } = true;

    /// <summary>Opt-in: asks browsers to ship the domain as HTTPS-only; hard to undo (the preload list needs max-age ≥ 1 year and includeSubDomains).</summary>
    public bool Preload { get; set; }

    public string HeaderValue =>
        $"max-age={(long)MaxAge.TotalSeconds}{(IncludeSubDomains ? "; includeSubDomains" : "")}{(Preload ? "; preload" : "")}";
}
