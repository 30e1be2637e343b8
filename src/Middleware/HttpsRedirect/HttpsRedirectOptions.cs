namespace EdgeProxy.Middleware.HttpsRedirect;

/// <summary>Where plain HTTP is sent, and what is let through.</summary>
public sealed class HttpsRedirectOptions
{
    public const string AcmeChallengePrefix = "/.well-known/acme-challenge/";

    public bool Enabled { get; set; } = true;

    /// <summary>The HTTPS port clients see (port-mapped deployments); null: the port the HTTPS listener is bound to.</summary>
    public int? HttpsPort { get; set; }

    /// <summary>Let <c>/.well-known/acme-challenge/…</c> through on plain HTTP, so ACME HTTP-01 renewals reach the backend.</summary>
    public bool AcmeChallengeOverHttp { get; set; }
}
